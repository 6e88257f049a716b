"""Loop-closure metrics: per receiving organisation and overall, for referrals sent in a range.

For the referrals *sent* (drafts never count) between two dates, inclusive, in the site's
time zone:

- **sent**: how many;
- **closed**: how many reached a final status (completed, rejected, cancelled, failed),
  and the share of sent; the rest are open;
- **served**: completed with outcome "served", and the share of sent;
- **median time to accept / to complete**: from `sent_at` to the *first* ReferralEvent to
  `accepted` / `completed`, over the referrals that got there (the median of an even count
  is the mean of the middle two);
- **decline reasons**: how many rejected referrals gave each reason code.

Counts, grouping and the event times are computed in SQL (one grouped query each). The
medians are taken in Python over the per-referral durations, because SQLite has no
percentile aggregate and a range holds at most a few thousand referrals.

Who sees what (`commonweal.policy.metrics_scope`): coalition admins and analysts see every
partner; a navigator or partner staff member sees only referrals their own organisation
sent or received — figures about referrals they could open anyway. Nobody else sees the page. No person data is read:
only ids of organisations, statuses, reason codes and times. Analysts get every figure
through the product's de-identification layer (`commonweal.insights.deidentify`): counts of
1 to 10 hidden, complementary cells hidden so those cannot be worked out from the totals,
shares and medians withheld when they rest on a hidden count or on 1 to 10 referrals. See
`_deidentified`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q

from commonweal.insights import deidentify
from commonweal.insights.deidentify import Cell, Suppressed
from commonweal.policy import MetricsScope
from commonweal.referrals import lifecycle
from commonweal.referrals.models import Outcome, ReasonCode, Referral, ReferralStatus

SMALL_CELL = deidentify.THRESHOLD  # counts below this are hidden from analysts


# Who sees what is decided in commonweal.policy.metrics_scope.
Scope = MetricsScope


@dataclass
class Row:
    """The true figures for one receiving organisation, or for all of them (`organization_id` None)."""

    organization_id: Any
    name: str
    sent: int = 0
    closed: int = 0
    served: int = 0
    median_to_accept: dt.timedelta | None = None
    median_to_complete: dt.timedelta | None = None
    decline_reasons: dict[str, int] = field(default_factory=dict)
    pooled: bool = False  # the analysts' "other partners" row
    to_accept: list[dt.timedelta] = field(default_factory=list, repr=False)
    to_complete: list[dt.timedelta] = field(default_factory=list, repr=False)

    def finish(self) -> None:
        self.median_to_accept = _median(self.to_accept)
        self.median_to_complete = _median(self.to_complete)

    def absorb(self, other: Row) -> None:
        self.sent += other.sent
        self.closed += other.closed
        self.served += other.served
        self.to_accept.extend(other.to_accept)
        self.to_complete.extend(other.to_complete)
        for reason, n in other.decline_reasons.items():
            self.decline_reasons[reason] = self.decline_reasons.get(reason, 0) + n

    @property
    def open(self) -> int:
        return self.sent - self.closed


@dataclass(frozen=True)
class Figures:
    """What a user is shown for one row: counts, or why one is hidden (`Suppressed`).

    A share is None when nothing was sent; a median is None when no referral got there.
    """

    organization_id: Any
    name: str
    sent: Cell
    closed: Cell
    open: Cell
    served: Cell
    closed_share: float | Suppressed | None
    served_share: float | Suppressed | None
    median_to_accept: dt.timedelta | Suppressed | None
    median_to_complete: dt.timedelta | Suppressed | None
    decline_reasons: dict[str, Cell]
    pooled: bool = False

    @classmethod
    def of(cls, row: Row) -> Figures:
        """The true figures, for users who may see every referral behind them."""
        return cls(
            organization_id=row.organization_id,
            name=row.name,
            sent=row.sent,
            closed=row.closed,
            open=row.open,
            served=row.served,
            closed_share=deidentify.rate(row.closed, row.sent),
            served_share=deidentify.rate(row.served, row.sent),
            median_to_accept=row.median_to_accept,
            median_to_complete=row.median_to_complete,
            decline_reasons=dict(row.decline_reasons),
            pooled=row.pooled,
        )


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    rows: list[Figures]  # one per receiving organisation, by name (analysts: small ones pooled)
    overall: Figures


def _median(values: list[dt.timedelta]) -> dt.timedelta | None:
    return statistics.median(values) if values else None


def loop_closure(*, start: dt.date, end: dt.date, scope: Scope) -> Report:
    """The loop-closure figures for referrals sent from `start` to `end` (inclusive)."""
    referrals = Referral.objects.filter(
        sent_at__isnull=False, sent_at__date__gte=start, sent_at__date__lte=end
    ).exclude(status=ReferralStatus.DRAFT)
    if scope.organization_ids is not None:
        mine = list(scope.organization_ids)
        referrals = referrals.filter(
            Q(from_organization_id__in=mine) | Q(to_organization_id__in=mine)
        )
    rows: dict[Any, Row] = {}
    counts = (
        referrals.order_by()
        .values("to_organization_id", "to_organization__name")
        .annotate(
            sent=Count("id"),
            closed=Count("id", filter=Q(status__in=lifecycle.TERMINAL)),
            served=Count("id", filter=Q(status=ReferralStatus.COMPLETED, outcome=Outcome.SERVED)),
        )
    )
    for line in counts:
        rows[line["to_organization_id"]] = Row(
            organization_id=line["to_organization_id"],
            name=line["to_organization__name"],
            sent=line["sent"],
            closed=line["closed"],
            served=line["served"],
        )
    overall = Row(organization_id=None, name="")
    for row in rows.values():
        overall.sent += row.sent
        overall.closed += row.closed
        overall.served += row.served
    _add_medians(referrals, rows, overall)
    _add_decline_reasons(referrals, rows, overall)
    ordered = sorted(rows.values(), key=_by_name)
    if scope.suppress_small_cells:
        shown, shown_overall = _deidentified(_pooled(ordered), overall)
        return Report(start=start, end=end, rows=shown, overall=shown_overall)
    return Report(
        start=start,
        end=end,
        rows=[Figures.of(row) for row in ordered],
        overall=Figures.of(overall),
    )


def _by_name(row: Row) -> tuple[str, str]:
    return (row.name.casefold(), str(row.organization_id))


def _add_medians(referrals: Any, rows: dict[Any, Row], overall: Row) -> None:
    times = (
        referrals.order_by()
        .annotate(
            accepted_at=Min("events__at", filter=Q(events__to_status=ReferralStatus.ACCEPTED)),
            completed_at=Min("events__at", filter=Q(events__to_status=ReferralStatus.COMPLETED)),
        )
        .values_list("to_organization_id", "sent_at", "accepted_at", "completed_at")
    )
    for organization_id, sent_at, accepted_at, completed_at in times:
        row = rows[organization_id]
        if accepted_at is not None:
            row.to_accept.append(accepted_at - sent_at)
        if completed_at is not None:
            row.to_complete.append(completed_at - sent_at)
    for row in rows.values():
        overall.to_accept.extend(row.to_accept)
        overall.to_complete.extend(row.to_complete)
    for row in [*rows.values(), overall]:
        row.finish()


def _add_decline_reasons(referrals: Any, rows: dict[Any, Row], overall: Row) -> None:
    declined = (
        referrals.filter(status=ReferralStatus.REJECTED)
        .order_by()
        .values("to_organization_id", "status_reason")
        .annotate(n=Count("id"))
    )
    for line in declined:
        reason = line["status_reason"] or ReasonCode.OTHER
        for row in (rows[line["to_organization_id"]], overall):
            row.decline_reasons[reason] = row.decline_reasons.get(reason, 0) + line["n"]


def _pooled(rows: list[Row]) -> list[Row]:
    """Partners with fewer than SMALL_CELL referrals pooled into one "other partners" row.

    Pooling is for readability, not for safety (the de-identification layer sees to that):
    a table of many tiny partners would be a table of hidden cells. If the pool is itself
    small, the next smallest partners join it so that it has figures to show.
    """
    shown = sorted(rows, key=lambda r: r.sent)
    pool = Row(organization_id=None, name="", pooled=True)
    while shown and shown[0].sent < SMALL_CELL:
        pool.absorb(shown.pop(0))
    while pool.sent and pool.sent < SMALL_CELL and shown:
        pool.absorb(shown.pop(0))
    pool.finish()
    shown.sort(key=_by_name)
    if pool.sent:
        shown.append(pool)
    return shown


def _deidentified(rows: list[Row], overall: Row) -> tuple[list[Figures], Figures]:
    """The figures an analyst may see, every count through the de-identification layer.

    Three published tables share the rows: closed and still open, whose row totals are the
    referrals sent and whose column totals are the overall row; the served counts with their
    overall total; and the decline reasons with their overall totals. Each is suppressed
    with its own margins, as nothing published ties one to another.
    """
    keys = [str(k) for k in range(len(rows))]
    loop = deidentify.suppress(
        deidentify.Table(
            rows=keys, columns=("closed", "open"), counts=[[r.closed, r.open] for r in rows]
        )
    )
    served, served_total = deidentify.suppress_list(keys, [r.served for r in rows])
    codes = sorted(overall.decline_reasons)
    reasons = deidentify.suppress(
        deidentify.Table(
            rows=keys,
            columns=codes,
            counts=[[r.decline_reasons.get(code, 0) for code in codes] for r in rows],
            row_totals=False,
        )
    )
    assert loop.row_totals is not None and loop.column_totals is not None
    assert loop.grand_total is not None and reasons.column_totals is not None
    shown = [
        _figures(
            row,
            sent=loop.row_totals[i],
            closed=loop.cells[i][0],
            still_open=loop.cells[i][1],
            served=served[i],
            reasons=dict(zip(codes, reasons.cells[i], strict=True)),
        )
        for i, row in enumerate(rows)
    ]
    total = _figures(
        overall,
        sent=loop.grand_total,
        closed=loop.column_totals[0],
        still_open=loop.column_totals[1],
        served=served_total,
        reasons=dict(zip(codes, reasons.column_totals, strict=True)),
    )
    return shown, total


def _figures(
    row: Row, *, sent: Cell, closed: Cell, still_open: Cell, served: Cell, reasons: dict[str, Cell]
) -> Figures:
    return Figures(
        organization_id=None if row.pooled else row.organization_id,
        name=row.name,
        sent=sent,
        closed=closed,
        open=still_open,
        served=served,
        closed_share=deidentify.rate(closed, sent),
        served_share=deidentify.rate(served, sent),
        median_to_accept=deidentify.statistic(row.median_to_accept, len(row.to_accept)),
        median_to_complete=deidentify.statistic(row.median_to_complete, len(row.to_complete)),
        # A reason no referral gave is left out, as on the unsuppressed page.
        decline_reasons={code: n for code, n in reasons.items() if n != 0},
        pooled=row.pooled,
    )
