"""Small-cell suppression for a help-seeking funnel, whose stages are nested counts. DB-free.

A funnel (screened → screened positive → referred → accepted → served) publishes nested
counts: everyone counted at a stage was counted at the stage before. So besides each count,
the *difference* between two published stages is a published count of people too ("screened
but not referred"). The rule of `commonweal.insights.deidentify` (CMS Cell Size Suppression
Policy: no figure of 1 to 10, nor any from which one could be derived) then asks:

- **primary**: a stage count of 1 to 10 is hidden;
- **differences**: along a row, the difference between two shown stages is 0 or at least 11;
  otherwise the later (smaller) stage is hidden too. When a hidden stage lies between two
  shown stages of equal value it is pinned to that value, so the later one is hidden too;
- **columns** (when the rows add up to the overall row, as partners do): a column's hidden
  cells must not be recoverable from the overall figure — never one hidden cell alone, and
  never hidden cells summing to 1 to 10; else the smallest other non-zero cell is hidden
  (or, if none, the overall figure).

The steps repeat until nothing changes; each only hides, so they end.
"""

from __future__ import annotations

from collections.abc import Sequence

from commonweal.insights.deidentify import THRESHOLD, Cell, Suppressed

STAGES = ("screened", "positive", "referred", "accepted", "served")


def suppress(
    rows: Sequence[Sequence[int]],
    *,
    additive: bool = True,
    against: Sequence[Cell] | None = None,
    threshold: int = THRESHOLD,
) -> tuple[list[list[Cell]], list[Cell] | None]:
    """Each row's stage counts with small and derivable ones hidden, and the overall row.

    `additive`: the rows partition the people, so an overall row (their sum) is published
    and suppressed with them; otherwise (a person may be in several rows) there is none.
    `against`: for rows that do not add up (programmes), the overall row as published: each
    row's shown count must differ from a shown overall count by 0 or at least `threshold`,
    as the difference counts the people outside that row.
    """
    if additive and against is not None:
        raise ValueError("an additive table has its own overall row")
    width = len(rows[0]) if rows else 0
    for line in rows:
        if len(line) != width:
            raise ValueError("every row has one count per stage")
        if any(not isinstance(v, int) or v < 0 for v in line):
            raise ValueError("counts are whole numbers from 0 up")
        if any(later > earlier for earlier, later in zip(line, line[1:], strict=False)):
            raise ValueError("a later stage cannot count more people than an earlier one")
    grid = [list(line) for line in rows]
    if additive:
        grid.append([sum(line[k] for line in rows) for k in range(width)])
    hidden: dict[tuple[int, int], Suppressed] = {
        (i, k): Suppressed.PRIMARY
        for i, line in enumerate(grid)
        for k, v in enumerate(line)
        if 0 < v < threshold
    }
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(grid):
            changed |= _mend_row(i, line, hidden, threshold)
        if additive:
            changed |= _mend_columns(grid, hidden, threshold)
        if against is not None:
            changed |= _mend_against(grid, against, hidden, threshold)
    cells: list[list[Cell]] = [
        [hidden.get((i, k), v) for k, v in enumerate(line)] for i, line in enumerate(grid)
    ]
    if additive:
        return cells[:-1], cells[-1]
    return cells, None


def _mend_row(
    i: int, line: list[int], hidden: dict[tuple[int, int], Suppressed], threshold: int
) -> bool:
    changed = False
    previous: int | None = None  # the last shown stage's position
    gap = False  # hidden stages since it
    for k, value in enumerate(line):
        if (i, k) in hidden:
            gap = True
            continue
        if previous is not None:
            difference = line[previous] - value
            if 0 < difference < threshold or (gap and difference == 0):
                hidden[(i, k)] = Suppressed.COMPLEMENTARY
                changed = True
                continue
        previous, gap = k, False
    return changed


def _mend_columns(
    grid: list[list[int]], hidden: dict[tuple[int, int], Suppressed], threshold: int
) -> bool:
    changed = False
    total_row = len(grid) - 1
    for k in range(len(grid[0]) if grid else 0):
        if (total_row, k) in hidden:
            continue
        secret = [i for i in range(total_row) if (i, k) in hidden]
        if not secret:
            continue
        amount = sum(grid[i][k] for i in secret)
        if len(secret) > 1 and not 0 < amount < threshold:
            continue
        shown = [i for i in range(total_row) if (i, k) not in hidden and grid[i][k] > 0]
        if shown:
            pick = min(shown, key=lambda i: (grid[i][k], i))
            hidden[(pick, k)] = Suppressed.COMPLEMENTARY
        else:
            hidden[(total_row, k)] = Suppressed.COMPLEMENTARY
        changed = True
    return changed


def _mend_against(
    grid: list[list[int]],
    against: Sequence[Cell],
    hidden: dict[tuple[int, int], Suppressed],
    threshold: int,
) -> bool:
    changed = False
    for i, line in enumerate(grid):
        for k, value in enumerate(line):
            total = against[k] if k < len(against) else None
            if (i, k) in hidden or not isinstance(total, int):
                continue
            if 0 < total - value < threshold:
                hidden[(i, k)] = Suppressed.COMPLEMENTARY
                changed = True
    return changed
