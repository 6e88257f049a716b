"""The navigator's worklist: every open loop their organisation sent, most overdue first.

A referral is overdue when nothing happened for longer than it should: no reply from the
receiver (sent or received, past the service's typical response time, or
REFERRAL_NO_RESPONSE_DAYS) or no progress once accepted (REFERRAL_NO_PROGRESS_DAYS).
Calendar days here; the reminder job (a later slice) counts business days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from commonweal import policy
from commonweal.directory.models import ServiceIntake
from commonweal.referrals import lifecycle
from commonweal.referrals.models import Referral, ReferralEvent, ReferralStatus

NO_RESPONSE_DAYS = int(getattr(settings, "REFERRAL_NO_RESPONSE_DAYS", 3))
NO_PROGRESS_DAYS = int(getattr(settings, "REFERRAL_NO_PROGRESS_DAYS", 14))
AWAITING_REPLY = frozenset({ReferralStatus.REQUESTED, ReferralStatus.RECEIVED})


@dataclass(frozen=True)
class Row:
    referral: Referral
    last_event: ReferralEvent | None
    quiet_days: int  # days since anything happened
    allowed_days: int
    overdue_days: int  # 0 when on time

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def _allowed_days(referral: Referral, response_days: dict[Any, int | None]) -> int:
    if referral.status in AWAITING_REPLY:
        return response_days.get(referral.service_id) or NO_RESPONSE_DAYS
    return NO_PROGRESS_DAYS


def open_loops(user: Any, *, now: dt.datetime | None = None) -> list[Row]:
    """The open referrals `user`'s organisations sent, most overdue first, then oldest."""
    now = now or timezone.now()
    referrals = list(
        policy.visible_referrals(user, "sent")
        .filter(status__in=lifecycle.OPEN)
        .select_related("service", "to_organization")
        .prefetch_related("events")
    )
    response_days = dict(
        ServiceIntake.objects.filter(service_id__in={r.service_id for r in referrals}).values_list(
            "service_id", "typical_response_days"
        )
    )
    rows = []
    for referral in referrals:
        events = list(referral.events.all())
        last = events[-1] if events else None
        since = last.at if last else referral.updated_at
        quiet = max(0, (now - since).days)
        allowed = _allowed_days(referral, response_days)
        rows.append(Row(referral, last, quiet, allowed, max(0, quiet - allowed)))
    rows.sort(key=lambda row: (-row.overdue_days, -row.quiet_days, str(row.referral.pk)))
    return rows
