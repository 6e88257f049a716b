"""Mobile services' routes and stops: writing them (validated, all-or-nothing) and reading
their visits — the upcoming ones, and "the next stop near me".

Writes are keyword-only and raise django's ValidationError naming the wrong field (the
messages below are reused by the tests); the caller has checked that `by` may manage the
route's organisation (commonweal.policy.can_manage_route). A stop's schedule means what a
programme session's does (recurrence.py): wall-clock times in the route's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.directory.search import places
from commonweal.directory.search.request_form import KM_PER_MILE
from commonweal.directory.sources.geocode import zip_centroid
from commonweal.programs import recurrence
from commonweal.programs.route_models import Route, Stop, StopCancellation

ROUTE_FIELDS = ("name", "kind", "description", "service", "time_zone", "published")
STOP_FIELDS = (
    "name",
    "location",
    "address",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "starts_on",
    "arrives_at",
    "departs_at",
    "rule",
    "exdates",
    "notes",
)
# "Next stop" looks a season ahead, like "next session" (calendar.NEXT_HORIZON).
NEXT_HORIZON = dt.timedelta(days=92)
UPCOMING_LIMIT = 20

OTHER_SERVICE = gettext_lazy("Choose a service of this organisation.")
OTHER_PLACE = gettext_lazy("Choose a place of this organisation.")
NO_PLACE = gettext_lazy(
    "Choose one of the organisation's places, or give a street address with a ZIP code."
)
NOT_PLACED = gettext_lazy(
    "We could not find this address on the map. Check the ZIP code, or give the city."
)
LEAVES_BEFORE = gettext_lazy("The van must leave after it arrives (on the same day).")
HALF_POINT = gettext_lazy("Give both the latitude and the longitude, or neither.")
NO_VISIT = gettext_lazy("This stop has no visit at that time.")


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(unknown)}")
    return fields


def _merge(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_route(route: Route) -> None:
    errors: dict[str, list[str]] = {}
    try:
        route.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        recurrence.zone(route.time_zone)
    except recurrence.RecurrenceError as error:
        _merge(errors, "time_zone", str(error))
    if route.service_id and route.service.organization_id != route.organization_id:
        _merge(errors, "service", OTHER_SERVICE)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_route(*, organization: Any, by: Any, **fields: Any) -> Route:
    """A new route of `organization`."""
    route = Route(organization=organization, **_only(fields, ROUTE_FIELDS))
    _check_route(route)
    route.save()
    return route


@transaction.atomic
def update_route(route: Route, *, by: Any, **fields: Any) -> Route:
    route = Route.objects.select_for_update().get(pk=route.pk)
    for name, value in _only(fields, ROUTE_FIELDS).items():
        setattr(route, name, value)
    _check_route(route)
    route.save()
    return route


def _place_stop(stop: Stop, errors: dict[str, list[str]]) -> None:
    """Give an address stop (or a place with no coordinates) a point on the map.

    Typed coordinates are kept as exact. Otherwise the directory's geocoder places the
    address at its ZIP code's point, else its city's (places.resolve): approximate, and
    said so on the page."""
    typed = (stop.latitude is not None, stop.longitude is not None)
    if typed[0] != typed[1]:
        _merge(errors, "latitude", HALF_POINT)
        return
    if all(typed):
        stop.approximate = False
        return
    stop.approximate = False
    if stop.location_id:
        if stop.location.latitude is not None and stop.location.longitude is not None:
            return
        zips = [a.postal_code for a in stop.location.addresses.all()]
        point = next((p for p in map(zip_centroid, zips) if p is not None), None)
        if point is not None:
            stop.latitude, stop.longitude = point
            stop.approximate = True
        return
    if not stop.address.strip() or not (stop.postal_code.strip() or stop.city.strip()):
        _merge(errors, "address", NO_PLACE)
        return
    text = ", ".join(p.strip() for p in [stop.address, stop.city, stop.postal_code] if p.strip())
    place, _unused = places.resolve(text, None, None)
    if place is None:
        _merge(errors, "postal_code" if stop.postal_code else "city", NOT_PLACED)
        return
    stop.latitude, stop.longitude, stop.approximate = place.lat, place.lon, True


def _check_schedule(stop: Stop, errors: dict[str, list[str]]) -> None:
    if stop.arrives_at and stop.departs_at and stop.departs_at <= stop.arrives_at:
        _merge(errors, "departs_at", LEAVES_BEFORE)
    if stop.rule and stop.starts_on and stop.arrives_at:
        try:
            recurrence.parse_rule(stop.rule, first=stop.first_start, time_zone=stop.route.time_zone)
        except recurrence.RecurrenceError as error:
            _merge(errors, "rule", str(error))
        else:
            stop.rule = recurrence.normalize_rule(stop.rule)
    if errors:
        raise ValidationError(errors)


def _check_stop(stop: Stop) -> None:
    errors: dict[str, list[str]] = {}
    try:
        stop.full_clean(exclude=["route"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if stop.location_id and stop.location.organization_id not in (None, stop.route.organization_id):
        _merge(errors, "location", OTHER_PLACE)
    elif "latitude" not in errors and "longitude" not in errors:
        _place_stop(stop, errors)
    _check_schedule(stop, errors)


def _exdate_text(values: Any) -> list[str]:
    out = []
    for value in values or []:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        out.append(moment.replace(tzinfo=None, microsecond=0).isoformat())
    return sorted(set(out))


def _text_fields(fields: dict[str, Any]) -> dict[str, Any]:
    # Forms give "" for an empty optional text; the API may give None.
    return {
        k: ("" if v is None and k in {"name", "address", "city", "postal_code"} else v)
        for k, v in fields.items()
    }


@transaction.atomic
def add_stop(route: Route, *, by: Any, **fields: Any) -> Stop:
    """A new stop (one visit or a repeating series) of `route`."""
    fields = _text_fields(dict(_only(fields, STOP_FIELDS)))
    fields["exdates"] = _exdate_text(fields.get("exdates"))
    stop = Stop(route=route, **fields)
    _check_stop(stop)
    stop.save()
    return stop


@transaction.atomic
def update_stop(stop: Stop, *, by: Any, **fields: Any) -> Stop:
    stop = Stop.objects.select_for_update().select_related("route").get(pk=stop.pk)
    fields = _text_fields(dict(_only(fields, STOP_FIELDS)))
    if "exdates" in fields:
        fields["exdates"] = _exdate_text(fields["exdates"])
    moved = {"location", "address", "city", "postal_code"} & set(fields)
    if moved and not {"latitude", "longitude"} & set(fields) and stop.approximate:
        # A geocoded point follows the address; typed coordinates are kept.
        stop.latitude = stop.longitude = None
    for name, value in fields.items():
        setattr(stop, name, value)
    _check_stop(stop)
    stop.save()
    return stop


@transaction.atomic
def remove_stop(stop: Stop, *, by: Any, request: HttpRequest | None = None) -> None:
    _audit_removal(stop, by=by, request=request, detail={"route": str(stop.route_id)})
    Stop.objects.filter(pk=stop.pk).delete()


@transaction.atomic
def delete_route(route: Route, *, by: Any, request: HttpRequest | None = None) -> None:
    """Delete a route with its stops and cancelled visits (unpublishing only hides it). The
    audit log keeps who deleted what: its name and organisation, and how many stops went."""
    route = Route.objects.select_for_update().get(pk=route.pk)
    stops = Stop.objects.filter(route=route).count()
    detail = {"name": route.name, "organization": str(route.organization_id), "stops": stops}
    _audit_removal(route, by=by, request=request, detail=detail)
    route.delete()


def _audit_removal(
    obj: Route | Stop, *, by: Any, request: HttpRequest | None, detail: dict[str, Any]
) -> None:
    audit.record(action=AuditEvent.Action.DELETE, actor=by, obj=obj, request=request, detail=detail)


def find_visit(stop: Stop, key: dt.datetime) -> recurrence.Occurrence | None:
    wall = key.replace(tzinfo=None, microsecond=0)
    return next((o for o in stop.occurrences() if o.key == wall), None)


@transaction.atomic
def cancel_visit(
    stop: Stop, *, occurrence: dt.datetime, by: Any, reason: str = ""
) -> StopCancellation:
    """Mark one visit cancelled: it stays listed, marked, so nobody waits in a parking lot."""
    found = find_visit(stop, occurrence)
    if found is None:
        raise ValidationError({"occurrence": [NO_VISIT]})
    cancellation, _created = StopCancellation.objects.get_or_create(
        stop=stop, occurrence=found.key.isoformat(), defaults={"reason": reason[:200]}
    )
    return cancellation


@transaction.atomic
def restore_visit(stop: Stop, *, occurrence: dt.datetime, by: Any) -> None:
    wall = occurrence.replace(tzinfo=None, microsecond=0)
    StopCancellation.objects.filter(stop=stop, occurrence=wall.isoformat()).delete()


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One dated visit of one stop, and how far it is from the person when they said."""

    route: Route
    stop: Stop
    occurrence: recurrence.Occurrence
    distance_km: float | None = None

    @property
    def start(self) -> dt.datetime:
        return self.occurrence.start

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / KM_PER_MILE


def stops_of(routes: QuerySet[Route]) -> QuerySet[Stop]:
    return (
        Stop.objects.filter(route__in=routes)
        .select_related("route__organization", "route__service", "location")
        .prefetch_related("cancellations", "location__addresses")
    )


def upcoming(route: Route, *, now: dt.datetime, limit: int = UPCOMING_LIMIT) -> list[Visit]:
    """A route's next visits, cancelled ones included (marked), soonest first."""
    stops = stops_of(Route.objects.filter(pk=route.pk))
    found = [
        Visit(route=route, stop=stop, occurrence=occurrence)
        for stop in stops
        for occurrence in stop.occurrences(window_start=now)[:limit]
    ]
    return sorted(found, key=lambda v: (v.start, v.stop.label))[:limit]


def _next(stop: Stop, now: dt.datetime) -> recurrence.Occurrence | None:
    """The stop's next visit that goes ahead; one under way now counts (the van is there)."""
    return next(
        (
            o
            for o in stop.occurrences(window_start=now, window_end=now + NEXT_HORIZON)
            if not o.cancelled
        ),
        None,
    )


def next_visits(stops: Iterable[Stop], *, now: dt.datetime, limit: int = 3) -> list[Visit]:
    """The soonest visits that go ahead, across the stops."""
    found = []
    for stop in stops:
        for occurrence in stop.occurrences(window_start=now, window_end=now + NEXT_HORIZON):
            if not occurrence.cancelled:
                found.append(Visit(route=stop.route, stop=stop, occurrence=occurrence))
    return sorted(found, key=lambda v: (v.start, v.stop.label))[:limit]


def nearest(
    stops: Iterable[Stop],
    *,
    now: dt.datetime,
    lat: float,
    lon: float,
    radius_km: float | None = None,
    limit: int = 10,
) -> list[Visit]:
    """ "The next stop near me": each placed stop's next visit, nearest first (then soonest).
    A stop with no visit ahead, or farther than `radius_km`, is left out."""
    found = []
    for stop in stops:
        point = stop.point
        if point is None:
            continue
        distance = places.distance_km(lat, lon, *point)
        if radius_km is not None and distance > radius_km:
            continue
        occurrence = _next(stop, now)
        if occurrence is not None:
            found.append(Visit(stop.route, stop, occurrence, distance_km=distance))
    return sorted(found, key=lambda v: (round(v.distance_km or 0, 1), v.start))[:limit]
