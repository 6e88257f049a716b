"""Turn rows that are about to be removed into de-identified counts (insights.models).

Called inside the caller's transaction, just before the delete: if the delete fails, the
counts roll back with it, so a referral is never both kept and counted, nor lost uncounted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import timezone

from commonweal.insights.models import ReferralTally, RemovalReason, ScreeningTally


def _month(value: dt.datetime) -> dt.date:
    return timezone.localdate(value).replace(day=1)


def _add(model: type, cells: Counter, removed_for: RemovalReason) -> None:
    for key, count in cells.items():
        fields = dict(key)
        tally, created = model.objects.get_or_create(
            **fields, removed_for=removed_for, defaults={"count": count}
        )
        if not created:
            model.objects.filter(pk=tally.pk).update(count=F("count") + count)


def count_referrals(referrals: Iterable[Any], *, removed_for: RemovalReason) -> int:
    """Add each referral to its month × organisations × service × status × outcome cell."""
    cells: Counter = Counter()
    for referral in referrals:
        cells[
            (
                ("month", _month(referral.created_at)),
                ("from_organization_id", referral.from_organization_id),
                ("to_organization_id", referral.to_organization_id),
                ("service_id", referral.service_id),
                ("status", referral.status),
                ("outcome", referral.outcome or ""),
            )
        ] += 1
    _add(ReferralTally, cells, removed_for)
    return sum(cells.values())


def count_screenings(screenings: Iterable[Any], *, removed_for: RemovalReason) -> int:
    """Add each screening to its month × organisation × instrument × result cell."""
    cells: Counter = Counter()
    for screening in screenings:
        result = screening.result or {}
        positive = bool(result.get("positive_domains")) if result.get("scores") else None
        cells[
            (
                ("month", _month(screening.created_at)),
                ("organization_id", screening.organization_id),
                ("instrument", screening.instrument),
                ("positive", positive),
                ("safety_triggered", bool(screening.safety_triggered)),
            )
        ] += 1
    _add(ScreeningTally, cells, removed_for)
    return sum(cells.values())
