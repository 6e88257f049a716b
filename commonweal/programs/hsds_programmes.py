"""Programmes and mobile routes as HSDS 3.0 rows, made when the directory is read for export
or HSDA (docs/programs-mobile-and-directory.md, "In HSDS").

- A published programme is a `program` row of its organisation.
- Each session of a published programme is a `schedule` row of the programme's service
  (or, with no service, of the session's directory location); each stop of a published
  route is a `schedule` row of the route's service (or of the stop's location).
- A stop at a bare address (no directory place) is a `location` row of the route's
  organisation (its street address also in `description`) with an `address` row, so the
  place exists in HSDS too; with no service on the route, the stop's schedule hangs on
  that location. HSDS requires an address's city and state, which a stop does not ask
  for: they come from the directory's own addresses with the stop's ZIP code, and without
  such an address the row is left out (the location's point and description remain).
- The rule's parts HSDS 3.0 can hold go in their columns (freq WEEKLY or MONTHLY,
  interval, byday, bymonthday, byweekno, byyearday, count, until, wkst, dtstart,
  opens_at, closes_at, timezone); the exact RFC 5545 schedule (RRULE, EXDATE, cancelled
  meetings) is always in `notes`, and `description` says it in words, so nothing is lost.

Rows are made, not stored: the directory's own schedules stay what the organisation's
opening hours are (search's "open now" and the service page's hours never mistake a
Tuesday class for opening hours), and the export is always current. Ids are UUID 5 of the
programme's, session's or stop's id (the stop's own for its schedule, location and address), so every export names a row the same way and
re-importing an export changes nothing; a row stored under one of those ids (an earlier
export imported back) wins over the made one, so no id is written twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q

from commonweal.programs import recurrence
from commonweal.programs.models import Programme, Session
from commonweal.programs.route_models import Stop

# Fixed forever: changing it would rename every exported row.
NAMESPACE = uuid.UUID("6c1f1b8e-52a4-4d0e-9d3e-2f0a4e8f5c11")
TABLES = ("program", "schedule", "location", "address")
# The fields a made row may be looked up by (the others are always empty in made rows).
SELECTABLE = {
    "program": ("id", "organization_id"),
    "schedule": ("id", "service_id", "location_id"),
    "location": ("id", "organization_id"),
    "address": ("id", "location_id"),
}
# The product speaks US ZIP codes and crisis lines; HSDS 3.0 requires an ISO 3166 country.
COUNTRY = "US"
# HSDS 3.0 schedule.freq allows these two only (schema/schedule.json); a daily or yearly
# rule is written in `notes` and `description`, its columns left empty.
HSDS_FREQUENCIES = {"WEEKLY", "MONTHLY"}
# RRULE parts with a column of their own; any other part (BYMONTH, BYSETPOS…) is only in
# `notes`, and the columns are then left without freq, as HSDS cannot hold the rule.
COLUMN_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYWEEKNO", "BYYEARDAY", "COUNT"}
COLUMN_PARTS |= {"UNTIL", "WKST"}
WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday"}
WEEKDAYS |= {"FR": "Friday", "SA": "Saturday", "SU": "Sunday"}


def row_id(kind: str, pk: Any) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{pk}")


def _parts(rule: str) -> dict[str, str]:
    return dict(piece.partition("=")[::2] for piece in rule.split(";") if piece)


def _until(value: str, tz: Any) -> dt.date:
    if value.endswith("Z"):
        moment = dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        return moment.astimezone(tz).date()
    return dt.datetime.strptime(value[:8], "%Y%m%d").date()


def _when_words(rule: str, parts: dict[str, str]) -> str:
    if not rule:
        return "Once"
    days = [WEEKDAYS.get(d[-2:], d) for d in parts.get("BYDAY", "").split(",") if d]
    every = {"DAILY": "Every day", "WEEKLY": "Every week", "MONTHLY": "Every month"}
    text = every.get(parts.get("FREQ", ""), "Every year")
    if parts.get("INTERVAL", "1") != "1":
        unit = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months"}.get(parts["FREQ"], "years")
        text = f"Every {parts['INTERVAL']} {unit}"
    if (
        days
        and parts.get("FREQ") == "WEEKLY"
        and all(len(d) == 2 for d in parts["BYDAY"].split(","))
    ):
        text += " on " + ", ".join(days)
    return text


def schedule(
    *,
    first: dt.datetime,
    duration: dt.timedelta,
    time_zone: str,
    rule: str,
    exdates: Iterable[str],
    cancelled: Iterable[str],
    title: str,
    place: str,
) -> dict[str, Any]:
    """The HSDS schedule columns of one RFC 5545 schedule (pure: no database)."""
    tz = recurrence.zone(time_zone)
    start = recurrence.localize(first, tz)
    end = (start.astimezone(dt.UTC) + duration).astimezone(tz)
    parts = _parts(rule)
    fits = bool(rule) and parts.get("FREQ") in HSDS_FREQUENCIES and set(parts) <= COLUMN_PARTS
    offset = start.utcoffset() or dt.timedelta()
    columns: dict[str, Any] = {
        "dtstart": first.date(),
        "valid_from": first.date(),
        "timezone": offset.total_seconds() / 3600,
        "opens_at": start.time().replace(tzinfo=None),
        "closes_at": end.time().replace(tzinfo=None),
    }
    if not rule:
        columns["valid_to"] = first.date()
    if "UNTIL" in parts:
        columns["valid_to"] = _until(parts["UNTIL"], tz)
    if fits:
        columns.update(
            freq=parts["FREQ"],
            interval=int(parts["INTERVAL"]) if "INTERVAL" in parts else None,
            byday=parts.get("BYDAY", ""),
            bymonthday=parts.get("BYMONTHDAY", ""),
            byweekno=parts.get("BYWEEKNO", ""),
            byyearday=parts.get("BYYEARDAY", ""),
            count=int(parts["COUNT"]) if "COUNT" in parts else None,
            until=columns.get("valid_to") if "UNTIL" in parts else None,
            wkst=parts.get("WKST", ""),
        )
    skipped = sorted(set(exdates))
    dropped = sorted(set(cancelled))
    notes = [f"DTSTART;TZID={time_zone}:{first:%Y%m%dT%H%M%S}"]
    if rule:
        notes.append(f"RRULE:{rule}")
    notes += [
        f"EXDATE;TZID={time_zone}:{dt.datetime.fromisoformat(x):%Y%m%dT%H%M%S}" for x in skipped
    ]
    words = [
        f"{title}: {_when_words(rule, parts)}, {start:%H:%M}–{end:%H:%M} ({time_zone})",
        f"from {first:%Y-%m-%d}",
    ]
    if place:
        words.append(f"at {place}")
    description = " ".join(words) + "."
    if skipped:
        description += " Not on " + ", ".join(x[:10] for x in skipped) + "."
    if dropped:
        description += " Cancelled on " + ", ".join(x[:10] for x in dropped) + "."
        notes.append(
            "CANCELLED:"
            + ",".join(f"{dt.datetime.fromisoformat(x):%Y%m%dT%H%M%S}" for x in dropped)
        )
    columns.update(description=description, notes="\n".join(notes))
    return columns


def _link(path: str) -> str:
    return settings.COMMONWEAL_SITE_URL + path


def _programme_rows(organization_ids: Iterable[Any] | None) -> list[dict[str, Any]]:
    programmes = Programme.objects.published().select_related("organization").order_by("id")
    if organization_ids is not None:
        programmes = programmes.filter(organization_id__in=list(organization_ids))
    return [
        {
            "id": row_id("programme", p.pk),
            "organization_id": p.organization_id,
            "name": p.name,
            "alternate_name": "",
            # Required (and non-empty) in HSDS 3.0: say what and whose when nothing is written.
            "description": p.description or f"{p.get_kind_display()}: {p.organization.name}.",
        }
        for p in programmes
    ]


def _session_rows(service_ids: Any, location_ids: Any) -> list[dict[str, Any]]:
    sessions = (
        Session.objects.filter(programme__published=True)
        .select_related("programme", "location")
        .prefetch_related("cancellations")
        .order_by("id")
    )
    if service_ids is not None:
        sessions = sessions.filter(programme__service_id__in=list(service_ids))
    if location_ids is not None:
        sessions = sessions.filter(
            programme__service__isnull=True, location_id__in=list(location_ids)
        )
    rows = []
    for session in sessions:
        programme = session.programme
        if programme.service_id is None and session.location_id is None:
            continue  # HSDS hangs a schedule on a service or a location: neither here
        attending = ["in person"] if session.location_id else []
        attending += ["online"] if session.online_url else []
        rows.append(
            {
                "id": row_id("session", session.pk),
                "service_id": programme.service_id,
                "location_id": None if programme.service_id else session.location_id,
                "service_at_location_id": None,
                **schedule(
                    first=session.first_start,
                    duration=session.duration,
                    time_zone=programme.time_zone,
                    rule=session.rule,
                    exdates=session.exdates,
                    cancelled=[c.occurrence for c in session.cancellations.all()],
                    title=str(session),
                    place=session.location.name if session.location_id else "",
                ),
                "schedule_link": _link(programme.get_absolute_url()),
                "attending_type": " and ".join(attending),
            }
        )
    return rows


def _stop_place_id(stop: Stop) -> Any:
    """The HSDS location of a stop: its directory place, or the one made for its address."""
    return stop.location_id or row_id("stop-location", stop.pk)


def _stop_rows(service_ids: Any, location_ids: Any) -> list[dict[str, Any]]:
    stops = (
        Stop.objects.filter(route__published=True)
        .select_related("route", "location")
        .prefetch_related("cancellations")
        .order_by("id")
    )
    if service_ids is not None:
        stops = stops.filter(route__service_id__in=list(service_ids))
    if location_ids is not None:
        # A made location's id is a hash: its stops are picked out by the caller's filter.
        stops = stops.filter(route__service__isnull=True).filter(
            Q(location_id__in=list(location_ids)) | Q(location__isnull=True)
        )
    rows = []
    for stop in stops:
        route = stop.route
        place = ", ".join(
            p for p in [stop.label, stop.address if stop.name else "", stop.postal_code] if p
        )
        rows.append(
            {
                "id": row_id("stop", stop.pk),
                "service_id": route.service_id,
                "location_id": None if route.service_id else _stop_place_id(stop),
                "service_at_location_id": None,
                **schedule(
                    first=stop.first_start,
                    duration=stop.duration,
                    time_zone=route.time_zone,
                    rule=stop.rule,
                    exdates=stop.exdates,
                    cancelled=[c.occurrence for c in stop.cancellations.all()],
                    title=f"{route.name} ({route.get_kind_display()})",
                    place=place,
                ),
                "schedule_link": _link(route.get_absolute_url()),
                "attending_type": "in person",
            }
        )
    return rows


def _address_stops(organization_ids: Any = None) -> list[Stop]:
    stops = (
        Stop.objects.filter(route__published=True, location__isnull=True)
        .select_related("route__organization", "route")
        .order_by("id")
    )
    if organization_ids is not None:
        stops = stops.filter(route__organization_id__in=list(organization_ids))
    return list(stops)


def _stop_location_rows(organization_ids: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": row_id("stop-location", stop.pk),
            "location_type": "physical",
            "organization_id": stop.route.organization_id,
            "name": stop.label,
            "alternate_name": "",
            "description": f"A stop of {stop.route.name} ({stop.route.get_kind_display()}): "
            + ", ".join(p for p in [stop.address, stop.city, stop.postal_code] if p)
            + ".",
            "transportation": stop.notes,
            "latitude": stop.latitude,
            "longitude": stop.longitude,
            "url": _link(stop.route.get_absolute_url()),
        }
        for stop in _address_stops(organization_ids)
    ]


def _region_of(stop: Stop) -> tuple[str, str] | None:
    """(city, state) of the stop's ZIP code from the directory's own addresses (a stop form
    asks for no state, and HSDS requires one), or None when the directory has none there."""
    from commonweal.directory.models import Address

    if not stop.postal_code:
        return None
    known = (
        Address.objects.filter(postal_code=stop.postal_code)
        .exclude(state_province="")
        .exclude(city="")
        .order_by("id")
        .values_list("city", "state_province")
        .first()
    )
    if known is None:
        return None
    return (stop.city or known[0], known[1])


def _stop_address_rows(location_ids: Any) -> list[dict[str, Any]]:
    rows = []
    for stop in _address_stops():
        location_id = row_id("stop-location", stop.pk)
        if location_ids is not None and location_id not in location_ids:
            continue
        region = _region_of(stop)
        if region is None:
            continue  # an address row without a city and state would not be valid HSDS
        city, state = region
        rows.append(
            {
                "id": row_id("stop-address", stop.pk),
                "location_id": location_id,
                "attention": "",
                "address_1": stop.address,
                "address_2": "",
                "city": city,
                "region": "",
                "state_province": state,
                "postal_code": stop.postal_code,
                "country": COUNTRY,
                "address_type": "physical",
            }
        )
    return rows


def records(
    table: str, *, field: str | None = None, ids: Iterable[Any] | None = None
) -> list[dict[str, Any]]:
    """The made rows of `table` (by HSDS column), those whose `field` is in `ids` when given."""
    wanted = None if ids is None else set(ids)
    if wanted is not None and (not wanted or field not in SELECTABLE.get(table, ())):
        return []  # asked for a field no made row fills, or for nothing
    if table == "program":
        made = _programme_rows(wanted if field == "organization_id" else None)
    elif table == "location":
        made = _stop_location_rows(wanted if field == "organization_id" else None)
    elif table == "address":
        made = _stop_address_rows(wanted if field == "location_id" else None)
    elif table == "schedule":
        made = _session_rows(
            wanted if field == "service_id" else None, wanted if field == "location_id" else None
        ) + _stop_rows(
            wanted if field == "service_id" else None, wanted if field == "location_id" else None
        )
    else:
        return []
    if field is not None and wanted is not None:
        made = [row for row in made if row.get(field) in wanted]
    return made


def values(
    table: str, attnames: list[str], *, field: str | None = None, ids: Iterable[Any] | None = None
) -> list[tuple[Any, ...]]:
    """As `records`, each row a tuple in `attnames` order, leaving out ids stored already."""
    from commonweal.directory.hsds_json import TABLE_MODELS

    made = records(table, field=field, ids=ids)
    if not made:
        return []
    stored = set(
        TABLE_MODELS[table]
        .objects.filter(id__in=[r["id"] for r in made])
        .values_list("id", flat=True)
    )
    empty = {"description", "alternate_name", "byday", "bymonthday", "byweekno", "byyearday"}
    empty |= {"wkst", "freq", "schedule_link", "attending_type", "notes", "name", "url"}
    empty |= {"transportation", "attention", "address_2", "region", "external_identifier"}
    empty |= {"external_identifier_type"}
    return [
        tuple(row.get(name, "" if name in empty else None) for name in attnames)
        for row in made
        if row["id"] not in stored
    ]
