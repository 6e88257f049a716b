"""/api/v1/programs/routes/: mobile services' routes, their stops and "the next stop near me".

Reads are public (no token); an unpublished route is unknown to them (404), as on the
public pages. Writes (create, change and delete routes and stops) need a personal API token
or a signed-in session with its CSRF token, and the permission of the manager's pages
(`policy.can_manage_route`): a published route refused is a 403, a draft one a 404. Bad
input is a 400 whose `errors` names the field, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.directory.search import places
from commonweal.programs import api as programme_api
from commonweal.programs import routes
from commonweal.programs.route_forms import RouteForm, StopForm
from commonweal.programs.route_models import Route, RouteKind, Stop

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


# --- writes: the same permissions as the manager's pages (policy.can_manage_route) -----------

FORBIDDEN = "only the organisation's partner staff and coalition admins manage its routes"
ROUTE_PROPERTIES: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 200},
    "kind": {"type": "string", "enum": [kind.value for kind in RouteKind]},
    "description": {"type": "string"},
    "service_id": {"type": ["string", "null"]},
    "time_zone": {"type": "string"},
    "published": {"type": "boolean"},
}
STOP_PROPERTIES: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 200},
    "location_id": {"type": ["string", "null"]},
    "address": {"type": "string"},
    "city": {"type": "string"},
    "postal_code": {"type": "string"},
    "latitude": {"type": ["number", "null"]},
    "longitude": {"type": ["number", "null"]},
    "starts_on": {"type": "string", "format": "date"},
    "arrives_at": {"type": "string", "example": "10:00"},
    "departs_at": {"type": "string", "example": "12:00"},
    "rule": {"type": "string", "example": "FREQ=WEEKLY;BYDAY=TH;COUNT=10"},
    "exdates": {"type": "array", "items": {"type": "string"}},
    "notes": {"type": "string", "maxLength": 300},
}
ROUTE_RENAMES = {"organization_id": "organization", "service_id": "service"}
STOP_RENAMES = {"location_id": "location"}
ROUTE_DEFAULTS = {"published": True, "time_zone": settings.TIME_ZONE}


class ManagedRouteOut(RouteOut):
    published: bool
    stops: list[RouteStopOut]


def _managed_route_out(route: Route) -> dict[str, Any]:
    stops = list(routes.stops_of(Route.objects.filter(pk=route.pk)))
    next_visit = next(iter(routes.next_visits(stops, now=timezone.now(), limit=1)), None)
    return {
        **route_out(route, next_visit),
        "published": route.published,
        "stops": [stop_out(stop) for stop in stops],
    }


def _refused(route: Route) -> Status:
    """A draft route is unknown to whoever may not manage it, as on the public pages; a
    published route is public, so a refusal says so."""
    if not route.published:
        return _error(404, "no such route", "not-found")
    return _error(403, FORBIDDEN, "forbidden")


def _managed(request: HttpRequest, route_id: uuid.UUID) -> Route | Status:
    route = Route.objects.with_organization().filter(pk=route_id).first()
    if route is None:
        return _error(404, "no such route", "not-found")
    if not policy.can_manage_route(request.auth, route.organization):
        return _refused(route)
    return route


def _managed_stop(request: HttpRequest, stop_id: uuid.UUID) -> Stop | Status:
    stop = Stop.objects.select_related("route__organization").filter(pk=stop_id).first()
    if stop is None:
        return _error(404, "no such stop", "not-found")
    if not policy.can_manage_route(request.auth, stop.route.organization):
        return _refused(stop.route)
    return stop


def _body(request: HttpRequest, allowed: set[str]) -> tuple[dict[str, Any] | None, Status | None]:
    data, error = programme_api.json_object(request)
    if error is None:
        assert data is not None
        error = programme_api._unknown(data, allowed)
    return (None, error) if error else (data, None)


def _stop_data(data: dict[str, Any]) -> dict[str, Any]:
    body = programme_api._form_data(data, STOP_RENAMES)
    if isinstance(body.get("exdates"), list):
        body["exdates"] = "\n".join(str(v) for v in body["exdates"])
    return body


def _current(instance: Route | Stop, fields: list[str], renames: dict[str, str]) -> dict[str, Any]:
    """The instance as a JSON body would give it, so a PATCH changes only what it names."""
    current = forms.model_to_dict(instance, fields=fields)
    back = {new: old for old, new in renames.items()}
    return {back.get(k, k): v for k, v in current.items()}


@router.post(
    "",
    response={201: ManagedRouteOut, 400: RoutesError, 403: RoutesError},
    summary="Add a route of an organisation you manage (its stops next)",
    openapi_extra=programme_api._body(
        {
            "type": "object",
            "required": ["organization_id", "name", "kind"],
            "properties": {"organization_id": {"type": "string"}, **ROUTE_PROPERTIES},
        }
    ),
)
def create_route(request: HttpRequest):
    organizations = policy.route_organizations(request.auth)
    if not organizations.exists():
        return _error(403, FORBIDDEN, "forbidden")
    data, error = _body(request, {"organization_id", *ROUTE_PROPERTIES})
    if error:
        return error
    assert data is not None
    wanted = str(data.get("organization_id", ""))
    if wanted and not organizations.filter(pk__in=programme_api._uuids([wanted])).exists():
        # Another organisation's routes are no secret: refused, not "not found".
        return _error(403, FORBIDDEN, "forbidden")
    form = RouteForm(
        data=programme_api._form_data({**ROUTE_DEFAULTS, **data}, ROUTE_RENAMES),
        organizations=organizations,
    )
    if not form.is_valid():
        return programme_api._form_errors(form, ROUTE_RENAMES)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
    try:
        route = routes.create_route(
            organization=form.cleaned_data["organization"], by=request.auth, **fields
        )
    except ValidationError as failure:
        return programme_api.invalid(failure)
    return Status(201, _managed_route_out(route))


@router.patch(
    "/{route_id}",
    response={200: ManagedRouteOut, 400: RoutesError, 403: RoutesError, 404: RoutesError},
    summary="Change a route you manage (only the fields given; published: false unpublishes)",
    openapi_extra=programme_api._body({"type": "object", "properties": ROUTE_PROPERTIES}),
)
def update_route(request: HttpRequest, route_id: uuid.UUID):
    route = _managed(request, route_id)
    if isinstance(route, Status):
        return route
    data, error = _body(request, set(ROUTE_PROPERTIES))
    if error:
        return error
    assert data is not None
    fields = list(routes.ROUTE_FIELDS)
    current = _current(route, fields, ROUTE_RENAMES)
    form = RouteForm(
        data=programme_api._form_data({**current, **data}, ROUTE_RENAMES),
        instance=Route.objects.get(pk=route.pk),
        organizations=policy.route_organizations(request.auth),
    )
    if not form.is_valid():
        return programme_api._form_errors(form, ROUTE_RENAMES)
    try:
        route = routes.update_route(route, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return programme_api.invalid(failure)
    return Status(200, _managed_route_out(route))


@router.delete(
    "/{route_id}",
    response={204: None, 403: RoutesError, 404: RoutesError},
    summary="Delete a route you manage, with its stops (audit-logged; unpublishing hides it "
    "instead)",
)
def delete_route(request: HttpRequest, route_id: uuid.UUID):
    route = _managed(request, route_id)
    if isinstance(route, Status):
        return route
    routes.delete_route(route, by=request.auth, request=request)
    return Status(204, None)


@router.post(
    "/{route_id}/stops",
    response={201: RouteStopOut, 400: RoutesError, 403: RoutesError, 404: RoutesError},
    summary="Add a stop: one of the organisation's places (location_id) or a street address "
    "with a ZIP code; one visit, or repeating by an RFC 5545 rule with COUNT or UNTIL",
    openapi_extra=programme_api._body(
        {
            "type": "object",
            "required": ["starts_on", "arrives_at", "departs_at"],
            "properties": STOP_PROPERTIES,
        }
    ),
)
def add_stop(request: HttpRequest, route_id: uuid.UUID):
    route = _managed(request, route_id)
    if isinstance(route, Status):
        return route
    data, error = _body(request, set(STOP_PROPERTIES))
    if error:
        return error
    assert data is not None
    form = StopForm(data=_stop_data(data), instance=Stop(route=route), route=route)
    if not form.is_valid():
        return programme_api._form_errors(form, STOP_RENAMES)
    try:
        stop = routes.add_stop(route, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return programme_api.invalid(failure)
    return Status(201, stop_out(stop))


@router.patch(
    "/stops/{stop_id}",
    response={200: RouteStopOut, 400: RoutesError, 403: RoutesError, 404: RoutesError},
    summary="Change a stop you manage (only the fields given; a moved address is placed again)",
    openapi_extra=programme_api._body({"type": "object", "properties": STOP_PROPERTIES}),
)
def update_stop(request: HttpRequest, stop_id: uuid.UUID):
    stop = _managed_stop(request, stop_id)
    if isinstance(stop, Status):
        return stop
    data, error = _body(request, set(STOP_PROPERTIES))
    if error:
        return error
    assert data is not None
    current = _current(stop, list(routes.STOP_FIELDS), STOP_RENAMES)
    if stop.approximate:
        # A point the geocoder chose is not "typed": left out, the address is placed again.
        current["latitude"] = current["longitude"] = None
    instance = Stop.objects.select_related("route").get(pk=stop.pk)
    form = StopForm(data=_stop_data({**current, **data}), instance=instance, route=stop.route)
    if not form.is_valid():
        return programme_api._form_errors(form, STOP_RENAMES)
    try:
        stop = routes.update_stop(stop, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return programme_api.invalid(failure)
    return Status(200, stop_out(stop))


@router.delete(
    "/stops/{stop_id}",
    response={204: None, 403: RoutesError, 404: RoutesError},
    summary="Remove a stop you manage (audit-logged)",
)
def remove_stop(request: HttpRequest, stop_id: uuid.UUID):
    stop = _managed_stop(request, stop_id)
    if isinstance(stop, Status):
        return stop
    routes.remove_stop(stop, by=request.auth, request=request)
    return Status(204, None)
