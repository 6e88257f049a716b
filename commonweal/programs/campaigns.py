"""Awareness campaigns: writing them and their activities, and counting their reach.

Writes are keyword-only, validated, all-or-nothing (ValidationError naming the field; the
messages are reused by the tests). Reach, per calendar month of the campaign:

- attendance: people checked in at meetings of the campaign's event activities' sessions
  (or of every session of the linked programme), and sign-ups (not cancelled) beside it;
- workshop attendance, materials handed out, outreach contacts, media reach: the counts
  partners entered on their activities, in the month of the activity;
- page visits: readings of the campaign's education pages (the anonymous daily counts of
  education.count_visit), within the campaign's dates.

No figure here comes from a person's record: sign-ups and check-ins are counted, never read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from commonweal.programs.campaign_models import (
    Activity,
    ActivityKind,
    Audience,
    Campaign,
    PageVisit,
)
from commonweal.programs.models import Registration, RegistrationStatus, Session

CAMPAIGN_FIELDS = (
    "name",
    "slug",
    "aim",
    "starts_on",
    "ends_on",
    "audiences",
    "languages",
    "published",
)
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "held_on",
    "partner",
    "programme",
    "session",
    "count",
    "language",
    "audience",
    "notes",
)

SLUG_TAKEN = _("Another campaign already uses this web address name.")
ENDS_BEFORE_START = _("The end date must not be before the start date.")
OUTSIDE_DATES = _("Choose a date within the campaign's dates.")
EVENT_NEEDS_PROGRAMME = _("Choose the programme or session of this event.")
SESSION_NOT_OF_PROGRAMME = _("Choose a session of the chosen programme.")
NOT_A_CAMPAIGN_PARTNER = _("Choose one of the campaign's partners.")
UNKNOWN_AUDIENCE = _("Choose audiences from the list.")
COUNT_NEEDED = _("Enter how many were reached (0 or more).")


def _check_campaign(campaign: Campaign) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        campaign.full_clean(exclude=["partners", "goals", "pages"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors.setdefault("ends_on", []).append(ENDS_BEFORE_START)
    if set(campaign.audiences) - set(Audience.values):
        errors.setdefault("audiences", []).append(UNKNOWN_AUDIENCE)
    taken = Campaign.objects.filter(slug=campaign.slug).exclude(pk=campaign.pk).exists()
    if taken:
        errors["slug"] = [SLUG_TAKEN]  # replaces full_clean's own unique message
    if errors:
        raise ValidationError(errors)


def _apply(campaign: Campaign, fields: dict[str, Any]) -> tuple[list, list, list]:
    unknown = set(fields) - set(CAMPAIGN_FIELDS) - {"partners", "goals", "pages"}
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    campaign.slug = slugify(campaign.slug or campaign.name)[:80]
    return (
        list(fields.get("partners") or []),
        list(fields.get("goals") or []),
        list(fields.get("pages") or []),
    )


@transaction.atomic
def create_campaign(*, by: Any, **fields: Any) -> Campaign:
    """A new campaign (the caller checked `by` manages campaigns)."""
    campaign = Campaign()
    partners, goals, pages = _apply(campaign, fields)
    _check_campaign(campaign)
    campaign.save()
    campaign.partners.set(partners)
    campaign.goals.set(goals)
    campaign.pages.set(pages)
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, by: Any, **fields: Any) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    partners, goals, pages = _apply(campaign, fields)
    _check_campaign(campaign)
    campaign.save()
    campaign.partners.set(partners)
    campaign.goals.set(goals)
    campaign.pages.set(pages)
    return campaign


@transaction.atomic
def add_activity(campaign: Campaign, *, by: Any, allowed_partners: Any, **fields: Any) -> Activity:
    """Record an activity. `allowed_partners`: those `by` may record for
    (policy.campaign_partners_for); the activity's partner must be one of them."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    activity = Activity(campaign=campaign, created_by=by, **fields)
    errors: dict[str, list[Any]] = {}
    try:
        activity.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if activity.held_on and not (campaign.starts_on <= activity.held_on <= campaign.ends_on):
        errors.setdefault("held_on", []).append(OUTSIDE_DATES)
    if activity.partner_id is None or not allowed_partners.filter(pk=activity.partner_id).exists():
        errors.setdefault("partner", []).append(NOT_A_CAMPAIGN_PARTNER)
    if activity.kind == ActivityKind.EVENT:
        if activity.programme_id is None and activity.session_id is None:
            errors.setdefault("programme", []).append(EVENT_NEEDS_PROGRAMME)
        if activity.session_id is not None:
            if activity.programme_id is None:
                activity.programme_id = activity.session.programme_id
            elif activity.session.programme_id != activity.programme_id:
                errors.setdefault("session", []).append(SESSION_NOT_OF_PROGRAMME)
    elif activity.count is None:
        errors.setdefault("count", []).append(COUNT_NEEDED)
    if errors:
        raise ValidationError(errors)
    if activity.kind == ActivityKind.EVENT:
        activity.count = 0  # an event's reach is its sign-ups and check-ins
    activity.save()
    return activity


@transaction.atomic
def remove_activity(activity: Activity, *, by: Any) -> None:
    activity.delete()


# --- reach ------------------------------------------------------------------------------


@dataclass
class Month:
    month: dt.date  # the first day
    attended: int = 0
    signed_up: int = 0
    workshop: int = 0
    materials: int = 0
    outreach: int = 0
    media: int = 0
    visits: int = 0


@dataclass
class Reach:
    months: list[Month] = field(default_factory=list)
    total: Month = field(default_factory=lambda: Month(dt.date.min))

    @property
    def people_reached(self) -> int:
        """People met in person or through contact: attendance, workshops and outreach
        (materials, media and page visits are reach of another kind, shown apart)."""
        return self.total.attended + self.total.workshop + self.total.outreach


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


_ENTERED = {
    ActivityKind.WORKSHOP: "workshop",
    ActivityKind.MATERIALS: "materials",
    ActivityKind.OUTREACH: "outreach",
    ActivityKind.MEDIA: "media",
}


def event_sessions(campaign: Campaign) -> Any:
    """The sessions whose meetings count as the campaign's events: those named by an event
    activity, and every session of an event activity's programme where none is named."""
    events = campaign.activities.filter(kind=ActivityKind.EVENT)
    return Session.objects.filter(
        Q(pk__in=events.exclude(session=None).values("session_id"))
        | Q(
            programme_id__in=events.filter(session=None)
            .exclude(programme=None)
            .values("programme_id")
        )
    )


def reach(campaign: Campaign) -> Reach:
    """The campaign's reach by month, within its dates (four queries, whatever its size)."""
    rows = {m: Month(m) for m in _months(campaign.starts_on, campaign.ends_on)}
    for entry in (
        campaign.activities.exclude(kind=ActivityKind.EVENT)
        .annotate(month=TruncMonth("held_on"))
        .values("month", "kind")
        .annotate(total=Sum("count"))
    ):
        month = entry["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        if month in rows:
            name = _ENTERED[entry["kind"]]
            setattr(rows[month], name, getattr(rows[month], name) + (entry["total"] or 0))
    # Meetings are named by their local start ("2026-03-03T18:00:00"): the month is its
    # first seven characters, and the campaign's dates bound the text as they bound days.
    first, after = (
        campaign.starts_on.isoformat(),
        (campaign.ends_on + dt.timedelta(days=1)).isoformat(),
    )
    signups = (
        Registration.objects.filter(
            session__in=event_sessions(campaign), occurrence__gte=first, occurrence__lt=after
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .values("occurrence")
        .annotate(signed_up=Count("id"), attended=Count("id", filter=Q(attended=True)))
    )
    for entry in signups:
        month = dt.date.fromisoformat(entry["occurrence"][:7] + "-01")
        if month in rows:
            rows[month].signed_up += entry["signed_up"]
            rows[month].attended += entry["attended"]
    visits = (
        PageVisit.objects.filter(
            page__in=campaign.pages.all(), day__gte=campaign.starts_on, day__lte=campaign.ends_on
        )
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(total=Sum("count"))
    )
    for entry in visits:
        month = entry["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        if month in rows:
            rows[month].visits += entry["total"] or 0
    result = Reach(months=list(rows.values()))
    for name in ("attended", "signed_up", "workshop", "materials", "outreach", "media", "visits"):
        setattr(result.total, name, sum(getattr(m, name) for m in result.months))
    return result
