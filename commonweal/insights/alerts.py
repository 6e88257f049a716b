"""Early-warning alerts: weekly crisis signals per area, checked by insights/early_warning.py.

Three signals, each counted per area and ISO week (Monday to Sunday, in the site's time
zone):

- crisis searches: searches whose words signal a person in danger now (the "emergency"
  level that brings up the crisis takeover — not crisis as a subject, such as "suicide
  prevention training"), from the anonymous search log; the area is the ZIP code or place
  the search named (a search with no place has no area and is not counted);
- crisis check-ups: stored screenings that started the crisis safety protocol (PHQ-9 item 9
  above 0, ASQ positive, crisis words), by the person's ZIP code;
- urgent referrals: referrals marked urgent, by the person's ZIP code.

Only counts are read, never a person. A scan looks at the last completed week; alarms are
emailed to coalition admins through the outbox, once per signal, area and week (the outbox's
idempotency key), so running the job twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from commonweal.accounts.models import Role, User
from commonweal.directory.search.types import CrisisLevel
from commonweal.insights import early_warning
from commonweal.insights.models import SearchEvent
from commonweal.referrals import outbox
from commonweal.referrals.models import Referral, Urgency
from commonweal.screening.models import Screening

# How far back a series reaches: the seasonal baseline uses up to five earlier years.
HISTORY_WEEKS = (early_warning.SEASONAL_YEARS + 1) * early_warning.WEEKS_PER_YEAR
# The alert page lists the alarms of this many completed weeks.
RECENT_WEEKS = 12


@dataclass(frozen=True)
class Signal:
    code: str
    label: Promise
    area_label: Promise
    counts: Callable[[dt.date, dt.date], QuerySet]  # rows of (area, week, n)


@dataclass(frozen=True)
class Alert:
    signal: Signal
    area: str
    check: early_warning.WeekCheck


def _week_rows(queryset: QuerySet, *, area: str, when: str) -> QuerySet:
    tzinfo = timezone.get_current_timezone()
    week = TruncWeek(when, tzinfo=tzinfo) if when.endswith("_at") else TruncWeek(when)
    return (
        queryset.exclude(**{area: ""})
        .exclude(**{f"{area}__isnull": True})
        .annotate(area_value=F(area), week=week)
        .values("area_value", "week")
        .annotate(n=Count("pk"))
        .values_list("area_value", "week", "n")
    )


def _searches(first: dt.date, last: dt.date) -> QuerySet:
    events = SearchEvent.objects.filter(
        day__gte=first, day__lte=last + dt.timedelta(days=6)
    ).filter(crisis=CrisisLevel.EMERGENCY.value)
    return _week_rows(events, area="area", when="day")


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    return start, end


def _screens(first: dt.date, last: dt.date) -> QuerySet:
    start, end = _bounds(first, last)
    screenings = Screening.objects.filter(
        safety_triggered=True, person__isnull=False, created_at__gte=start, created_at__lt=end
    )
    return _week_rows(screenings, area="person__zip_code", when="created_at")


def _referrals(first: dt.date, last: dt.date) -> QuerySet:
    start, end = _bounds(first, last)
    referrals = Referral.objects.filter(
        urgency=Urgency.URGENT, created_at__gte=start, created_at__lt=end
    )
    return _week_rows(referrals, area="person__zip_code", when="created_at")


SIGNALS: dict[str, Signal] = {
    signal.code: signal
    for signal in (
        Signal(
            "crisis-searches",
            _("Searches that signal a crisis"),
            _("ZIP code or place searched"),
            _searches,
        ),
        Signal(
            "crisis-check-ups",
            _("Check-ups that started the crisis safety protocol"),
            _("ZIP code of the person"),
            _screens,
        ),
        Signal("urgent-referrals", _("Urgent referrals"), _("ZIP code of the person"), _referrals),
    )
}


def last_completed_week(today: dt.date) -> dt.date:
    """The Monday of the last whole week before `today`."""
    return early_warning.week_start(today) - dt.timedelta(weeks=1)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def weekly_counts(
    signal: Signal, *, first: dt.date, last: dt.date
) -> dict[str, dict[dt.date, int]]:
    """{area: {Monday: count}} for the weeks `first`..`last` (Mondays)."""
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for area, week, n in signal.counts(first, last):
        monday = early_warning.week_start(_as_date(week))
        counts[str(area)][monday] = counts[str(area)].get(monday, 0) + n
    return dict(counts)


def series(signal: Signal, area: str, *, last: dt.date) -> list[early_warning.WeekCheck]:
    """Every checked week of one area's series, up to the week starting `last`."""
    first = last - dt.timedelta(weeks=HISTORY_WEEKS - 1)
    weekly = weekly_counts(signal, first=first, last=last).get(area, {})
    return _checked(weekly, first=first, last=last)


def _checked(weekly: dict[dt.date, int], *, first: dt.date, last: dt.date) -> list:
    # The series starts at the area's first week with any count: weeks before the signal
    # existed (or the system ran) are unknown, not zero.
    if weekly:
        first = max(first, min(weekly))
    counts = early_warning.dense_counts(weekly, first=first, last=last)
    return early_warning.check_series(counts, start=first)


def scan(*, weeks: list[dt.date]) -> list[Alert]:
    """The alarms of the given weeks (Mondays), every signal and area, newest week first."""
    if not weeks:
        return []
    last = max(weeks)
    first = last - dt.timedelta(weeks=HISTORY_WEEKS - 1)
    wanted = set(weeks)
    alerts = []
    for signal in SIGNALS.values():
        for area, weekly in weekly_counts(signal, first=first, last=last).items():
            # An area can alarm only in a week with at least MIN_COUNT.
            if not any(weekly.get(w, 0) >= early_warning.MIN_COUNT for w in wanted):
                continue
            for check in _checked(weekly, first=first, last=last):
                if check.week in wanted and check.alarm:
                    alerts.append(Alert(signal, area, check))
    alerts.sort(key=lambda a: (-a.check.week.toordinal(), a.signal.code, a.area))
    return alerts


def recent_weeks(today: dt.date, count: int = RECENT_WEEKS) -> list[dt.date]:
    last = last_completed_week(today)
    return [last - dt.timedelta(weeks=i) for i in range(count)]


def coalition_admins() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.COALITION_ADMIN, email__gt=""
        ).distinct()
    )


def notify(alerts: list[Alert]) -> int:
    """Email each alarm to every coalition admin, once (per signal, area, week and admin)."""
    queued = 0
    link = settings.COMMONWEAL_SITE_URL + reverse("alerts:index")
    admins = coalition_admins() if alerts else []
    for alert in alerts:
        for user in admins:
            language = outbox.language_code(user.preferred_language)
            context = {
                "signal": alert.signal.label,
                "area": alert.area,
                "check": alert.check,
                "link": link,
                "site_name": settings.SITE_NAME,
            }
            with override(language):
                subject = str(_("Early warning: %(signal)s in %(area)s")) % {
                    "signal": alert.signal.label,
                    "area": alert.area,
                }
            _message, created = outbox.enqueue(
                kind="early-warning",
                channel=outbox.Channel.EMAIL,
                recipient_kind=outbox.RecipientKind.STAFF,
                to=user.email,
                subject=subject,
                body=outbox.render("insights/messages/early_warning.txt", context, language),
                language=language,
                key=f"early-warning:{alert.signal.code}:{alert.area}:{alert.check.week}:user:{user.pk}",
            )
            queued += created
    return queued


def run_weekly_scan(today: dt.date | None = None) -> int:
    """The periodic job: alarms of the last completed week, emailed once. Returns emails queued."""
    today = today or timezone.localdate()
    return notify(scan(weeks=[last_completed_week(today)]))
