""" "Next session" and "next stop" of directory services, for a page of search results and
the search API: the next meeting of a published programme linked to the service, and the
next visit of its published mobile route (the one nearest the person, when they said
where they are).

Two queries for a whole page — one for the programmes' sessions, one for the routes'
stops, each with its cancellations joined in — however many services the page holds;
schedules are expanded in Python (recurrence.py), bounded to a season ahead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.urls import reverse

from commonweal.directory.search.places import distance_km
from commonweal.directory.search.request_form import KM_PER_MILE
from commonweal.programs import recurrence
from commonweal.programs.calendar import NEXT_HORIZON
from commonweal.programs.models import Session
from commonweal.programs.route_models import Stop


@dataclass(frozen=True)
class NextSession:
    programme_id: uuid.UUID
    title: str
    start: dt.datetime  # aware, in the programme's zone
    end: dt.datetime

    @property
    def url(self) -> str:
        return reverse("events:programme_detail", kwargs={"programme_id": self.programme_id})


@dataclass(frozen=True)
class NextStop:
    route_id: uuid.UUID
    route: str
    stop: str
    start: dt.datetime  # aware, in the route's zone
    end: dt.datetime
    distance_km: float | None  # from the searcher, when they gave a place
    approximate: bool  # the stop is placed at its ZIP code's centre

    @property
    def url(self) -> str:
        return reverse("events:route_detail", kwargs={"route_id": self.route_id})

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / KM_PER_MILE


@dataclass(frozen=True)
class NextUp:
    session: NextSession | None = None
    stop: NextStop | None = None


def _grouped(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a schedule joined with its cancellations, one per schedule with a key list."""
    found: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = row.pop("cancellations__occurrence")
        item = found.setdefault(row["id"], {**row, "cancelled": []})
        if key:
            item["cancelled"].append(key)
    return list(found.values())


@lru_cache(maxsize=4096)
def _wall_starts(first: dt.datetime, rule: str, time_zone: str) -> tuple[dt.datetime, ...]:
    """Every original local start of a schedule, kept: a rule's expansion is the costly part
    of a results page, and the same schedules come back page after page."""
    return tuple(recurrence.wall_starts(first=first, rule=rule, time_zone=time_zone))


def _next(
    *,
    first: dt.datetime,
    duration: dt.timedelta,
    time_zone: str,
    rule: str,
    exdates: list[str],
    cancelled: list[str],
    now: dt.datetime,
    under_way: bool,
) -> recurrence.Occurrence | None:
    """The next occurrence that goes ahead (as recurrence.expand would list it); a visit
    under way counts (the van is there), a meeting that has started does not (one cannot
    join it)."""
    try:
        tz = recurrence.zone(time_zone)
        starts = _wall_starts(first, rule, time_zone)
    except recurrence.RecurrenceError:
        return None  # refused when saved; a zone removed from the system since is no reason to fail
    skipped = set(exdates)
    dropped = set(cancelled)
    # Wall-clock starts are in order: begin a day before the earliest that could still be
    # under way (the margin covers a daylight-saving change).
    local_now = now.astimezone(tz).replace(tzinfo=None)
    index = bisect_left(starts, local_now - duration - dt.timedelta(days=1))
    horizon = now + NEXT_HORIZON
    for wall in starts[index:]:
        key = wall.isoformat()
        if key in skipped:
            continue
        start = recurrence.localize(wall, tz)
        if start >= horizon:
            return None
        end = (start.astimezone(dt.UTC) + duration).astimezone(tz)
        if key in dropped or end <= now or (not under_way and start < now):
            continue
        return recurrence.Occurrence(key=wall, start=start, end=end)
    return None


def _sessions(ids: list[uuid.UUID], now: dt.datetime) -> dict[uuid.UUID, NextSession]:
    rows = (
        Session.objects.filter(programme__service_id__in=ids, programme__published=True)
        # A one-off meeting more than a day past can have nothing ahead.
        .exclude(Q(rule="") & Q(starts_on__lt=now.date() - dt.timedelta(days=1)))
        .values(
            "id",
            "programme_id",
            "programme__service_id",
            "programme__name",
            "programme__time_zone",
            "title",
            "starts_on",
            "start_time",
            "duration_minutes",
            "rule",
            "exdates",
            "cancellations__occurrence",
        )
    )
    best: dict[uuid.UUID, NextSession] = {}
    for row in _grouped(rows):
        occurrence = _next(
            first=dt.datetime.combine(row["starts_on"], row["start_time"]),
            duration=dt.timedelta(minutes=row["duration_minutes"]),
            time_zone=row["programme__time_zone"],
            rule=row["rule"],
            exdates=row["exdates"],
            cancelled=row["cancelled"],
            now=now,
            under_way=False,
        )
        if occurrence is None:
            continue
        service_id = row["programme__service_id"]
        name = row["programme__name"]
        title = f"{name}: {row['title']}" if row["title"] else name
        current = best.get(service_id)
        if current is None or occurrence.start < current.start:
            best[service_id] = NextSession(
                row["programme_id"], title, occurrence.start, occurrence.end
            )
    return best


def _stop_label(row: dict[str, Any]) -> str:
    return (
        row["name"]
        or row["location__name"]
        or ", ".join(p for p in [row["address"], row["city"]] if p)
    )


def _stop_point(row: dict[str, Any]) -> tuple[float, float] | None:
    if row["location__latitude"] is not None and row["location__longitude"] is not None:
        return row["location__latitude"], row["location__longitude"]
    if row["latitude"] is not None and row["longitude"] is not None:
        return row["latitude"], row["longitude"]
    return None


def _stops(
    ids: list[uuid.UUID], now: dt.datetime, near: tuple[float, float] | None
) -> dict[uuid.UUID, NextStop]:
    rows = (
        Stop.objects.filter(route__service_id__in=ids, route__published=True)
        .exclude(Q(rule="") & Q(starts_on__lt=now.date() - dt.timedelta(days=1)))
        .values(
            "id",
            "route_id",
            "route__service_id",
            "route__name",
            "route__time_zone",
            "name",
            "address",
            "city",
            "location__name",
            "location__latitude",
            "location__longitude",
            "latitude",
            "longitude",
            "approximate",
            "starts_on",
            "arrives_at",
            "departs_at",
            "rule",
            "exdates",
            "cancellations__occurrence",
        )
    )
    best: dict[uuid.UUID, NextStop] = {}
    for row in _grouped(rows):
        first = dt.datetime.combine(row["starts_on"], row["arrives_at"])
        occurrence = _next(
            first=first,
            duration=dt.datetime.combine(row["starts_on"], row["departs_at"]) - first,
            time_zone=row["route__time_zone"],
            rule=row["rule"],
            exdates=row["exdates"],
            cancelled=row["cancelled"],
            now=now,
            under_way=True,
        )
        if occurrence is None:
            continue
        point = _stop_point(row)
        distance = distance_km(*near, *point) if near is not None and point is not None else None
        candidate = NextStop(
            row["route_id"],
            row["route__name"],
            _stop_label(row),
            occurrence.start,
            occurrence.end,
            distance,
            row["approximate"],
        )
        service_id = row["route__service_id"]
        current = best.get(service_id)
        if current is None or _rank(candidate) < _rank(current):
            best[service_id] = candidate
    return best


def _rank(stop: NextStop) -> tuple[bool, float, dt.datetime]:
    # Nearest first when the person said where they are (to a tenth of a km), then soonest;
    # a stop not on the map comes after those that are (no distance to say).
    distance = stop.distance_km
    return (distance is None, round(distance, 1) if distance is not None else 0.0, stop.start)


def for_services(
    service_ids: Iterable[uuid.UUID],
    *,
    now: dt.datetime,
    near: tuple[float, float] | None = None,
) -> dict[uuid.UUID, NextUp]:
    """The next session and next stop of each service that has one (absent otherwise)."""
    ids = list(dict.fromkeys(service_ids))
    if not ids:
        return {}
    sessions = _sessions(ids, now)
    stops = _stops(ids, now, near)
    return {
        service_id: NextUp(session=sessions.get(service_id), stop=stops.get(service_id))
        for service_id in ids
        if service_id in sessions or service_id in stops
    }


def as_json(up: NextUp | None) -> dict[str, Any]:
    """The optional fields of a search API result: `next_session` and `next_stop`, each
    present only when the service has one (docs/programs-mobile-and-directory.md)."""
    body: dict[str, Any] = {}
    if up is not None and up.session is not None:
        session = up.session
        body["next_session"] = {
            "programme_id": str(session.programme_id),
            "title": session.title,
            "start": session.start.isoformat(),
            "end": session.end.isoformat(),
            "url": session.url,
        }
    if up is not None and up.stop is not None:
        stop = up.stop
        body["next_stop"] = {
            "route_id": str(stop.route_id),
            "route": stop.route,
            "stop": stop.stop,
            "start": stop.start.isoformat(),
            "end": stop.end.isoformat(),
            "distance_km": None if stop.distance_km is None else round(stop.distance_km, 2),
            "approximate": stop.approximate,
            "url": stop.url,
        }
    return body
