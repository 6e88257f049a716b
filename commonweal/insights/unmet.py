"""Where needs go unmet, for one completed quarter: four de-identified tables.

1. **Searches that found little**, by category and by area (insights.models.SearchEvent):
   searches with no result, with 1 or 2 (`FEW`), and with 3 or more.
2. **Declined referrals** by receiving partner and reason: exactly the figures the
   loop-closure page shows analysts (referrals/metrics.py), so that the two pages never
   publish two different suppressions of the same counts (which could be subtracted).
3. **Waiting**, by receiving partner: referrals still waiting for the partner's first
   answer and referrals on hold at the end of the quarter, referrals put on hold during
   it, and the time from sending to the partner's first answer (median and 90th
   percentile) for referrals sent in the quarter.
4. **Needs screened positive with no referral**: per need (screening domain), the
   navigator screenings of the quarter positive for it, and how many had a referral naming
   that need sent for the person within `REFERRAL_WINDOW` before or after the screening.

Every count goes through insights/deidentify.py for everyone who sees this area (cells of
1 to 10 hidden, and whatever would let them be worked out); a median or percentile over 1
to 10 referrals is not shown. Rows with fewer than 11 behind them are pooled into one
"other" row first, so a table of many small rows is not a table of hidden cells.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from commonweal.insights import deidentify, periods
from commonweal.insights.deidentify import Cell, Position, Suppressed
from commonweal.insights.models import ReferralTally, SearchEvent
from commonweal.policy import MetricsScope
from commonweal.referrals import metrics
from commonweal.referrals.models import Referral, ReferralEvent, ReferralStatus
from commonweal.screening.models import Screening

SMALL_CELL = deidentify.THRESHOLD
FEW = 3  # a search with fewer results than this (but some) "found little"
REFERRAL_WINDOW = dt.timedelta(days=30)
# The partner's first answer to a referral: acknowledging, accepting or declining it.
FIRST_ANSWER = (ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED, ReferralStatus.REJECTED)
WAITING = (ReferralStatus.REQUESTED, ReferralStatus.RECEIVED)

Figure = int | float | dt.timedelta | Suppressed | None


@dataclass(frozen=True)
class Line:
    """One row of a published table: its key (a code, a ZIP, an id; "" for a pooled or
    catch-all row), what the key means (a label key, see `kind`) and its figures."""

    key: str
    values: dict[str, Figure]
    pooled: bool = False


@dataclass(frozen=True)
class Table:
    """A published table: `kind` says what the rows are ("category", "area", "partner",
    "need"), `columns` the figures in order; `total` is the all-rows line, when published."""

    name: str
    kind: str
    columns: tuple[str, ...]
    lines: tuple[Line, ...]
    total: Line | None = None


@dataclass(frozen=True)
class Report:
    quarter: periods.Quarter
    tables: tuple[Table, ...]
    removed_declined: Cell  # declined referrals since removed (reason not kept): lone count

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


# --- pooling -------------------------------------------------------------------------------------


@dataclass
class _Group:
    key: str
    counts: list[int]
    durations: list[dt.timedelta] = field(default_factory=list)
    pooled: bool = False

    @property
    def size(self) -> int:
        return sum(self.counts)

    def absorb(self, other: _Group) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        self.durations.extend(other.durations)


def _pooled(groups: list[_Group], width: int) -> list[_Group]:
    """Groups behind fewer than SMALL_CELL items pooled into one last "other" group (grown
    with the next smallest until it has SMALL_CELL); the rest by key."""
    shown = sorted(groups, key=lambda g: (g.size, g.key))
    pool = _Group(key="", counts=[0] * width, pooled=True)
    while shown and shown[0].size < SMALL_CELL:
        pool.absorb(shown.pop(0))
    while pool.size and pool.size < SMALL_CELL and shown:
        pool.absorb(shown.pop(0))
    shown.sort(key=lambda g: g.key)
    if pool.size:
        shown.append(pool)
    return shown


def _suppressed_lines(
    groups: list[_Group], columns: Sequence[str], *, row_totals: bool, column_totals: bool
) -> tuple[list[dict[str, Cell]], dict[str, Cell] | None]:
    """The groups' counts through the de-identification layer: per group {column: cell}
    (with "total" when row totals are published), and the totals line when published."""
    table = deidentify.suppress(
        deidentify.Table(
            rows=[str(i) for i in range(len(groups))],
            columns=list(columns),
            counts=[g.counts for g in groups],
            row_totals=row_totals,
            column_totals=column_totals,
        )
    )
    lines: list[dict[str, Cell]] = []
    for i, cells in enumerate(table.cells):
        line = dict(zip(columns, cells, strict=True))
        if table.row_totals is not None:
            line["total"] = table.row_totals[i]
        lines.append(line)
    total: dict[str, Cell] | None = None
    if table.column_totals is not None:
        total = dict(zip(columns, table.column_totals, strict=True))
        if table.grand_total is not None:
            total["total"] = table.grand_total
    return lines, total


# --- 1. searches ---------------------------------------------------------------------------------

SEARCH_COLUMNS = ("none", "few", "enough")


def _result_column(results: int) -> int:
    return 0 if results == 0 else 1 if results < FEW else 2


def _search_groups(
    events: Sequence[tuple[str, list[str], int]], by: Callable[[str, list[str]], list[str]]
) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for area, codes, results in events:
        for key in by(area, codes):
            group = groups.setdefault(key, _Group(key=key, counts=[0, 0, 0]))
            group.counts[_result_column(results)] += 1
    return list(groups.values())


def _joint_suppression(
    values: dict[Position, int], equations: list[dict[Position, int]], shape: Position
) -> dict[Position, Suppressed]:
    """deidentify.suppress over any set of published sums: cells of 1 to 10 hidden, then
    more until no hidden figure is fixed by the equations (the same steps, the same
    exact linear algebra, for two tables that share their totals)."""
    hidden: dict[Position, Suppressed] = {
        p: Suppressed.PRIMARY for p, v in values.items() if 0 < v < SMALL_CELL
    }
    while True:
        lonely = deidentify._first_lonely(equations, hidden)
        if lonely is None:
            pinned = deidentify._determined(equations, set(hidden))
            if not pinned:
                return hidden
            lonely = pinned[0]
        extra = deidentify._complement(lonely, equations, values, hidden, shape)
        if extra is None:
            return hidden
        hidden[extra] = Suppressed.COMPLEMENTARY


def _search_suppressed(
    areas: list[_Group], categories: list[_Group], *, partition: bool
) -> tuple[list[dict[str, Cell]], dict[str, Cell], list[dict[str, Cell]]]:
    """Both search tables through the de-identification layer together.

    The area rows add up to the published "All" row. When every search has one category
    (or none), the category rows add up to the same totals, so a cell hidden in one table
    could be worked out from the other: their equations are then solved as one system.
    (A search read as two categories counts under both, and the category sums are then
    more than the searches: no equation ties them.)"""
    width = len(SEARCH_COLUMNS)  # column `width` is each row's total
    rows = [*areas, *categories]
    totals_row = len(rows)
    values: dict[Position, int] = {}
    equations: list[dict[Position, int]] = []
    for i, group in enumerate(rows):
        for j, n in enumerate([*group.counts, sum(group.counts)]):
            values[(i, j)] = n
        equation = {(i, j): 1 for j in range(width)}
        equation[(i, width)] = -1
        equations.append(equation)
    blocks = [range(len(areas))] + ([range(len(areas), len(rows))] if partition else [])
    for j in range(width + 1):
        values[(totals_row, j)] = sum(values[(i, j)] for i in range(len(areas)))
        for block in blocks:
            equation = {(i, j): 1 for i in block}
            equation[(totals_row, j)] = -1
            equations.append(equation)
    hidden = _joint_suppression(values, equations, (totals_row, width))
    columns = (*SEARCH_COLUMNS, "total")

    def line(i: int) -> dict[str, Cell]:
        return {c: hidden.get((i, j), values[(i, j)]) for j, c in enumerate(columns)}

    return (
        [line(i) for i in range(len(areas))],
        line(totals_row),
        [line(i) for i in range(len(areas), len(rows))],
    )


def search_tables(start: dt.date, end: dt.date) -> tuple[Table, Table]:
    """Searches by category and by area, for searches made from `start` to `end`."""
    events = [
        (area, codes if isinstance(codes, list) else [], results)
        for area, codes, results in SearchEvent.objects.filter(
            day__gte=start, day__lte=end
        ).values_list("area", "categories", "results")
    ]
    width = len(SEARCH_COLUMNS)
    areas = _pooled(_search_groups(events, lambda area, _codes: [area or "-"]), width)
    categories = _pooled(
        _search_groups(events, lambda _area, codes: list(dict.fromkeys(codes)) or ["-"]), width
    )
    partition = all(len(set(codes)) <= 1 for _area, codes, _results in events)
    area_lines, total, category_lines = _search_suppressed(areas, categories, partition=partition)
    columns = ("total", *SEARCH_COLUMNS)
    by_category = Table(
        name="searches_by_category",
        kind="category",
        columns=columns,
        lines=tuple(
            Line(key=g.key, values=dict(line), pooled=g.pooled)
            for g, line in zip(categories, category_lines, strict=True)
        ),
    )
    by_area = Table(
        name="searches_by_area",
        kind="area",
        columns=columns,
        lines=tuple(
            Line(key=g.key, values=dict(line), pooled=g.pooled)
            for g, line in zip(areas, area_lines, strict=True)
        ),
        total=Line(key="", values=dict(total)),
    )
    return by_category, by_area


# --- 2. declined referrals -----------------------------------------------------------------------


def declined_table(start: dt.date, end: dt.date) -> Table:
    """Declined referrals by partner and reason: the loop-closure page's analyst figures."""
    report = metrics.loop_closure(
        start=start,
        end=end,
        scope=MetricsScope(organization_ids=None, suppress_small_cells=True),
    )
    codes = sorted(report.overall.decline_reasons)

    def line(figures: metrics.Figures) -> Line:
        values: dict[str, Figure] = {"sent": figures.sent}
        # A reason the partner never gave is a true zero (metrics leaves it out).
        values.update({code: figures.decline_reasons.get(code, 0) for code in codes})
        key = (
            ""
            if figures.pooled or figures.organization_id is None
            else str(figures.organization_id)
        )
        return Line(key=key, values=values, pooled=figures.pooled)

    return Table(
        name="declined_by_partner",
        kind="partner",
        columns=("sent", *codes),
        lines=tuple(line(f) for f in report.rows),
        total=line(report.overall) if report.rows else None,
    )


def removed_declined(start: dt.date, end: dt.date) -> Cell:
    """Declined referrals made in the quarter whose records were since removed (erasure or
    retention): counted by insights.tallies without their reason, so shown on their own."""
    total = sum(
        ReferralTally.objects.filter(
            status=ReferralStatus.REJECTED,
            month__gte=start.replace(day=1),
            month__lte=end,
        ).values_list("count", flat=True)
    )
    return deidentify.shown(total)


# --- 3. waiting ----------------------------------------------------------------------------------

WAIT_COLUMNS = ("waiting", "on_hold", "put_on_hold", "answered")


def _status_at(moment: dt.datetime, start_moment: dt.datetime) -> dict[Any, tuple[Any, str]]:
    """Per referral sent before `moment` and not closed before `start_moment`: (receiving
    organisation, status at `moment`), from the referral history."""
    referrals = Referral.objects.filter(sent_at__lt=moment).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start_moment)
    )
    organization = dict(referrals.values_list("id", "to_organization_id"))
    status: dict[Any, str] = {}
    for referral_id, to_status in (
        ReferralEvent.objects.filter(referral_id__in=referrals.values("id"), at__lt=moment)
        .order_by("referral_id", "at", "id")
        .values_list("referral_id", "to_status")
    ):
        status[referral_id] = to_status  # the last event before the moment wins
    return {rid: (organization[rid], s) for rid, s in status.items() if rid in organization}


def _quantile(values: list[dt.timedelta], share: float) -> dt.timedelta | None:
    """The `share` quantile, linear between order statistics (Hyndman & Fan 1996, type 7,
    the default of R and NumPy); None over no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def waiting_table(start: dt.date, end: dt.date) -> Table:
    """Waiting and time to the partner's first answer, by receiving partner."""
    zone = timezone.get_current_timezone()
    start_moment = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    end_moment = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    groups: dict[Any, _Group] = {}

    def group(organization_id: Any) -> _Group:
        key = str(organization_id)
        return groups.setdefault(key, _Group(key=key, counts=[0, 0, 0, 0]))

    for organization_id, status in _status_at(end_moment, start_moment).values():
        if status in WAITING:
            group(organization_id).counts[0] += 1
        elif status == ReferralStatus.ON_HOLD:
            group(organization_id).counts[1] += 1
    held = (
        ReferralEvent.objects.filter(
            to_status=ReferralStatus.ON_HOLD, at__gte=start_moment, at__lt=end_moment
        )
        .values_list("referral_id", "referral__to_organization_id")
        .distinct()
    )
    for _referral_id, organization_id in held:
        group(organization_id).counts[2] += 1
    answered = (
        Referral.objects.filter(sent_at__gte=start_moment, sent_at__lt=end_moment)
        .exclude(status=ReferralStatus.DRAFT)
        .annotate(first_answer=Min("events__at", filter=Q(events__to_status__in=FIRST_ANSWER)))
        .filter(first_answer__isnull=False)
        .values_list("to_organization_id", "sent_at", "first_answer")
    )
    for organization_id, sent_at, first_answer in answered:
        found = group(organization_id)
        found.counts[3] += 1
        found.durations.append(max(first_answer - sent_at, dt.timedelta(0)))
    shown = _pooled(list(groups.values()), len(WAIT_COLUMNS))
    lines, total = _suppressed_lines(shown, WAIT_COLUMNS, row_totals=False, column_totals=True)
    everyone = [d for g in shown for d in g.durations]

    def timing(durations: list[dt.timedelta]) -> dict[str, Figure]:
        basis = len(durations)
        return {
            "median_to_answer": deidentify.statistic(
                statistics.median(durations) if durations else None, basis
            ),
            "p90_to_answer": deidentify.statistic(_quantile(durations, 0.9), basis),
        }

    return Table(
        name="waiting_by_partner",
        kind="partner",
        columns=(*WAIT_COLUMNS, "median_to_answer", "p90_to_answer"),
        lines=tuple(
            Line(key=g.key, values={**line, **timing(g.durations)}, pooled=g.pooled)
            for g, line in zip(shown, lines, strict=True)
        ),
        total=Line(key="", values={**total, **timing(everyone)}) if total and shown else None,
    )


# --- 4. positive screens with no referral -------------------------------------------------------

NEED_COLUMNS = ("referred", "not_referred")


def needs_table(start: dt.date, end: dt.date) -> Table:
    """Per need: the quarter's navigator screenings positive for it, referred or not."""
    zone = timezone.get_current_timezone()
    start_moment = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    end_moment = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    # A resident's own self-screen has no person a navigator could refer: not counted.
    quarter_screenings = Screening.objects.filter(
        person__isnull=False, created_at__gte=start_moment, created_at__lt=end_moment
    )
    screenings = [
        (person_id, at, domains)
        for person_id, at, result in quarter_screenings.values_list(
            "person_id", "created_at", "result"
        )
        if (
            domains := [
                d for d in (result or {}).get("positive_domains") or [] if isinstance(d, str)
            ]
        )
    ]
    referred: dict[Any, list[tuple[dt.datetime, list[str]]]] = defaultdict(list)
    for person_id, sent_at, needs in Referral.objects.filter(
        # A subquery, not a list: a busy quarter has more people than SQLite has variables.
        person_id__in=quarter_screenings.values("person_id"),
        sent_at__gte=start_moment - REFERRAL_WINDOW,
        sent_at__lt=end_moment + REFERRAL_WINDOW,
    ).values_list("person_id", "sent_at", "needs"):
        referred[person_id].append((sent_at, needs if isinstance(needs, list) else []))
    counts: dict[str, Counter] = defaultdict(Counter)
    for person_id, at, domains in screenings:
        for domain in dict.fromkeys(domains):
            made = any(
                abs(sent_at - at) <= REFERRAL_WINDOW and domain in needs
                for sent_at, needs in referred.get(person_id, [])
            )
            counts[domain]["referred" if made else "not_referred"] += 1
    groups = [
        _Group(key=domain, counts=[c["referred"], c["not_referred"]])
        for domain, c in counts.items()
    ]
    shown = _pooled(groups, len(NEED_COLUMNS))
    # A screening positive for two needs counts under both: column sums are not published.
    lines, _total = _suppressed_lines(shown, NEED_COLUMNS, row_totals=True, column_totals=False)
    return Table(
        name="needs_without_referral",
        kind="need",
        columns=("total", *NEED_COLUMNS),
        lines=tuple(
            Line(key=g.key, values=dict(line), pooled=g.pooled)
            for g, line in zip(shown, lines, strict=True)
        ),
    )


# --- the report ----------------------------------------------------------------------------------


def report(quarter: periods.Quarter) -> Report:
    """Every unmet-need table for one completed quarter, de-identified."""
    start, end = quarter.start, quarter.end
    by_category, by_area = search_tables(start, end)
    return Report(
        quarter=quarter,
        tables=(
            by_category,
            by_area,
            declined_table(start, end),
            waiting_table(start, end),
            needs_table(start, end),
        ),
        removed_declined=removed_declined(start, end),
    )
