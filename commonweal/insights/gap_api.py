"""The gap analysis part of the JSON API (/api/v1/insights/gaps/): thin over gap_report.

The same parameters as the page (/insights/gaps/), the same people (policy.can_see_insights):
coalition admins, analysts and superusers. 400 names the parameter at fault; a category
with no services answers 200 with no areas and a `message`, never a table of zeros.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.insights import gap_export, gap_query, gap_report
from commonweal.insights.gap_query import ParamError
from commonweal.insights.gap_report import CategoryNotFound, GapReport
from commonweal.insights.gaps import GapInputError

router = Router(tags=["insights"], auth=api_auth)


class GapParams(Schema):
    method: str = "2sfca"
    radius_km: str = ""
    steps: str = ""
    sigma_km: str = ""
    beta: str = ""
    min_cost_km: str = ""
    min_population: str = ""
    by: str = "tract"
    scale: str = "per10k"
    need: str = ""
    limit: str = ""


class GapMessage(Schema):
    detail: str


class AreaOut(Schema):
    rank: int
    id: str
    name: str
    population: float
    score: float
    sites_in_reach: int
    lat: float
    lon: float


class RegionOut(Schema):
    rank: int
    id: str
    name: str
    population: float
    areas: int
    score: float | None


class GapSummaryOut(Schema):
    areas: int
    population: float
    share_without_site: float | None
    sites: int
    services: int
    services_without_coordinates: int


class GapNeedOut(Schema):
    applied: bool
    start: str
    end: str
    positive_screens: int
    zip_areas: int


class GapsOut(Schema):
    parameters: dict[str, str]
    category_name: str
    score_unit: str
    message: str | None
    summary: GapSummaryOut
    need: GapNeedOut | None
    areas: list[AreaOut]
    regions: list[RegionOut]


def _limit(raw: str) -> tuple[int | None, str | None]:
    raw = raw.strip()
    if not raw:
        return None, None
    if not raw.isdigit() or int(raw) < 1:
        return None, f"limit: {raw[:40]!r} is not a whole number from 1 up"
    return int(raw), None


FORBIDDEN = "the insights area is for coalition admins, analysts and superusers"


class CategoryOut(Schema):
    code: str
    name: str


def _report(
    request: HttpRequest, category: str, params: GapParams
) -> tuple[GapReport | None, Status | None]:
    if not policy.can_see_insights(request.auth):
        return None, Status(403, {"detail": FORBIDDEN})
    query, errors = gap_query.parse({**params.dict(), "category": category})
    if not query.category and not errors:
        errors = [ParamError("category", "give a taxonomy term code (e.g. 1102)")]
    if errors:
        named = [f"{e.parameter}: {e}" if isinstance(e, ParamError) else e for e in errors]
        return None, Status(400, {"detail": " ".join(named)})
    try:
        return gap_report.run(query, today=timezone.localdate()), None
    except CategoryNotFound:
        return None, Status(
            400, {"detail": f"category: no taxonomy term has the code {query.category!r}"}
        )
    except GapInputError as error:
        return None, Status(400, {"detail": str(error)})


@router.get(
    "/",
    response={200: list[CategoryOut], 403: GapMessage},
    summary="The categories a gap analysis can be run for",
)
def categories(request: HttpRequest) -> Any:
    """Taxonomy terms (code, name) with an active service in them or below them."""
    if not policy.can_see_insights(request.auth):
        return Status(403, {"detail": FORBIDDEN})
    return [{"code": code, "name": name} for code, name in gap_report.categories()]


@router.get(
    "/{category}",
    response={200: GapsOut, 400: GapMessage, 403: GapMessage},
    summary="Least-served areas for a category of service (2SFCA family)",
)
def gaps(request: HttpRequest, category: str, params: Query[GapParams]) -> Any:
    """Scores of spatial access per census tract, least served first, with a summary.

    `score` is the raw 2SFCA score (places of service per person), or relative to the
    population-weighted mean with `scale=normalized`; `by=zip|county` adds `regions`
    (population-weighted means). Methods: 2sfca, e2sfca (stepped bands `steps`, e.g.
    10:1,20:0.68,30:0.22), e2sfca-gaussian (`sigma_km`), gravity (`beta`, `min_cost_km`).
    """
    if not policy.can_see_insights(request.auth):
        return Status(403, {"detail": FORBIDDEN})
    limit, problem = _limit(params.limit)
    if problem:
        return Status(400, {"detail": problem})
    report, refused = _report(request, category, params)
    if refused is not None:
        return refused
    assert report is not None
    rows = report.rows if limit is None else report.rows[:limit]
    need = report.need
    return {
        "parameters": report.query.as_params(),
        "category_name": report.category_name,
        "score_unit": "relative to the population-weighted mean"
        if report.query.normalized
        else "places of service per person",
        "message": report.message,
        "summary": report.summary,
        "need": None
        if need is None
        else {
            "applied": need.applied,
            "start": need.start.isoformat(),
            "end": need.end.isoformat(),
            "positive_screens": need.positive_screens,
            "zip_areas": need.zip_areas,
        },
        "areas": [
            {
                "rank": r.rank,
                "id": r.id,
                "name": r.name,
                "population": r.population,
                "score": r.score,
                "sites_in_reach": r.sites_in_reach,
                "lat": r.latitude,
                "lon": r.longitude,
            }
            for r in rows
        ],
        "regions": [
            {
                "rank": g.rank,
                "id": g.id,
                "name": g.name,
                "population": g.population,
                "areas": g.areas,
                "score": g.score,
            }
            for g in report.regions
        ],
    }


@router.get(
    "/{category}/geojson",
    response={200: dict[str, Any], 400: GapMessage, 403: GapMessage},
    summary="The same areas as a GeoJSON FeatureCollection of points",
)
def gaps_geojson(request: HttpRequest, category: str, params: Query[GapParams]) -> Any:
    """RFC 7946 Point features at the tract population centres, with rank, score,
    population, demand and sites_in_range; a `message` member when nothing is ranked."""
    report, refused = _report(request, category, params)
    if refused is not None:
        return refused
    assert report is not None
    return gap_export.geojson(report.listed)
