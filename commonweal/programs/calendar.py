"""Reading the calendar: dated occurrences of published programmes, filtered and in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from commonweal.programs.models import Programme, Session
from commonweal.programs.recurrence import Occurrence

UPCOMING_PER_SESSION = 10
NEXT_HORIZON = dt.timedelta(days=92)  # "next session" looks a season ahead, no further
ONLINE = "online"


@dataclass(frozen=True)
class Event:
    """One occurrence of one session, with what a calendar shows about it."""

    programme: Programme
    session: Session
    occurrence: Occurrence

    @property
    def start(self) -> dt.datetime:
        return self.occurrence.start

    @property
    def title(self) -> str:
        if self.session.title:
            return f"{self.programme.name}: {self.session.title}"
        return self.programme.name


def sessions_of(programmes: QuerySet[Programme]) -> QuerySet[Session]:
    return (
        Session.objects.filter(programme__in=programmes)
        .select_related("programme__organization", "location")
        .prefetch_related("cancellations", "location__addresses")
    )


def filter_sessions(
    sessions: QuerySet[Session], *, kinds: Iterable[str] = (), language: str = "", place: str = ""
) -> QuerySet[Session]:
    """By programme kind, a language code the programme is held in, and a place (a city or
    ZIP code of the session's location, or "online")."""
    kinds = [kind for kind in kinds if kind]
    if kinds:
        sessions = sessions.filter(programme__kind__in=kinds)
    place = place.strip()
    if place.lower() == ONLINE:
        sessions = sessions.exclude(online_url="")
    elif place:
        sessions = sessions.filter(
            Q(location__addresses__city__iexact=place)
            | Q(location__addresses__postal_code__iexact=place)
        ).distinct()
    found = sessions
    if language:
        # JSON containment is not on SQLite: the list is short, so filter in Python.
        wanted = language.strip().lower()
        keep = [s.pk for s in sessions if wanted in s.programme.languages]
        found = sessions.filter(pk__in=keep)
    return found


def events(sessions: Iterable[Session], *, start: dt.datetime, end: dt.datetime) -> list[Event]:
    """Every occurrence in [start, end), earliest first."""
    found = [
        Event(programme=session.programme, session=session, occurrence=occurrence)
        for session in sessions
        for occurrence in session.occurrences(window_start=start, window_end=end)
    ]
    return sorted(found, key=lambda e: (e.start, e.title))


def upcoming(programme: Programme, *, now: dt.datetime, limit: int = 20) -> list[Event]:
    """A programme's next occurrences (cancelled ones included, marked)."""
    found = [
        Event(programme=programme, session=session, occurrence=occurrence)
        for session in programme.sessions.select_related("location").prefetch_related(
            "cancellations", "location__addresses"
        )
        for occurrence in session.occurrences(window_start=now)[:limit]
    ]
    return sorted(found, key=lambda e: (e.start, e.title))[:limit]


VIEWS = ("list", "week", "month")
LIST_DAYS = 30


@dataclass(frozen=True)
class Window:
    """The days a calendar page shows: [first, last], with the pages before and after."""

    view: str
    first: dt.date
    last: dt.date
    previous: dt.date
    next: dt.date


def window(view: str, start: dt.date) -> Window:
    """List: 30 days from `start`; week: Monday to Sunday; month: the calendar month."""
    if view == "week":
        first = start - dt.timedelta(days=start.weekday())
        last = first + dt.timedelta(days=6)
        return Window(view, first, last, first - dt.timedelta(days=7), last + dt.timedelta(days=1))
    if view == "month":
        first = start.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        return Window(view, first, following - dt.timedelta(days=1), previous, following)
    last = start + dt.timedelta(days=LIST_DAYS - 1)
    return Window(
        "list", start, last, start - dt.timedelta(days=LIST_DAYS), last + dt.timedelta(days=1)
    )


def month_grid(first: dt.date, last: dt.date) -> list[list[dt.date | None]]:
    """Weeks (Monday first) of the days from first to last; None pads the edges."""
    weeks: list[list[dt.date | None]] = []
    week: list[dt.date | None] = [None] * first.weekday()
    day = first
    while day <= last:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += dt.timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


def by_day(found: Iterable[Event]) -> dict[dt.date, list[Event]]:
    """Events grouped by their day in the programme's own zone, in order."""
    days: dict[dt.date, list[Event]] = {}
    for event in found:
        days.setdefault(event.start.date(), []).append(event)
    return days


def next_events(
    *,
    now: dt.datetime,
    service: object | None = None,
    organization: object | None = None,
    limit: int = 3,
) -> list[Event]:
    """The next meetings (not cancelled) of the published programmes of a directory service
    or organisation: what a service page or a search result shows as "next session"."""
    programmes = Programme.objects.published()
    if service is not None:
        programmes = programmes.filter(service=service)
    if organization is not None:
        programmes = programmes.filter(organization=organization)
    found = [
        event
        for event in events(sessions_of(programmes), start=now, end=now + NEXT_HORIZON)
        if not event.occurrence.cancelled and event.start >= now
    ]
    return found[:limit]
