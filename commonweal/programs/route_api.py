"""/api/v1/programs/routes/: mobile services' routes, their stops and "the next stop near me".

Reads only, and public (no token): routes are managed on the pages (/programs/routes/).
An unpublished route is unknown here (404), as on the public pages. Bad input is a 400
whose `errors` names the field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from commonweal.accounts.api_auth import api_auth
from commonweal.directory.search import places
from commonweal.programs import routes
from commonweal.programs.route_models import Route, Stop

router = Router(tags=["programs"], auth=api_auth)

MAX_NEARBY = 50
MAX_RADIUS_KM = 200


class RoutesError(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class RouteStopOut(Schema):
    id: str
    label: str
    location_id: str | None
    address: str
    city: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    approximate: bool  # placed at its ZIP code's or city's centre by the geocoder
    starts_on: dt.date
    arrives_at: dt.time
    departs_at: dt.time
    rule: str
    exdates: list[str]
    notes: str


class RouteVisitOut(Schema):
    route_id: str
    stop_id: str
    stop: str
    key: str  # the visit's original local start, what a cancellation names
    start: dt.datetime
    end: dt.datetime
    cancelled: bool
    distance_km: float | None = None


class RouteOut(Schema):
    id: str
    organization_id: str
    organization: str
    service_id: str | None
    name: str
    kind: str
    description: str
    time_zone: str
    url: str
    feed_url: str
    next_visit: RouteVisitOut | None


class RouteDetailOut(RouteOut):
    stops: list[RouteStopOut]
    upcoming: list[RouteVisitOut]


class NearbyFilters(Schema):
    near: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    limit: int = 10


def _error(status: int, detail: str, code: str, errors: dict[str, list[str]] | None = None):
    return Status(status, {"detail": detail, "code": code, "errors": errors or {}})


def _point(stop: Stop) -> tuple[float | None, float | None]:
    point = stop.point
    return (None, None) if point is None else point


def stop_out(stop: Stop) -> dict[str, Any]:
    lat, lon = _point(stop)
    return {
        "id": str(stop.pk),
        "label": stop.label,
        "location_id": str(stop.location_id) if stop.location_id else None,
        "address": stop.address,
        "city": stop.city,
        "postal_code": stop.postal_code,
        "latitude": lat,
        "longitude": lon,
        "approximate": stop.approximate,
        "starts_on": stop.starts_on,
        "arrives_at": stop.arrives_at,
        "departs_at": stop.departs_at,
        "rule": stop.rule,
        "exdates": list(stop.exdates),
        "notes": stop.notes,
    }


def visit_out(visit: routes.Visit) -> dict[str, Any]:
    return {
        "route_id": str(visit.route.pk),
        "stop_id": str(visit.stop.pk),
        "stop": visit.stop.label,
        "key": visit.occurrence.key.isoformat(),
        "start": visit.occurrence.start,
        "end": visit.occurrence.end,
        "cancelled": visit.occurrence.cancelled,
        "distance_km": None if visit.distance_km is None else round(visit.distance_km, 2),
    }


def route_out(route: Route, next_visit: routes.Visit | None) -> dict[str, Any]:
    url = route.get_absolute_url()
    return {
        "id": str(route.pk),
        "organization_id": str(route.organization_id),
        "organization": route.organization.name,
        "service_id": str(route.service_id) if route.service_id else None,
        "name": route.name,
        "kind": route.kind,
        "description": route.description,
        "time_zone": route.time_zone,
        "url": url,
        "feed_url": f"{url}feed.ics",
        "next_visit": None if next_visit is None else visit_out(next_visit),
    }


@router.get(
    "",
    auth=None,
    response={200: list[RouteOut]},
    summary="Every published mobile route with its next visit",
)
def list_routes(request: HttpRequest):
    now = timezone.now()
    published = list(Route.objects.published().with_organization())
    stops: dict[Any, list[Stop]] = {}
    for stop in routes.stops_of(Route.objects.published()):
        stops.setdefault(stop.route_id, []).append(stop)
    return [
        route_out(route, next(iter(routes.next_visits(stops.get(route.pk, []), now=now)), None))
        for route in published
    ]


@router.get(
    "/next-stops",
    auth=None,
    response={200: list[RouteVisitOut], 400: RoutesError},
    summary="The next stops: nearest a place first when one is given, else soonest first",
)
def next_stops(request: HttpRequest, filters: Query[NearbyFilters]):
    """With `near` (a ZIP code or place name) or `lat` and `lon` (the browser's position):
    each stop's next visit, nearest first, leaving out stops farther than `radius_km`
    (default by the kind of place, about 10 miles for a ZIP code). With neither: the next
    visits of every published route, soonest first. Stops with no visit in the next three
    months are left out; a cancelled visit is never "next"."""
    if not 1 <= filters.limit <= MAX_NEARBY:
        return _error(400, "invalid input: limit", "invalid", {"limit": [f"1 to {MAX_NEARBY}"]})
    if filters.radius_km is not None and not 0 < filters.radius_km <= MAX_RADIUS_KM:
        return _error(
            400,
            "invalid input: radius_km",
            "invalid",
            {"radius_km": [f"above 0, at most {MAX_RADIUS_KM}"]},
        )
    stops = routes.stops_of(Route.objects.published())
    now = timezone.now()
    if not filters.near.strip() and filters.lat is None and filters.lon is None:
        return [visit_out(v) for v in routes.next_visits(stops, now=now, limit=filters.limit)]
    place, problem = places.resolve(filters.near, filters.lat, filters.lon)
    if place is None:
        field = "near" if filters.near.strip() else "lat"
        return _error(400, f"invalid input: {field}", "invalid", {field: [problem or field]})
    found = routes.nearest(
        stops,
        now=now,
        lat=place.lat,
        lon=place.lon,
        radius_km=filters.radius_km or places.default_radius_km(place),
        limit=filters.limit,
    )
    return [visit_out(visit) for visit in found]


@router.get(
    "/{route_id}",
    auth=None,
    response={200: RouteDetailOut, 404: RoutesError},
    summary="One published route with its stops and next visits (cancelled ones marked)",
)
def read_route(request: HttpRequest, route_id: uuid.UUID):
    route = Route.objects.published().with_organization().filter(pk=route_id).first()
    if route is None:
        return _error(404, "no such route", "not-found")
    now = timezone.now()
    stops = list(routes.stops_of(Route.objects.filter(pk=route.pk)))
    return Status(
        200,
        {
            **route_out(route, next(iter(routes.next_visits(stops, now=now, limit=1)), None)),
            "stops": [stop_out(stop) for stop in stops],
            "upcoming": [visit_out(visit) for visit in routes.upcoming(route, now=now)],
        },
    )
