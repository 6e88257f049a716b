"""Small-cell and complementary suppression, attacked the way a curious analyst would."""

from __future__ import annotations

import math
import random

import pytest

from commonweal.insights.deidentify import (
    THRESHOLD,
    Suppressed,
    SuppressedTable,
    Table,
    is_suppressed,
    rate,
    shown,
    statistic,
    suppress,
    suppress_list,
)

P, C, D = Suppressed.PRIMARY, Suppressed.COMPLEMENTARY, Suppressed.DERIVED


def _table(counts: list[list[int]], **margins: bool) -> Table:
    return Table(
        rows=[f"r{i}" for i in range(len(counts))],
        columns=[f"c{j}" for j in range(len(counts[0]))],
        counts=counts,
        **margins,
    )


# --- what an attacker sees and how they solve it -------------------------------------------------


def _published_system(
    table: Table, result: SuppressedTable
) -> tuple[list[tuple[int, int]], list[dict[tuple[int, int], int]], dict[tuple[int, int], int]]:
    """The unknowns, the equations a reader can write, and the figures they can read.

    Built from the published table alone (its shape and figures), not from the layer's code.
    """
    rows, columns = len(result.rows), len(result.columns)
    figures: dict[tuple[int, int], object] = {}
    for i in range(rows):
        for j in range(columns):
            figures[(i, j)] = result.cells[i][j]
    if result.row_totals is not None:
        for i in range(rows):
            figures[(i, columns)] = result.row_totals[i]
    if result.column_totals is not None:
        for j in range(columns):
            figures[(rows, j)] = result.column_totals[j]
    if result.grand_total is not None:
        figures[(rows, columns)] = result.grand_total
    equations = []
    for i in range(rows + 1):
        if (i, columns) in figures:
            line = {(i, j): 1 for j in range(columns) if (i, j) in figures}
            if len(line) == columns:
                line[(i, columns)] = -1
                equations.append(line)
    for j in range(columns + 1):
        if (rows, j) in figures:
            line = {(i, j): 1 for i in range(rows) if (i, j) in figures}
            if len(line) == rows:
                line[(rows, j)] = -1
                equations.append(line)
    unknowns = sorted(p for p, v in figures.items() if is_suppressed(v))
    known = {p: v for p, v in figures.items() if not is_suppressed(v)}
    return unknowns, equations, known  # type: ignore[return-value]


def _rank(matrix: list[list[int]]) -> int:
    """Exact rank by fraction-free elimination on whole numbers (rows kept reduced by gcd)."""
    rows = [row[:] for row in matrix if any(row)]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        top = rows[rank]
        for r in range(rank + 1, len(rows)):
            factor = rows[r][column]
            if factor:
                row = [top[column] * a - factor * b for a, b in zip(rows[r], top, strict=True)]
                divisor = math.gcd(*row) or 1
                rows[r] = [a // divisor for a in row]
        rank += 1
    return rank


def _solvable_by_linear_algebra(table: Table, result: SuppressedTable) -> list[tuple[int, int]]:
    """Hidden figures the published equations fix: removing one drops the system's rank."""
    unknowns, equations, _ = _published_system(table, result)
    matrix = [[eq.get(u, 0) for u in unknowns] for eq in equations]
    full = _rank(matrix)
    return [
        u
        for k, u in enumerate(unknowns)
        if _rank([row[:k] + row[k + 1 :] for row in matrix]) == full - 1
    ]


def _solvable_by_subtraction(table: Table, result: SuppressedTable) -> dict[tuple[int, int], int]:
    """Constraint propagation: any line with one unknown left gives it away; repeat."""
    unknowns, equations, known = _published_system(table, result)
    solved: dict[tuple[int, int], int] = {}
    values = dict(known)
    progress = True
    while progress:
        progress = False
        for eq in equations:
            missing = [p for p in eq if p not in values]
            if len(missing) == 1:
                (p,) = missing
                rest = sum(c * values[q] for q, c in eq.items() if q != p)
                values[p] = solved[p] = -rest * eq[p]
                progress = True
    return {p: v for p, v in solved.items() if p in unknowns}


def _random_table(rng: random.Random) -> tuple[list[list[int]], dict[str, bool]]:
    rows, columns = rng.randint(2, 6), rng.randint(2, 8)
    small_share = rng.choice([0.2, 0.4, 0.6])
    counts = [
        [
            rng.randint(1, 10)
            if rng.random() < small_share
            else rng.choice([0, rng.randint(11, 60)])
            for _ in range(columns)
        ]
        for _ in range(rows)
    ]
    margins = rng.choice(
        [
            {"row_totals": True, "column_totals": True},
            {"row_totals": True, "column_totals": False},
            {"row_totals": False, "column_totals": True},
        ]
    )
    return counts, margins


def test_it_never_lets_a_suppressed_cell_be_recovered_from_totals() -> None:
    rng = random.Random(20261207)
    hidden_seen = 0
    for _ in range(500):
        counts, margins = _random_table(rng)
        table = _table(counts, **margins)
        result = suppress(table)
        hidden_seen += sum(is_suppressed(v) for v in result.published())
        assert _solvable_by_subtraction(table, result) == {}, counts
        assert _solvable_by_linear_algebra(table, result) == [], counts
        # The layer never publishes a small figure, and never changes a published one.
        assert not [v for v in result.published() if not is_suppressed(v) and 0 < v < THRESHOLD]
        for i, line in enumerate(counts):
            for j, value in enumerate(line):
                assert result.cells[i][j] in (value, P, C)
    assert hidden_seen > 1000  # the attack had plenty to try


def test_the_attack_would_catch_a_lone_suppressed_cell() -> None:
    # Hide only the small cell, as a naive layer would: subtraction recovers it.
    table = _table([[5, 20], [30, 40]])
    naive = SuppressedTable(
        rows=("r0", "r1"),
        columns=("c0", "c1"),
        cells=((P, 20), (30, 40)),
        row_totals=(25, 70),
        column_totals=(35, 60),
        grand_total=95,
    )
    assert _solvable_by_subtraction(table, naive) == {(0, 0): 5}
    assert _solvable_by_linear_algebra(table, naive) == [(0, 0)]


def test_the_attack_would_catch_a_cell_pinned_by_several_lines_together() -> None:
    # Every row and column has two hidden cells, yet (0, 2) is a bridge between two
    # cycles: rows r2+r3 minus columns c2+c3 leave it alone. The layer must hide more.
    counts = [
        [3, 4, 5, 30, 30],
        [4, 3, 30, 30, 30],
        [30, 30, 3, 4, 30],
        [30, 30, 4, 3, 30],
    ]
    table = _table(counts, row_totals=True, column_totals=True)
    bridged = [[P if v < THRESHOLD else v for v in line] for line in counts]
    rows = [sum(line) for line in counts]
    columns = [sum(line[j] for line in counts) for j in range(5)]
    naive = SuppressedTable(
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(line) for line in bridged),
        row_totals=tuple(rows),
        column_totals=tuple(columns),
        grand_total=sum(rows),
    )
    assert (0, 2) in _solvable_by_linear_algebra(table, naive)
    assert _solvable_by_subtraction(table, naive) == {}  # subtraction alone misses it
    result = suppress(table)
    assert _solvable_by_linear_algebra(table, result) == []


# --- boundaries -----------------------------------------------------------------------------------


def test_ten_is_suppressed_eleven_is_shown_and_zero_is_shown() -> None:
    assert shown(10) is P
    assert shown(1) is P
    assert shown(11) == 11
    assert shown(0) == 0
    result = suppress(_table([[10, 11, 0, 40]], row_totals=False, column_totals=False))
    assert result.cells == ((P, 11, 0, 40),)


def test_a_table_of_large_counts_passes_through_unchanged() -> None:
    counts = [[11, 25, 0], [40, 12, 19]]
    result = suppress(_table(counts))
    assert result.cells == ((11, 25, 0), (40, 12, 19))
    assert result.row_totals == (36, 71)
    assert result.column_totals == (51, 37, 19)
    assert result.grand_total == 107


def test_every_row_and_column_with_a_total_has_none_or_at_least_two_hidden() -> None:
    rng = random.Random(7)
    for _ in range(200):
        counts, _ = _random_table(rng)
        result = suppress(_table(counts))
        assert result.row_totals is not None and result.column_totals is not None
        grid = [[*line, total] for line, total in zip(result.cells, result.row_totals, strict=True)]
        grid.append([*result.column_totals, result.grand_total])
        for line in [*grid, *zip(*grid, strict=True)]:
            assert sum(is_suppressed(v) for v in line) != 1, counts


def test_a_single_small_cell_in_a_row_takes_the_next_smallest_with_it() -> None:
    result = suppress(_table([[5, 30, 20], [40, 50, 60]], column_totals=False))
    assert result.cells == ((P, 30, C), (40, 50, 60))
    assert result.row_totals == (55, 150)


def test_ties_are_broken_by_position_so_the_result_is_repeatable() -> None:
    table = _table([[5, 20, 20]], column_totals=False)
    assert suppress(table).cells == ((P, C, 20),)
    assert suppress(table) == suppress(table)


def test_a_small_row_total_is_suppressed_and_the_grand_total_column_is_protected() -> None:
    # Row r0 sums to 9: its total is hidden, so another row total must be hidden as well,
    # or the grand total minus the other row totals would give it away.
    counts = [[4, 5], [20, 30], [25, 40]]
    result = suppress(_table(counts))
    assert result.row_totals is not None
    assert result.row_totals[0] is P
    assert sum(is_suppressed(v) for v in result.row_totals) >= 2
    assert result.grand_total == 124


def test_a_list_with_one_small_entry_hides_the_next_smallest_too() -> None:
    cells, total = suppress_list(["a", "b", "c"], [3, 40, 25])
    assert cells == (P, 40, C)
    assert total == 68


def test_a_list_whose_total_is_small_hides_the_total() -> None:
    cells, total = suppress_list(["a", "b"], [3, 4])
    assert (cells, total) == ((P, P), P)


def test_a_list_with_no_small_entry_is_unchanged() -> None:
    assert suppress_list(["a", "b"], [0, 12]) == ((0, 12), 12)


def test_zero_is_not_chosen_to_protect_a_cell_while_a_count_is_available() -> None:
    result = suppress(_table([[4, 0, 30]], column_totals=False))
    assert result.cells == ((P, 0, C),)


# --- rates and other statistics -------------------------------------------------------------------


def test_a_rate_from_a_suppressed_count_is_not_shown() -> None:
    assert rate(P, 40) is D
    assert rate(12, C) is D
    assert rate(C, P) is D
    assert rate(0, 0) is None
    assert rate(12, 48) == pytest.approx(0.25)
    assert rate(0, 20) == 0


def test_a_statistic_over_one_to_ten_people_is_not_shown() -> None:
    assert statistic(4.5, basis=10) is D
    assert statistic(4.5, basis=1) is D
    assert statistic(4.5, basis=11) == 4.5
    assert statistic(None, basis=0) is None


# --- odd input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "counts",
    [[[-1, 3]], [[1.5, 3]], [[True, 3]], [[1, 2], [3]]],
)
def test_it_refuses_counts_that_are_not_whole_numbers(counts: list[list[object]]) -> None:
    with pytest.raises(ValueError):
        Table(rows=[f"r{i}" for i in range(len(counts))], columns=["a", "b"], counts=counts)  # type: ignore[arg-type]


def test_it_reads_cells_by_label() -> None:
    result = suppress(_table([[5, 30, 20], [40, 50, 60]]))
    assert result.cell("r0", "c0") is P
    assert result.row_total("r1") == 150
    assert result.column_total("c1") == 80
    no_margins = suppress(_table([[5, 30]], row_totals=False, column_totals=False))
    with pytest.raises(KeyError):
        no_margins.row_total("r0")


def test_an_empty_table_and_a_table_without_columns_need_nothing_hidden() -> None:
    empty = suppress(Table(rows=[], columns=["a"], counts=[]))
    assert (empty.column_totals, empty.grand_total) == ((0,), 0)
    bare = suppress(Table(rows=["r"], columns=[], counts=[[]]))
    assert (bare.cells, bare.row_totals, bare.grand_total) == (((),), (0,), 0)
