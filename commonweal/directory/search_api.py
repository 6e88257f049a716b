"""/api/v1/search: the resident search as JSON, open to anonymous callers.

Parameters are read here, one at a time, so that each bad one answers 400 with
`{"detail": "...", "parameter": "..."}` (never a 422 or a 500). The search itself is
`search.engine.search`, the same as the pages and HSDA use.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Query, Router

from commonweal.directory.hsda import AnonymousRateThrottle, BadParameter, Params
from commonweal.directory.search import engine
from commonweal.directory.search.request_form import OPEN_DAY_RANGE
from commonweal.directory.search.types import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    CrisisLevel,
    SearchRequest,
    SearchResponse,
)
from commonweal.insights import search_log
from commonweal.programs import next_session

router = Router(tags=["search"])

MAX_RADIUS_KM = engine.MAX_RADIUS_KM
MAX_PAGE = engine.MAX_PAGE
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
NUMBER = re.compile(r"^[+-]?(\d{1,12}(\.\d{0,12})?|\.\d{1,12})$")
MAX_REPEATED = 20
# Repeatable parameters: documented here, read (and checked) by `read_request`.
CATEGORY_PARAMETER = Query([], description="Taxonomy term id or code; repeatable.")
LANGUAGE_PARAMETER = Query([], description="ISO 639-1 code; repeatable.")


def _number(params: Params, name: str, low: float, high: float) -> float | None:
    value = params.text(name).strip()
    if not value:
        return None
    if not NUMBER.match(value) or not low <= float(value) <= high:
        raise BadParameter(
            name,
            _("%(name)s must be a number from %(low)s to %(high)s")
            % {"name": name, "low": f"{low:g}", "high": f"{high:g}"},
        )
    return float(value)


def _radius(params: Params) -> float | None:
    value = params.text("radius_km").strip()
    if not value:
        return None
    number = float(value) if NUMBER.match(value) else math.nan
    if not (0 < number <= MAX_RADIUS_KM):
        raise BadParameter(
            "radius_km",
            _("radius_km must be a distance in kilometres above 0 and at most %(max)d")
            % {"max": MAX_RADIUS_KM},
        )
    return number


def _whole(params: Params, name: str, default: int, high: int) -> int:
    value = params.text(name).strip()
    if not value:
        return default
    if not re.fullmatch(r"\+?\d{1,7}", value) or not 1 <= int(value) <= high:
        raise BadParameter(
            name,
            _("%(name)s must be a whole number from 1 to %(max)d") % {"name": name, "max": high},
        )
    return int(value)


def _open_at(params: Params) -> dt.datetime | None:
    value = params.text("open_at").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadParameter(
            "open_at",
            _("open_at must be a local date and time such as 2026-05-01T14:30"),
        )
    if parsed.tzinfo is not None:
        # An offset was given: the moment it names, as wall-clock time here.
        parsed = timezone.localtime(parsed).replace(tzinfo=None)
    today = timezone.localdate()
    if abs(parsed.date() - today) > OPEN_DAY_RANGE:
        # Opening hours say nothing useful years away, and date arithmetic on year 1 or
        # 9999 overflows.
        raise BadParameter("open_at", _("open_at must be within a year of today"))
    return parsed


def _repeated(params: Params, name: str) -> tuple[str, ...]:
    values = [v.strip() for v in params.query.getlist(name) if v.strip()]
    # "a,b" and repeated parameters both work.
    split = [part.strip() for v in values for part in v.split(",") if part.strip()]
    if len(split) > MAX_REPEATED:
        raise BadParameter(
            name, _("%(name)s may list at most %(max)d values") % {"name": name, "max": 20}
        )
    return tuple(dict.fromkeys(split))


def read_request(request: HttpRequest) -> SearchRequest:
    """The query string as a SearchRequest; BadParameter names the first bad parameter."""
    params = Params(request)
    lat = _number(params, "lat", -90, 90)
    lon = _number(params, "lon", -180, 180)
    if (lat is None) != (lon is None):
        raise BadParameter("lat" if lat is None else "lon", _("lat and lon go together"))
    languages = _repeated(params, "language")
    for code in languages:
        if not LANGUAGE_CODE.match(code):
            raise BadParameter("language", _("language must be an ISO 639-1 code such as es or vi"))
    return SearchRequest(
        q=params.text("q"),
        near=params.text("near").strip()[:200],
        lat=lat,
        lon=lon,
        radius_km=_radius(params),
        categories=_repeated(params, "category"),
        open_now=params.boolean("open_now"),
        open_at=_open_at(params),
        languages=tuple(code.lower() for code in languages),
        free=params.boolean("free"),
        page=_whole(params, "page", 1, MAX_PAGE),
        per_page=_whole(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )


def response_body(response: SearchResponse) -> dict[str, Any]:
    interpretation = response.interpretation
    place = interpretation.place
    # Optional per result: the next programme session and mobile-route stop (nearest the
    # searcher's place, when given); docs/programs-mobile-and-directory.md.
    upcoming = next_session.for_services(
        [hit.service_id for hit in response.hits],
        now=timezone.now(),
        near=None if place is None else (place.lat, place.lon),
    )
    return {
        # True whenever crisis lines belong above the results; `crisis_level` says whether
        # it is an emergency takeover or a topic (docs/search.md "Crisis first").
        "crisis": response.crisis != CrisisLevel.NONE,
        "crisis_level": response.crisis.value,
        "interpretation": {
            "categories": [
                {"id": str(c.id), "code": c.code, "name": c.name} for c in interpretation.categories
            ],
            "place": None
            if place is None
            else {"label": place.label, "lat": place.lat, "lon": place.lon, "kind": place.kind},
            "radius_km": interpretation.radius_km,
            "terms": list(interpretation.terms),
            "corrections": [
                {"typed": typed, "read_as": read} for typed, read in interpretation.corrections
            ],
            "languages": list(interpretation.languages),
            "messages": list(interpretation.messages),
        },
        "total": response.total,
        "page": response.page,
        "per_page": response.request.per_page,
        "results": [
            {
                "service_id": str(hit.service_id),
                "service_at_location_id": None
                if hit.service_at_location_id is None
                else str(hit.service_at_location_id),
                "name": hit.name,
                "organization": {"id": str(hit.organization_id), "name": hit.organization_name},
                "distance_km": None if hit.distance_km is None else round(hit.distance_km, 2),
                "open_now": hit.open_now,
                "why": list(hit.why),
                **next_session.as_json(upcoming.get(hit.service_id)),
            }
            for hit in response.hits
        ],
        "suggestions": [{"label": s.label} for s in response.suggestions],
    }


BAD_PARAMETER_RESPONSE = {
    "description": "A parameter is malformed; says whether the words still read as a crisis.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail", "parameter", "crisis", "crisis_level"],
                "properties": {
                    "detail": {"type": "string"},
                    "parameter": {"type": "string"},
                    "crisis": {"type": "boolean"},
                    "crisis_level": {"type": "string"},
                },
            }
        }
    },
}
THROTTLED_RESPONSE = {
    "description": "Too many anonymous requests from this address; try again shortly.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


@router.get(
    "",
    url_name="search",
    throttle=[AnonymousRateThrottle()],
    auth=None,
    openapi_extra={"responses": {400: BAD_PARAMETER_RESPONSE, 429: THROTTLED_RESPONSE}},
)
def search(
    request: HttpRequest,
    q: str = Query("", description="What is needed, in the person's own words."),
    near: str = Query("", description="A ZIP code or a place name."),
    lat: str = Query("", description="Latitude of the searcher (with lon)."),
    lon: str = Query("", description="Longitude of the searcher (with lat)."),
    radius_km: str = Query("", description="How far to look, in km (default by place)."),
    category: list[str] = CATEGORY_PARAMETER,
    open_now: str = Query("", description="true: only services open now."),
    open_at: str = Query("", description="ISO 8601 local date-time: open then."),
    language: list[str] = LANGUAGE_PARAMETER,
    free: str = Query("", description="true: free or sliding-scale services."),
    page: str = Query("", description="1-based page number."),
    per_page: str = Query("", description="Results per page: default 20, at most 100."),
) -> JsonResponse:
    """Search the directory as the resident pages do. Anonymous use is allowed (and
    rate-limited per address). Results are returned when `crisis` is true, too.

    Each result also has `next_session` (the next meeting of a published programme of the
    service: `title`, `start`, `end`, `url`) and `next_stop` (the next visit of its mobile
    route, the stop nearest the searcher's place when one is given: `route`, `stop`,
    `start`, `end`, `distance_km`, `approximate`, `url`), each present only when there is one."""
    try:
        search_request = read_request(request)
    except BadParameter as exc:
        # A bad parameter never hides a crisis: the words are still read for one.
        crisis = engine.crisis_level(request.GET.get("q", ""))
        return JsonResponse(
            {
                "detail": exc.message,
                "parameter": exc.parameter,
                "crisis": crisis != CrisisLevel.NONE,
                "crisis_level": crisis.value,
            },
            status=400,
        )
    response = engine.search(search_request)
    search_log.record(response, channel="api")
    return JsonResponse(response_body(response))
