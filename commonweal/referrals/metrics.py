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

Who sees what (`scope_for`): coalition admins and analysts see every partner; a navigator
sees only referrals their own organisation sent or received — figures about referrals
they could open anyway. Nobody else sees the page. No person data is read: only ids of
organisations, statuses, reason codes and times. Analysts see small cells (fewer than 11)
suppressed, as everywhere in the product: see `_suppressed`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q

from commonweal.accounts.models import Role
from commonweal.referrals import lifecycle
from commonweal.referrals.models import Outcome, ReasonCode, Referral, ReferralStatus

SMALL_CELL = 11  # counts below this are hidden from analysts


@dataclass(frozen=True)
class Scope:
    """What a user may see: every organisation (`organization_ids` None) or only these."""

    organization_ids: frozenset | None
    suppress_small_cells: bool


@dataclass
class Row:
    """The figures for one receiving organisation, or for all of them (`organization_id` None)."""

    organization_id: Any
    name: str
    sent: int = 0
    closed: int = 0
    served: int = 0
    median_to_accept: dt.timedelta | None = None
    median_to_complete: dt.timedelta | None = None
    # None for a count hidden from analysts (fewer than SMALL_CELL).
    decline_reasons: dict[str, int | None] = field(default_factory=dict)
    suppressed: bool = False  # too few referrals to show any figure
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
            self.decline_reasons[reason] = self.decline_reasons.get(reason, 0) + (n or 0)

    def hide_small_cells(self) -> None:
        if self.sent < SMALL_CELL:
            self.suppressed = True
            self.sent = self.closed = self.served = 0
            self.median_to_accept = self.median_to_complete = None
            self.decline_reasons = {}
            return
        self.decline_reasons = {
            reason: (n if n is not None and n >= SMALL_CELL else None)
            for reason, n in self.decline_reasons.items()
        }

    @property
    def open(self) -> int:
        return self.sent - self.closed

    @property
    def closed_share(self) -> float | None:
        return self.closed / self.sent if self.sent else None

    @property
    def served_share(self) -> float | None:
        return self.served / self.sent if self.sent else None


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    rows: list[Row]  # one per receiving organisation, by name
    overall: Row


def scope_for(user: Any) -> Scope | None:
    """What `user` may see on the metrics page, or None when they may not see it at all."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser or user.has_role(Role.COALITION_ADMIN):
        return Scope(organization_ids=None, suppress_small_cells=False)
    if user.has_role(Role.ANALYST):
        return Scope(organization_ids=None, suppress_small_cells=True)
    # Navigators and partner staff: the referrals their own organisation sent or received.
    own = set(user.organization_ids_with_role(Role.NAVIGATOR)) | set(
        user.organization_ids_with_role(Role.PARTNER_STAFF)
    )
    if own:
        return Scope(organization_ids=frozenset(own), suppress_small_cells=False)
    return None


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
    ordered = sorted(rows.values(), key=lambda r: (r.name.casefold(), str(r.organization_id)))
    if scope.suppress_small_cells:
        ordered, overall = _suppressed(ordered, overall)
    return Report(start=start, end=end, rows=ordered, overall=overall)


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


def _suppressed(rows: list[Row], overall: Row) -> tuple[list[Row], Row]:
    """Rows safe to show an analyst: small partners pooled, small counts hidden.

    Partners with fewer than SMALL_CELL referrals are pooled into one "other partners" row;
    if that pool is itself small, the next smallest partners join it — otherwise the overall
    row minus the others would give the small figure away. What stays small is hidden.
    """
    shown = sorted(rows, key=lambda r: r.sent)
    pool = Row(organization_id=None, name="", pooled=True)
    while shown and shown[0].sent < SMALL_CELL:
        pool.absorb(shown.pop(0))
    while pool.sent and pool.sent < SMALL_CELL and shown:
        pool.absorb(shown.pop(0))
    pool.finish()
    shown.sort(key=lambda r: (r.name.casefold(), str(r.organization_id)))
    if pool.sent:
        shown.append(pool)
    for row in [*shown, overall]:
        row.hide_small_cells()
    return shown, overall
