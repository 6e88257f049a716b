"""The resource ledger: totals of what partners contribute, and which programmes' funding
runs out soon (the sustainability warning).

Totals add contributions' dollar values (every kind is valued, so money, staff hours and
rooms add up). A programme's funding "ends" on the latest end date of its funding streams:
when that falls within COMMONWEAL_FUNDING_WARNING_DAYS (90 unless configured), or has
passed, the ledger warns — a programme funded from several streams is at risk only when
the last of them ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from commonweal.partnerships.models import Contribution, FundingStream

CONTRIBUTION_FIELDS = (
    "partner",
    "programme",
    "kind",
    "description",
    "quantity",
    "value",
    "starts_on",
    "ends_on",
)
FUNDING_FIELDS = ("programme", "funder", "amount", "starts_on", "ends_on")


def horizon_days() -> int:
    return int(settings.COMMONWEAL_FUNDING_WARNING_DAYS)


@dataclass(frozen=True)
class Total:
    key: Any  # a partner, a programme (None: the partnership as a whole) or a kind
    value: Decimal
    count: int


def totals(contributions: Iterable[Any], by: str) -> list[Total]:
    """Sum of values and count per `by` ("partner", "programme" or "kind"), largest first."""
    sums: dict[Any, list[Any]] = {}
    for c in contributions:
        entry = sums.setdefault(getattr(c, by), [Decimal(0), 0])
        entry[0] += c.value
        entry[1] += 1
    found = [Total(key, value, count) for key, (value, count) in sums.items()]
    return sorted(found, key=lambda t: (-t.value, str(t.key)))


@dataclass(frozen=True)
class FundingWarning:
    programme: Any
    ends_on: dt.date
    days_left: int  # negative once ended


def sustainability(streams: Iterable[Any], *, today: dt.date, horizon: int) -> list[FundingWarning]:
    """Programmes whose last funding stream ends within `horizon` days (or has ended)."""
    last: dict[Any, dt.date] = {}
    for stream in streams:
        if stream.programme not in last or stream.ends_on > last[stream.programme]:
            last[stream.programme] = stream.ends_on
    found = [
        FundingWarning(programme, ends_on, (ends_on - today).days)
        for programme, ends_on in last.items()
        if (ends_on - today).days <= horizon
    ]
    return sorted(found, key=lambda w: (w.days_left, str(w.programme)))


def _saved(instance: Any, details: dict[str, Any], allowed: tuple[str, ...]) -> Any:
    extra = sorted(set(details) - set(allowed))
    if extra:
        raise ValidationError({name: "Unknown field." for name in extra})
    for name, value in details.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def save_contribution(
    contribution: Contribution | None = None, *, by: Any, **details: Any
) -> Contribution:
    """Record a contribution, or change one; nothing is saved unless all of it is valid."""
    return _saved(contribution or Contribution(), details, CONTRIBUTION_FIELDS)


@transaction.atomic
def save_funding(stream: FundingStream | None = None, *, by: Any, **details: Any) -> FundingStream:
    return _saved(stream or FundingStream(), details, FUNDING_FIELDS)


def partner_for(organization: Any) -> Any:
    """The organisation's partner profile (an active member or a former one), or None."""
    from commonweal.partnerships.models import Partner

    return Partner.objects.filter(organization=organization).first()


@transaction.atomic
def remove_contribution(contribution: Contribution, *, by: Any) -> None:
    """Take a contribution off the ledger (one another part keeps in step with its own
    records, like a month of volunteer hours that were all corrected away)."""
    contribution.delete()
