"""Retention: closed referrals and old screenings are removed when their time is up.

`RETENTION_CLOSED_REFERRAL_DAYS` after a referral closed (completed, declined, cancelled or
failed) and `RETENTION_SCREENING_DAYS` after a screening was taken, the row is deleted and
only a de-identified count remains (insights.tallies). 0 keeps them for ever. Runs daily in
`commonweal worker` (schedule.py) or by `commonweal run_periodic retention`.

Never removed by retention: an open referral, however old (the loop is not closed), and a
screening whose safety follow-up is still open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.insights import search_log, tallies
from commonweal.insights.models import RemovalReason
from commonweal.referrals import lifecycle
from commonweal.referrals.models import Referral
from commonweal.screening.models import FollowUpStatus, Screening

BATCH = 500


@dataclass(frozen=True)
class RetentionRun:
    referrals: int
    screenings: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _expired_referrals(cutoff: dt.datetime):
    # A referral closed before closed_at existed falls back to its last change.
    return Referral.objects.filter(status__in=lifecycle.TERMINAL).filter(
        Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, updated_at__lt=cutoff)
    )


def _expired_screenings(cutoff: dt.datetime):
    open_follow_up = Q(safety_follow_up__isnull=False) & ~Q(
        safety_follow_up__status=FollowUpStatus.CLOSED
    )
    return Screening.objects.filter(created_at__lt=cutoff).exclude(open_follow_up)


def _remove_in_batches(queryset, count) -> int:
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.order_by("pk")[:BATCH])
            if not batch:
                return removed
            removed += count(batch, removed_for=RemovalReason.RETENTION)
            queryset.model.objects.filter(pk__in=[row.pk for row in batch]).delete()


def apply_retention(*, now: dt.datetime | None = None) -> RetentionRun:
    """Remove what has passed its retention period; returns how many of each went."""
    now = now or timezone.now()
    referrals = screenings = 0
    if settings.RETENTION_CLOSED_REFERRAL_DAYS:
        cutoff = now - dt.timedelta(days=settings.RETENTION_CLOSED_REFERRAL_DAYS)
        referrals = _remove_in_batches(_expired_referrals(cutoff), tallies.count_referrals)
    if settings.RETENTION_SCREENING_DAYS:
        cutoff = now - dt.timedelta(days=settings.RETENTION_SCREENING_DAYS)
        screenings = _remove_in_batches(_expired_screenings(cutoff), tallies.count_screenings)
    # The anonymous search log holds no person data; it is kept for KEEP_DAYS, then goes.
    search_log.purge(now=now)
    run = RetentionRun(referrals=referrals, screenings=screenings)
    if referrals or screenings:
        audit.record(
            action=AuditEvent.Action.DELETE,
            object_type="retention",
            detail={"retention": run.as_dict()},
        )
    return run
