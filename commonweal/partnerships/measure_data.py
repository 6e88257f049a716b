"""Gathering the plain facts the ready-made measures are computed from (measures.py).

Reads only what the measures need: dates, statuses, outcomes, positive flags and WHO-5
percentage scores, with the person's id turned into an opaque key that groups one person's
WHO-5 scores and is never shown or stored. No name, answer or note is read, so this is no
read of a person record and writes no audit entry (like referrals/metrics.py). It reads the
referral and screening tables directly, as the insights area does, because the figures are
counts across every partner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from commonweal.directory.models import Service
from commonweal.partnerships.measures import (
    CampaignMonthRow,
    Facts,
    Period,
    ReferralRow,
    RegistrationRow,
    ScreeningRow,
)
from commonweal.partnerships.models import Partner
from commonweal.programs import campaigns
from commonweal.programs.campaign_models import Campaign
from commonweal.programs.models import Registration
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.screening.models import Screening

WHO5_PERCENT = "who-5/percentage"


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _who5_percent(result: dict[str, Any]) -> float | None:
    for score in result.get("scores") or []:
        if score.get("code") == WHO5_PERCENT and score.get("value") is not None:
            return float(score["value"])
    return None


def _key(person_id: Any) -> str:
    return hashlib.sha256(str(person_id).encode()).hexdigest()[:16] if person_id else ""


def screenings(until: dt.date) -> list[ScreeningRow]:
    rows = []
    found = Screening.objects.filter(created_at__date__lte=until + dt.timedelta(days=1))
    for person_id, instrument, created_at, result in found.values_list(
        "person_id", "instrument", "created_at", "result"
    ).order_by():
        result = result or {}
        rows.append(
            ScreeningRow(
                on=_local_day(created_at),
                instrument=instrument,
                positive=bool(result.get("positive_domains")),
                person_key=_key(person_id),
                who5_percent=_who5_percent(result) if instrument == "who-5" else None,
            )
        )
    return rows


def referrals(period: Period) -> list[ReferralRow]:
    # The receiver's first step: the first event by the organisation it was sent to.
    first_contact = (
        ReferralEvent.objects.filter(
            referral=OuterRef("pk"), actor_organization_id=OuterRef("to_organization_id")
        )
        .order_by()
        .values("referral")
        .annotate(first=Min("at"))
        .values("first")
    )
    # A day of slack either side: the dates are compared in the site's time zone below.
    found = (
        Referral.objects.filter(
            sent_at__isnull=False,
            sent_at__date__gte=period.start - dt.timedelta(days=1),
            sent_at__date__lte=period.end + dt.timedelta(days=1),
        )
        .exclude(status="draft")
        .annotate(first_contact_at=Subquery(first_contact))
        .order_by()
    )
    rows = []
    for sent_at, status, outcome, contact_at in found.values_list(
        "sent_at", "status", "outcome", "first_contact_at"
    ):
        days = None
        if contact_at is not None and contact_at >= sent_at:
            days = (contact_at - sent_at).total_seconds() / 86400
        rows.append(ReferralRow(_local_day(sent_at), status, outcome or "", days))
    return rows


def registrations(period: Period) -> list[RegistrationRow]:
    """Status and check-in of every sign-up for a meeting in `period`: one query, no name or
    contact read (the encrypted columns are never selected)."""
    # A meeting is named by its local start ("2026-03-03T18:00:00"), so its text orders
    # like the day it falls on.
    found = Registration.objects.filter(
        occurrence__gte=period.start.isoformat(),
        occurrence__lt=(period.end + dt.timedelta(days=1)).isoformat(),
    ).order_by()
    return [
        RegistrationRow(dt.date.fromisoformat(occurrence[:10]), status, attended)
        for occurrence, status, attended in found.values_list("occurrence", "status", "attended")
    ]


def campaign_months(period: Period) -> list[CampaignMonthRow]:
    """The reach by month of every campaign running in `period` (programs/campaigns.py): a
    few queries per campaign, not per person or activity; campaigns are few."""
    rows = []
    for campaign in Campaign.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start):
        for month in campaigns.reach(campaign).months:
            if period.holds(month.month):
                rows.append(
                    CampaignMonthRow(month.month, month.attended, month.materials, month.visits)
                )
    return rows


def gather(period: Period) -> Facts:
    """Everything the measures need for `period` (WHO-5 scores from before it too)."""
    return Facts(
        screenings=screenings(period.end),
        referrals=referrals(period),
        active_services=Service.objects.active().count(),
        partner_joins=list(Partner.objects.active().values_list("joined_on", flat=True)),
        registrations=registrations(period),
        campaign_months=campaign_months(period),
    )
