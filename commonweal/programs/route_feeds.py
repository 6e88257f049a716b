"""iCalendar (RFC 5545) feed of a mobile route: each stop a VEVENT with its RRULE/EXDATEs in
the route's zone, and a cancelled visit an override with STATUS:CANCELLED — the same
shape as programme feeds (feeds.py), so calendar apps treat both alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, vRecur

from commonweal.programs import feeds, recurrence
from commonweal.programs.route_models import Route, Stop


def _place(stop: Stop) -> str:
    where = [stop.label] if stop.location_id else [stop.label, stop.postal_code]
    return " · ".join(p for p in [*where, stop.notes] if p)


def _event(stop: Stop, *, base_url: str, start: dt.datetime, end: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"stop-{stop.pk}@commonweal")
    event.add("dtstamp", stop.created_at.astimezone(dt.UTC))
    event.add("summary", f"{stop.route.name}: {stop.label}")
    event.add("dtstart", start)
    event.add("dtend", end)
    if stop.route.description:
        event.add("description", stop.route.description)
    event.add("location", _place(stop))
    point = stop.point
    if point is not None:
        event.add("geo", point)
    event.add("url", base_url + stop.route.get_absolute_url())
    return event


def stop_events(stop: Stop, *, base_url: str) -> list[Event]:
    """The series of one stop, and an override per cancelled visit (RFC 5545 3.8.4.4)."""
    tz = recurrence.zone(stop.route.time_zone)
    start = recurrence.localize(stop.first_start, tz)
    end = (start.astimezone(dt.UTC) + stop.duration).astimezone(tz)
    master = _event(stop, base_url=base_url, start=start, end=end)
    occurrences = stop.occurrences()
    if not stop.rule:
        if occurrences and occurrences[0].cancelled:
            master.add("status", "CANCELLED")
        return [master]
    master.add(
        "rrule",
        vRecur.from_ical(recurrence.rule_for_ical(stop.rule, time_zone=stop.route.time_zone)),
    )
    for excluded in stop.excluded():
        master.add("exdate", recurrence.localize(excluded, tz))
    found = [master]
    for occurrence in occurrences:
        if occurrence.cancelled:
            override = _event(stop, base_url=base_url, start=occurrence.start, end=occurrence.end)
            override.add("recurrence-id", occurrence.start)
            override.add("status", "CANCELLED")
            found.append(override)
    return found


def feed(route: Route, stops: Iterable[Stop], *, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", feeds.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", route.name)
    for stop in stops:
        for event in stop_events(stop, base_url=base_url):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
