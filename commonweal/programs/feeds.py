"""iCalendar (RFC 5545) feeds of programme sessions: subscribable calendars and one-meeting files.

A repeating session is one VEVENT with its RRULE and EXDATEs, in the programme's time zone
(a VTIMEZONE is included so that every reader agrees on the offsets across a change); a
cancelled meeting is an overriding VEVENT with its RECURRENCE-ID and STATUS:CANCELLED,
as RFC 5545 3.8.4.4 and 3.8.1.11 describe, so subscribers see the cancellation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, vRecur

from commonweal.programs import recurrence
from commonweal.programs.models import Session

PRODID = "-//commonweal//programmes and events//EN"


def _uid(session: Session) -> str:
    return f"session-{session.pk}@commonweal"


def _place(session: Session) -> str:
    parts = []
    if session.location is not None:
        parts.append(session.location.name)
        address = next(iter(session.location.addresses.all()), None)
        if address is not None:
            parts.append(", ".join(p for p in [address.address_1, address.city] if p))
    if session.online_url:
        parts.append(session.online_url)
    return " · ".join(p for p in parts if p)


def _summary(session: Session) -> str:
    programme = session.programme
    return f"{programme.name}: {session.title}" if session.title else programme.name


def _event(session: Session, *, base_url: str, start: dt.datetime, end: dt.datetime) -> Event:
    event = Event()
    event.add("uid", _uid(session))
    event.add("dtstamp", session.created_at.astimezone(dt.UTC))
    event.add("summary", _summary(session))
    event.add("dtstart", start)
    event.add("dtend", end)
    if description := session.programme.description:
        event.add("description", description)
    if place := _place(session):
        event.add("location", place)
    event.add("url", base_url + session.programme.get_absolute_url())
    return event


def session_events(session: Session, *, base_url: str) -> list[Event]:
    """The VEVENTs of one session: the series and one override per cancelled meeting."""
    tz = recurrence.zone(session.programme.time_zone)
    start = recurrence.localize(session.first_start, tz)
    end = (start.astimezone(dt.UTC) + session.duration).astimezone(tz)
    master = _event(session, base_url=base_url, start=start, end=end)
    occurrences = session.occurrences()
    if session.rule:
        rule = recurrence.rule_for_ical(session.rule, time_zone=session.programme.time_zone)
        master.add("rrule", vRecur.from_ical(rule))
        for excluded in session.excluded():
            master.add("exdate", recurrence.localize(excluded, tz))
    elif occurrences and occurrences[0].cancelled:
        master.add("status", "CANCELLED")
    events = [master]
    if session.rule:
        for occurrence in occurrences:
            if occurrence.cancelled:
                override = _event(
                    session, base_url=base_url, start=occurrence.start, end=occurrence.end
                )
                override.add("recurrence-id", occurrence.start)
                override.add("status", "CANCELLED")
                events.append(override)
    return events


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def feed(sessions: Iterable[Session], *, name: str, base_url: str) -> bytes:
    """A subscribable calendar of these sessions (every meeting, past and future)."""
    calendar = _calendar(name)
    for session in sessions:
        for event in session_events(session, base_url=base_url):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def one_meeting(session: Session, occurrence: recurrence.Occurrence, *, base_url: str) -> bytes:
    """A file for one meeting, to add to one's own calendar (no repeat)."""
    calendar = _calendar(_summary(session))
    calendar.add("method", "PUBLISH")
    event = _event(session, base_url=base_url, start=occurrence.start, end=occurrence.end)
    # Its own UID: adding one meeting must not replace the whole series in a calendar that
    # also subscribes to the feed.
    event["uid"] = f"session-{session.pk}-{occurrence.key:%Y%m%dT%H%M%S}@commonweal"
    if occurrence.cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
