"""Open Referral HSDA 3.0 read-only API under /api/hsda/.

Implements every operation of the official HSDA 3.0 OpenAPI document
(hsds_schema/schema/openapi.json) with its parameters and paging fields. The directory
is public data, so the API is public and read-only. Parameters are parsed here rather
than by django-ninja so that each bad one gets a 400 naming it, in one JSON shape:
{"detail": "...", "parameter": "..."}; an unknown or malformed id is a 404.

Readings of the document where it is terse:
- `search` is the resident search (`search.engine`): the same query understanding and
  ranking, best match first, among active services (at most the engine's candidate
  limit, 500 per source); the other filters narrow it as usual (and then, as they are
  conditions on locations, services without a location are left out).
- `minimal` keeps `name` and `status` beside `id` and `last_modified`, since the list
  schema the document gives for /services requires them; its page size defaults to
  every service ("aim to return all services within one call").
- `top_only` ("taxonomy terms that have not child terms") is read, as its name says,
  as terms that are not children: top-level terms, without a parent.
- `postcode` alone matches service_at_locations whose service area names the postcode
  or whose location's address has it; with `proximity` (metres), those whose location
  lies within that distance of the postcode's centroid, ranked by the search engine
  (with `search`: best match first, nearest first among equally good ones; without:
  nearest first).
- `format=ndjson` streams every matching record, one JSON document per line, unpaged.
"""

from __future__ import annotations

import functools
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Avg, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.throttling import AnonRateThrottle

from commonweal.directory import hsds_json
from commonweal.directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

OPENAPI_PATH = Path(__file__).resolve().parent / "hsds_schema" / "schema" / "openapi.json"
HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
DEFAULT_PER_PAGE = 50
# Caps keep one anonymous request from holding a worker for seconds: full records cost
# ~40 ms each to build. Bulk copies are what `commonweal export` is for.
MAX_PER_PAGE = 100
MAX_MINIMAL_PER_PAGE = 10_000
# The farthest `proximity` (metres) a search may ask for: a wide metro area.
MAX_PROXIMITY_M = 200_000
EARTH_RADIUS_M = 6_371_008.8
NDJSON = "application/x-ndjson"


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class NotFound(Exception):
    pass


# --- parameters -----------------------------------------------------------------------


class Params:
    """The query string, read one typed parameter at a time. An empty value counts as
    absent for text and id parameters; numbers and booleans must be well formed."""

    TRUE = frozenset({"true", "t", "yes", "y", "on", "1"})
    FALSE = frozenset({"false", "f", "no", "n", "off", "0"})
    MAX_INT = 2_147_483_647

    def __init__(self, request: HttpRequest) -> None:
        self.query = request.GET
        for name, values in self.query.lists():
            if any("\x00" in v for v in values) or "\x00" in name:
                raise BadParameter(name, _("parameters cannot contain NUL characters"))

    def _one(self, name: str) -> str | None:
        values = self.query.getlist(name)
        if len(values) > 1:
            raise BadParameter(name, _("%(name)s may be given only once") % {"name": name})
        return values[0] if values else None

    def text(self, name: str) -> str:
        return self._one(name) or ""

    def search(self) -> str:
        return self.text("search").strip()

    def boolean(self, name: str) -> bool:
        value = self._one(name)
        if value is None:
            return False
        if value.lower() in self.TRUE:
            return True
        if value.lower() in self.FALSE:
            return False
        raise BadParameter(name, _("%(name)s must be true or false") % {"name": name})

    def positive_int(self, name: str, default: int) -> int:
        value = self._one(name)
        if value is None:
            return default
        if not re.fullmatch(r"\+?[0-9]{1,10}", value) or not 1 <= int(value) <= self.MAX_INT:
            raise BadParameter(
                name,
                _("%(name)s must be a whole number from 1 to %(max)d")
                % {"name": name, "max": self.MAX_INT},
            )
        return int(value)

    def uuid(self, name: str) -> uuid.UUID | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise BadParameter(name, _("%(name)s must be a UUID") % {"name": name}) from None

    def datetime(self, name: str) -> datetime | None:
        value = self.text(name)
        if not value:
            return None
        try:
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = datetime.combine(day, time.min)
            if parsed is not None:
                # In UTC: PostgreSQL refuses offsets beyond ±15:59 ("-21:30"), which Python
                # parses; a moment that leaves the calendar in UTC is no date at all.
                parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is None:
            raise BadParameter(
                name,
                _("%(name)s must be a date or date-time such as 2024-05-01T12:00:00Z")
                % {"name": name},
            )
        return parsed

    def format(self) -> str:
        value = self.text("format") or "json"
        if value not in ("json", "ndjson"):
            raise BadParameter("format", _("format must be json or ndjson"))
        return value


def _json_error(status: int, detail: str, parameter: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail}
    if parameter:
        body["parameter"] = parameter
    return JsonResponse(body, status=status)


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound from None


def _handles_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return _json_error(400, exc.message, exc.parameter)
        except NotFound:
            return _json_error(404, _("No record with that id."))

    return wrapped


# --- paging and output ----------------------------------------------------------------


def _page_numbers(
    params: Params, *, default_per_page: int = DEFAULT_PER_PAGE, max_per_page: int = MAX_PER_PAGE
) -> tuple[int, int]:
    page = params.positive_int("page", 1)
    per_page = min(params.positive_int("per_page", default_per_page), max_per_page)
    return page, per_page


def _page_body(
    total: int, page: int, per_page: int, contents: list[dict[str, Any]]
) -> dict[str, Any]:
    total_pages = math.ceil(total / per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        # HSDA: "if there is an empty result set" — the whole result, not this page.
        "empty": total == 0,
        "contents": contents,
    }


def _listing(
    params: Params,
    ids: QuerySet | Sequence[uuid.UUID],
    render: Callable[[Sequence[uuid.UUID]], Iterable[dict[str, Any]]],
    *,
    default_per_page: int = DEFAULT_PER_PAGE,
    max_per_page: int = MAX_PER_PAGE,
) -> HttpResponse:
    """A page of records (or, with format=ndjson, all of them streamed). `ids` are the
    matching record ids in order (a values_list queryset or a list); `render` turns a
    slice of ids into records in that order."""
    output = params.format()
    page, per_page = _page_numbers(
        params, default_per_page=default_per_page, max_per_page=max_per_page
    )
    if output == "ndjson":
        return StreamingHttpResponse(_ndjson(ids, render), content_type=NDJSON)
    total = ids.count() if isinstance(ids, QuerySet) else len(ids)
    contents: list[dict[str, Any]] = []
    if (page - 1) * per_page < total:
        page_ids = list(ids[(page - 1) * per_page : page * per_page])
        contents = list(render(page_ids))
    return JsonResponse(_page_body(total, page, per_page, contents))


def _ndjson(
    ids: QuerySet | Sequence[uuid.UUID],
    render: Callable[[Sequence[uuid.UUID]], Iterable[dict[str, Any]]],
) -> Iterator[bytes]:
    all_ids = list(ids)
    for start in range(0, len(all_ids), 500):
        for record in render(all_ids[start : start + 500]):
            yield (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _in_order(
    ids: Sequence[uuid.UUID], records: Iterable[tuple[uuid.UUID, dict[str, Any]]]
) -> list[dict[str, Any]]:
    by_id = dict(records)
    return [by_id[i] for i in ids if i in by_id]


# --- renderers: ids → records -----------------------------------------------------------


def _services_list(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    services = Service.objects.filter(id__in=ids).select_related("organization", "program")
    return _in_order(ids, ((s.pk, hsds_json.service_record(s)) for s in services))


def _services_full(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    records = hsds_json.full_services(Service.objects.filter(id__in=ids))
    return _in_order(ids, ((uuid.UUID(r["id"]), r) for r in records))


def _services_minimal(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    services = Service.objects.filter(id__in=ids).only("id", "name", "status", "last_modified")
    return _in_order(ids, ((s.pk, hsds_json.minimal_service(s)) for s in services))


def _organizations_list(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    return _in_order(
        ids,
        ((o.pk, hsds_json.organization_record(o)) for o in Organization.objects.filter(id__in=ids)),
    )


def _organizations_full(
    full_service: bool,
) -> Callable[[Sequence[uuid.UUID]], list[dict[str, Any]]]:
    def render(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
        records = hsds_json.full_organizations(
            Organization.objects.filter(id__in=ids), full_service=full_service
        )
        return _in_order(ids, ((uuid.UUID(r["id"]), r) for r in records))

    return render


def _service_at_locations_list(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    rows = ServiceAtLocation.objects.filter(id__in=ids).select_related(
        "location", "service__organization", "service__program"
    )
    return _in_order(ids, ((r.pk, hsds_json.service_at_location_record(r)) for r in rows))


def _service_at_locations_full(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    records = hsds_json.full_service_at_locations(ServiceAtLocation.objects.filter(id__in=ids))
    return _in_order(ids, ((uuid.UUID(r["id"]), r) for r in records))


def _taxonomies(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    return _in_order(
        ids, ((t.pk, hsds_json.taxonomy(t)) for t in Taxonomy.objects.filter(id__in=ids))
    )


def _taxonomy_terms(ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    terms = TaxonomyTerm.objects.filter(id__in=ids).select_related("taxonomy")
    return _in_order(ids, ((t.pk, hsds_json.taxonomy_term(t)) for t in terms))


# --- filters ----------------------------------------------------------------------------


def _text_match(search: str, *fields: str) -> Q:
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__icontains": search})
    return query


def _service_filters(params: Params, prefix: str = "", *, search: bool = True) -> Q:
    """The filters /services and /service_at_locations share, on the service at `prefix`."""
    query = Q()
    if search and (text := params.search()):
        query &= _text_match(
            text, f"{prefix}name", f"{prefix}alternate_name", f"{prefix}description"
        )
    # `id IN (link_ids of matching attributes)` lets the database use the attribute
    # (taxonomy_term, link_entity) index once, instead of a subquery per service.
    if (term_id := params.uuid("taxonomy_term_id")) is not None:
        tagged = Attribute.objects.filter(link_entity="service", taxonomy_term_id=term_id)
        query &= Q(**{f"{prefix}id__in": tagged.values("link_id")})
    if (taxonomy_id := params.uuid("taxonomy_id")) is not None:
        tagged = Attribute.objects.filter(
            link_entity="service", taxonomy_term__taxonomy_id=taxonomy_id
        )
        query &= Q(**{f"{prefix}id__in": tagged.values("link_id")})
    if (organization_id := params.uuid("organization_id")) is not None:
        query &= Q(**{f"{prefix}organization_id": organization_id})
    if (modified_after := params.datetime("modified_after")) is not None:
        query &= Q(**{f"{prefix}last_modified__gte": modified_after})
    return query


POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,11}$")


def _postcode(params: Params) -> str | None:
    value = params.text("postcode")
    if not value:
        return None
    if not POSTCODE.match(value):
        raise BadParameter("postcode", _("postcode must be a postal or ZIP code such as 33101"))
    if re.fullmatch(r"\d{5}-\d{4}", value):
        value = value[:5]  # ZIP+4: its ZIP code is what addresses and centroids use
    return value


PROXIMITY = re.compile(r"^[0-9]{1,8}(\.[0-9]{1,6})?$")


def _proximity(params: Params) -> float | None:
    value = params.text("proximity")
    if not value:
        return None
    if not PROXIMITY.match(value):
        raise BadParameter("proximity", _("proximity must be a distance in metres, such as 5000"))
    if float(value) > MAX_PROXIMITY_M:
        raise BadParameter(
            "proximity",
            _("proximity may be at most %(max)d metres") % {"max": MAX_PROXIMITY_M},
        )
    return float(value)


def _postcode_matches(postcode: str) -> Q:
    # Token match so "33101" is found in "33101, 33102" but not in "331015".
    pattern = r"(^|[^0-9A-Za-z])" + postcode + r"([^0-9A-Za-z]|$)"
    in_area = ServiceArea.objects.filter(service=OuterRef("service")).filter(
        Q(name__iregex=pattern) | Q(extent__iregex=pattern)
    )
    at_address = Address.objects.filter(location=OuterRef("location")).filter(
        Q(postal_code__iexact=postcode) | Q(postal_code__istartswith=f"{postcode}-")
    )
    return Q(Exists(in_area)) | Q(Exists(at_address))


def postcode_centroid(postcode: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a postcode: the bundled ZIP centroids when available,
    else the mean position of our own locations with that postcode."""
    try:
        from commonweal.directory.sources.geocode import zip_centroid
    except ImportError:
        zip_centroid = None
    if zip_centroid is not None and (found := zip_centroid(postcode)) is not None:
        return found
    mean = Location.objects.filter(
        addresses__postal_code__iexact=postcode, latitude__isnull=False, longitude__isnull=False
    ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    return None if mean["lat"] is None else (mean["lat"], mean["lon"])


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# --- views ------------------------------------------------------------------------------


@cache
def _official_document() -> dict[str, Any]:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


def openapi_document(base_url: str) -> dict[str, Any]:
    """The official HSDA 3.0 OpenAPI document with this site's details filled in (the
    template's placeholders replaced); paths, parameters and schema $refs unchanged."""
    document = json.loads(json.dumps(_official_document()))
    site = getattr(settings, "SITE_NAME", "commonweal")
    document["info"] = {
        "title": f"{site} HSDA",
        "version": HSDS_VERSION,
        "summary": f"The {site} directory of local services, as Open Referral HSDA 3.0.",
        "description": "Read-only, public. Human Services Data Specification: an Open Referral "
        "resource (https://openreferral.org/).",
        "license": {
            "name": "CC BY-SA 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    }
    document["servers"] = [{"url": base_url}]
    return document


def api_root(request: HttpRequest) -> HttpResponse:
    """GET /: this API's HSDS version, profile and OpenAPI document."""
    return JsonResponse(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri("openapi.json"),
            "description": f"{getattr(settings, 'SITE_NAME', 'commonweal')} directory (Open Referral HSDA 3.0, read-only)",
        }
    )


def openapi_json(request: HttpRequest) -> HttpResponse:
    """The HSDA 3.0 OpenAPI document this API implements."""
    return JsonResponse(openapi_document(request.build_absolute_uri("./").rstrip("/")))


def _ranked_service_ids(params: Params, text: str) -> list[uuid.UUID]:
    from commonweal.directory.search import engine
    from commonweal.directory.search.types import SearchRequest

    extra = _service_filters(params, prefix="service__", search=False)
    return [c.service_id for c in engine.ranked(SearchRequest(q=text), extra=extra)]


def _ranked_sal_ids(
    text: str, extra: Q, centre: tuple[float, float] | None = None, metres: float | None = None
) -> list[uuid.UUID]:
    from commonweal.directory.search import engine
    from commonweal.directory.search.types import SearchRequest

    request = SearchRequest(q=text)
    if centre is not None and metres is not None:
        # At least a metre: a radius of 0 would read as "the usual distance".
        request = SearchRequest(
            q=text, lat=centre[0], lon=centre[1], radius_km=max(metres, 1.0) / 1000
        )
    candidates = engine.ranked(request, extra=extra, one_per_service=False)
    return [c.service_at_location_id for c in candidates]


@_handles_errors
def list_services(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    ids: QuerySet | list[uuid.UUID]
    if text := params.search():
        ids = _ranked_service_ids(params, text)
    else:
        ids = (
            Service.objects.filter(_service_filters(params))
            .order_by("name", "id")
            .values_list("id", flat=True)
        )
    minimal, full = (
        params.boolean("minimal"),
        params.boolean("full"),
    )  # both checked, whichever wins
    if minimal:
        return _listing(
            params,
            ids,
            _services_minimal,
            default_per_page=MAX_MINIMAL_PER_PAGE,
            max_per_page=MAX_MINIMAL_PER_PAGE,
        )
    return _listing(params, ids, _services_full if full else _services_list)


@_handles_errors
def get_service(request: HttpRequest, id: str) -> HttpResponse:
    service = Service.objects.filter(pk=_parse_id(id)).first()
    if service is None:
        raise NotFound
    return JsonResponse(hsds_json.service_full(service))


@_handles_errors
def list_organizations(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    query = Q()
    if search := params.search():
        query = _text_match(search, "name", "alternate_name", "description")
    ids = Organization.objects.filter(query).order_by("name", "id").values_list("id", flat=True)
    full_service = params.boolean("full_service")
    if params.boolean("full") or full_service:
        return _listing(params, ids, _organizations_full(full_service))
    return _listing(params, ids, _organizations_list)


@_handles_errors
def get_organization(request: HttpRequest, id: str) -> HttpResponse:
    params = Params(request)
    organization = Organization.objects.filter(pk=_parse_id(id)).first()
    if organization is None:
        raise NotFound
    return JsonResponse(
        hsds_json.organization_full(organization, full_service=params.boolean("full_service"))
    )


@_handles_errors
def list_service_at_locations(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    query = _service_filters(params, prefix="service__", search=False)
    search = params.search()
    postcode, metres = _postcode(params), _proximity(params)
    render = _service_at_locations_full if params.boolean("full") else _service_at_locations_list
    if metres is not None:
        if postcode is None:
            raise BadParameter("proximity", _("proximity needs a postcode to measure from"))
        centre = postcode_centroid(postcode)
        if centre is None:
            return _listing(params, [], render)
        return _listing(params, _ranked_sal_ids(search, query, centre, metres), render)
    if postcode is not None:
        query &= _postcode_matches(postcode)
    if search:
        return _listing(params, _ranked_sal_ids(search, query), render)
    ids = (
        ServiceAtLocation.objects.filter(query)
        .order_by("service__name", "id")
        .values_list("id", flat=True)
    )
    return _listing(params, ids, render)


@_handles_errors
def get_service_at_location(request: HttpRequest, id: str) -> HttpResponse:
    sal = ServiceAtLocation.objects.filter(pk=_parse_id(id)).first()
    if sal is None:
        raise NotFound
    return JsonResponse(hsds_json.service_at_location_full(sal))


@_handles_errors
def list_taxonomies(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    query = _text_match(search, "name", "description") if (search := params.search()) else Q()
    ids = Taxonomy.objects.filter(query).order_by("name", "id").values_list("id", flat=True)
    return _listing(params, ids, _taxonomies)


@_handles_errors
def get_taxonomy(request: HttpRequest, id: str) -> HttpResponse:
    taxonomy = Taxonomy.objects.filter(pk=_parse_id(id)).first()
    if taxonomy is None:
        raise NotFound
    return JsonResponse(hsds_json.taxonomy(taxonomy))


@_handles_errors
def list_taxonomy_terms(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    query = (
        _text_match(search, "name", "code", "description") if (search := params.search()) else Q()
    )
    if (taxonomy_id := params.uuid("taxonomy_id")) is not None:
        query &= Q(taxonomy_id=taxonomy_id)
    if (parent_id := params.uuid("parent_id")) is not None:
        query &= Q(parent_id=parent_id)
    if params.boolean("top_only"):
        query &= Q(parent__isnull=True)
    ids = (
        TaxonomyTerm.objects.filter(query)
        .order_by("taxonomy__name", "code", "name", "id")
        .values_list("id", flat=True)
    )
    return _listing(params, ids, _taxonomy_terms)


@_handles_errors
def get_taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=_parse_id(id)).first()
    if term is None:
        raise NotFound
    return JsonResponse(hsds_json.taxonomy_term(term))


class AnonymousRateThrottle(AnonRateThrottle):
    """Per-address limit for anonymous callers, read from settings.HSDA_ANON_RATE on each
    request (so a deployment, or a test, can change it without rebuilding the API)."""

    def __init__(self) -> None:
        super().__init__(settings.HSDA_ANON_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.HSDA_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def build_hsda_api() -> NinjaAPI:
    """The HSDA 3.0 API (mounted at /api/hsda/ in commonweal/urls.py). Its OpenAPI
    document is the official one, served at openapi.json, not one generated by ninja."""
    api = NinjaAPI(
        title="HSDA 3.0",
        version=HSDS_VERSION,
        urls_namespace="hsda",
        openapi_url=None,
        docs_url=None,
        throttle=[AnonymousRateThrottle()],
    )
    router = Router(tags=["HSDA 3.0"])
    for path, view in (
        ("/", api_root),
        ("/openapi.json", openapi_json),
        ("/services", list_services),
        ("/services/{id}", get_service),
        ("/organizations", list_organizations),
        ("/organizations/{id}", get_organization),
        ("/service_at_locations", list_service_at_locations),
        ("/service_at_locations/{id}", get_service_at_location),
        ("/taxonomies", list_taxonomies),
        ("/taxonomies/{id}", get_taxonomy),
        ("/taxonomy_terms", list_taxonomy_terms),
        ("/taxonomy_terms/{id}", get_taxonomy_term),
    ):
        router.get(path, url_name=view.__name__)(view)
    api.add_router("", router)
    return api
