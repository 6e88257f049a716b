"""Small-cell and complementary suppression: the one layer every count shown to analysts passes.

The rule is the cell-size rule of the US Centers for Medicare & Medicaid Services (CMS),
"CMS Cell Size Suppression Policy" (2020), also used by CDC programmes that publish health
counts: *no cell containing a value of 1 to 10 may be published directly, nor any figure from
which such a value could be derived*. Hence:

- **Primary suppression**: a count from 1 to THRESHOLD - 1 (1 to 10) is hidden.
- **Zero is shown.** CMS's rule names 1 to 10, and a zero tells nothing about a person; showing
  it keeps reports readable. (A zero is never chosen as a complementary cell while a non-zero
  one is available, so the hidden cells can always move by one in either direction.)
- **Totals** are computed from the true counts, so published totals stay true, and a total
  that is itself from 1 to 10 is suppressed like any cell.
- **Complementary suppression**: a hidden cell must not be recoverable by arithmetic on the
  published cells and totals. After primary suppression every published equation (each row
  and column with its total, the margins with the grand total) is solved as a linear system
  in the hidden cells; while any hidden cell is uniquely determined, the smallest published
  cell sharing a row or column with it is hidden too (ties broken by position, so the result
  is deterministic). This covers the usual "a row or column with exactly one hidden cell"
  case, the interaction of rows and columns, and the less obvious case of a hidden cell that
  is pinned by a combination of several rows and columns.
- **Rates** (`rate`) and other statistics (`statistic`) are not shown (Suppressed.DERIVED)
  when a count they are computed from is hidden, or when they rest on 1 to 10 people.

What this does not promise: an attacker who knows the rule learns that a primary cell lies
between 1 and 10, and the published equations bound each hidden cell to a range; the layer
guarantees that no hidden cell has only one possible value, not that the range is wide.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

# CMS Cell Size Suppression Policy: cells of 1 to 10 are not published (so 11 is the first shown).
THRESHOLD = 11


class Suppressed(enum.Enum):
    """Why a cell is hidden."""

    PRIMARY = "primary"  # the count itself is from 1 to THRESHOLD - 1
    COMPLEMENTARY = "complementary"  # hidden so that a primary cell cannot be worked out
    DERIVED = "derived"  # a rate or statistic from a hidden count, or from too few people

    def __repr__(self) -> str:
        return f"Suppressed.{self.name}"


Cell = int | Suppressed
T = TypeVar("T")


def is_suppressed(cell: object) -> bool:
    return isinstance(cell, Suppressed)


@dataclass(frozen=True)
class Table:
    """Counts by row and column; which margins are published alongside them.

    `row_totals`: each row's total is published; `column_totals`: each column's total is.
    The grand total is published only when both are. A list with a total is a table of one
    column with `row_totals=False`.
    """

    rows: Sequence[str]
    columns: Sequence[str]
    counts: Sequence[Sequence[int]]
    row_totals: bool = True
    column_totals: bool = True

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.rows):
            raise ValueError("one line of counts per row label")
        for line in self.counts:
            if len(line) != len(self.columns):
                raise ValueError("one count per column label in every row")
            for value in line:
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError("counts are whole numbers from 0 up")


@dataclass(frozen=True)
class SuppressedTable:
    """A table safe to publish: every cell and total is a count or a `Suppressed` reason."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def row_total(self, row: str) -> Cell:
        if self.row_totals is None:
            raise KeyError("row totals are not published")
        return self.row_totals[self.rows.index(row)]

    def column_total(self, column: str) -> Cell:
        if self.column_totals is None:
            raise KeyError("column totals are not published")
        return self.column_totals[self.columns.index(column)]

    def published(self) -> list[Cell]:
        """Every figure of the table, cells then margins: what a reader sees."""
        figures: list[Cell] = [value for line in self.cells for value in line]
        figures += list(self.row_totals or ()) + list(self.column_totals or ())
        if self.grand_total is not None:
            figures.append(self.grand_total)
        return figures


Position = tuple[int, int]  # (row, column); row len(rows) is the totals row, likewise columns


def suppress(table: Table, threshold: int = THRESHOLD) -> SuppressedTable:
    """`table` with small cells hidden, and enough others that none can be worked out."""
    if threshold < 1:
        raise ValueError("the threshold is at least 1")
    values = _grid(table)
    equations = _equations(table)
    hidden: dict[Position, Suppressed] = {
        position: Suppressed.PRIMARY for position, value in values.items() if 0 < value < threshold
    }
    shape = (len(table.rows), len(table.columns))
    while True:
        # A line with one hidden figure gives it away by subtraction: mend those first, as
        # they are the common case and cheap to find; the exact solve then catches figures
        # pinned by several lines together.
        lonely = _first_lonely(equations, hidden)
        if lonely is None:
            pinned = _determined(equations, set(hidden))
            if not pinned:
                break
            lonely = pinned[0]
        extra = _complement(lonely, equations, values, hidden, shape)
        if extra is None:
            # Everything is hidden already; a figure still pinned can only be a structural
            # zero (a total over no cells), which was never a small count to protect.
            break
        hidden[extra] = Suppressed.COMPLEMENTARY
    return _result(table, values, hidden)


def suppress_list(
    labels: Sequence[str], counts: Sequence[int], threshold: int = THRESHOLD
) -> tuple[tuple[Cell, ...], Cell]:
    """A list of counts and its published total, suppressed: (cells, total)."""
    table = Table(
        rows=labels,
        columns=("count",),
        counts=[[n] for n in counts],
        row_totals=False,
        column_totals=True,
    )
    result = suppress(table, threshold)
    assert result.column_totals is not None
    return tuple(line[0] for line in result.cells), result.column_totals[0]


def rate(numerator: Cell, denominator: Cell) -> float | Suppressed | None:
    """numerator / denominator; Suppressed.DERIVED when either is hidden; None over zero."""
    if is_suppressed(numerator) or is_suppressed(denominator):
        return Suppressed.DERIVED
    assert isinstance(numerator, int) and isinstance(denominator, int)
    return numerator / denominator if denominator else None


def statistic(value: T, basis: int, threshold: int = THRESHOLD) -> T | Suppressed:
    """A statistic (a median, a mean) over `basis` people; Suppressed.DERIVED when too few.

    A median of one value *is* that person's value, so a statistic needs as many people
    behind it as a count needs to be shown. Over nobody (`basis` 0) there is nothing to hide.
    """
    return Suppressed.DERIVED if 0 < basis < threshold else value


def shown(value: int, threshold: int = THRESHOLD) -> Cell:
    """A lone count with nothing to derive it from: primary suppression only."""
    return Suppressed.PRIMARY if 0 < value < threshold else value


# --- the linear algebra ---------------------------------------------------------------------------


def _grid(table: Table) -> dict[Position, int]:
    rows, columns = len(table.rows), len(table.columns)
    values: dict[Position, int] = {}
    for i, line in enumerate(table.counts):
        for j, value in enumerate(line):
            values[(i, j)] = value
    if table.row_totals:
        for i, line in enumerate(table.counts):
            values[(i, columns)] = sum(line)
    if table.column_totals:
        for j in range(columns):
            values[(rows, j)] = sum(line[j] for line in table.counts)
    if table.row_totals and table.column_totals:
        values[(rows, columns)] = sum(sum(line) for line in table.counts)
    return values


def _equations(table: Table) -> list[dict[Position, int]]:
    """Each published sum as {position: coefficient} equal to zero (the total counts -1)."""
    rows, columns = len(table.rows), len(table.columns)
    both = table.row_totals and table.column_totals
    equations: list[dict[Position, int]] = []
    if table.row_totals:
        for i in range(rows + (1 if both else 0)):
            equation = {(i, j): 1 for j in range(columns)}
            equation[(i, columns)] = -1
            equations.append(equation)
    if table.column_totals:
        for j in range(columns + (1 if both else 0)):
            equation = {(i, j): 1 for i in range(rows)}
            equation[(rows, j)] = -1
            equations.append(equation)
    return equations


def _determined(equations: list[dict[Position, int]], hidden: set[Position]) -> list[Position]:
    """The hidden positions whose value the published equations fix, in position order.

    A hidden cell is fixed exactly when its unit vector lies in the row space of the
    equations restricted to the hidden cells; in reduced row echelon form that is a row
    holding that cell alone. Exact rational arithmetic: no rounding can hide a solution.
    """
    pending = [
        {p: Fraction(c) for p, c in equation.items() if p in hidden} for equation in equations
    ]
    pending = [row for row in pending if row]
    reduced: list[tuple[Position, dict[Position, Fraction]]] = []
    for variable in sorted(hidden):
        index = next((k for k, row in enumerate(pending) if row.get(variable)), None)
        if index is None:
            continue
        pivot = pending.pop(index)
        scale = pivot[variable]
        pivot = {p: c / scale for p, c in pivot.items()}
        for row in [*pending, *(r for _, r in reduced)]:
            factor = row.get(variable)
            if factor:
                for p, c in pivot.items():
                    updated = row.get(p, Fraction(0)) - factor * c
                    if updated:
                        row[p] = updated
                    else:
                        row.pop(p, None)
        pending = [row for row in pending if row]
        reduced.append((variable, pivot))
    return sorted(variable for variable, row in reduced if len(row) == 1)


def _first_lonely(
    equations: list[dict[Position, int]], hidden: dict[Position, Suppressed]
) -> Position | None:
    """The first hidden figure (by position) that is alone in some published sum."""
    alone = [only[0] for eq in equations if len(only := [p for p in eq if p in hidden]) == 1]
    return min(alone) if alone else None


def _lonely_lines(
    target: Position, equations: list[dict[Position, int]], hidden: dict[Position, Suppressed]
) -> list[dict[Position, int]]:
    """The published sums in which `target` is the only hidden figure."""
    return [eq for eq in equations if target in eq and sum(p in hidden for p in eq) == 1]


def _complement(
    target: Position,
    equations: list[dict[Position, int]],
    values: dict[Position, int],
    hidden: dict[Position, Suppressed],
    shape: tuple[int, int],
) -> Position | None:
    """The published figure to hide so that `target` is no longer determined.

    Prefer a line where `target` is the only hidden figure (hiding one more there is what
    breaks that line); among candidates prefer inner cells to totals, non-zero to zero,
    then the smallest, then the first by position.
    """
    lines = [eq for eq in equations if target in eq]
    lonely = _lonely_lines(target, equations, hidden)
    candidates = {p for eq in (lonely or lines) for p in eq if p not in hidden}
    if not candidates:
        # Pinned through other lines only: widen to every published figure.
        candidates = {p for p in values if p not in hidden}
    if not candidates:
        return None
    rows, columns = shape

    def cost(p: Position) -> tuple[bool, bool, int, Position]:
        margin = p[0] == rows or p[1] == columns
        return (margin, values[p] == 0, values[p], p)

    return min(candidates, key=cost)


def _result(
    table: Table, values: dict[Position, int], hidden: dict[Position, Suppressed]
) -> SuppressedTable:
    rows, columns = len(table.rows), len(table.columns)

    def at(position: Position) -> Cell:
        return hidden.get(position, values[position])

    both = table.row_totals and table.column_totals
    return SuppressedTable(
        rows=tuple(table.rows),
        columns=tuple(table.columns),
        cells=tuple(tuple(at((i, j)) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(at((i, columns)) for i in range(rows)) if table.row_totals else None,
        column_totals=(
            tuple(at((rows, j)) for j in range(columns)) if table.column_totals else None
        ),
        grand_total=at((rows, columns)) if both else None,
    )
