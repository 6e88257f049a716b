"""One gap analysis run for the page, the downloads and the API: gaps.compute plus what they show.

Reads the directory (supply.py), the bundled Census tracts (areas.py) and, when asked to
weight demand by need, the system's own screenings — counted per ZIP area, never shown
per person (see `need_weights`). Everything else is gaps.compute's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree

from commonweal.directory.models import Attribute, Service, TaxonomyTerm
from commonweal.directory.sources.geocode import normalize_zip, zip_centroids
from commonweal.insights import areas as area_files
from commonweal.insights import gaps, periods
from commonweal.insights.deidentify import THRESHOLD
from commonweal.insights.gap_query import GapQuery, compute_options
from commonweal.insights.gaps import Areas, GapResult, RegionScore
from commonweal.insights.supply import CategorySupply, UnknownCategory, supply_for_category

# The bundled tracts' counties (Census 2020 county FIPS codes).
COUNTY_NAMES = {"12086": "Miami-Dade County", "12011": "Broward County", "12087": "Monroe County"}
# Need weights: screenings of the last four completed quarters, so the window is a fixed,
# completed period like every other insights figure (insights/periods.py).
NEED_QUARTERS = 4
# A ZIP area's person whose ZIP point lies farther than this from every tract centre lives
# outside the analysed region; their screening is left out rather than piled on the edge.
OUTSIDE_REGION_KM = 25.0


class CategoryNotFound(LookupError):
    """No taxonomy term has the code asked for."""


@dataclass(frozen=True)
class AreaRow:
    rank: int
    id: str
    name: str
    population: float
    score: float
    sites_in_reach: int
    latitude: float
    longitude: float


@dataclass(frozen=True)
class RegionRow:
    rank: int
    id: str
    name: str
    population: float
    areas: int
    score: float | None


@dataclass(frozen=True)
class NeedWeights:
    """Need weight per area (1 where nothing is known) and how it was found."""

    weights: np.ndarray
    applied: bool
    start: dt.date
    end: dt.date
    positive_screens: int  # counted in ZIP areas at or above the small-cell threshold
    zip_areas: int  # ZIP areas with a weight of their own


@dataclass(frozen=True)
class GapReport:
    query: GapQuery
    category_name: str
    supply: CategorySupply
    result: GapResult  # every area
    listed: GapResult  # the areas at or above the minimum population, ranked
    rows: list[AreaRow]
    regions: list[RegionRow]
    need: NeedWeights | None = None
    summary: dict[str, float | int | None] = field(default_factory=dict)

    @property
    def message(self) -> str | None:
        """Why there is nothing to rank, in the reader's language (None when there is)."""
        if self.result.message == gaps.NO_SERVICES:
            return _(
                "No services of this category have a place on the map, so there is nothing to measure."
            )
        if self.result.message == gaps.NO_SERVICES_IN_RANGE:
            return _("No services of this category are within the catchment distance of any area.")
        if not self.rows:
            return _("No area has at least the minimum population.")
        return None


@cache
def bundled_areas() -> Areas:
    """The bundled Miami-Dade, Broward and Monroe tract centres (read once per process)."""
    return area_files.read_census_tracts()


def area_name(area_id: str, name: str = "") -> str:
    """A readable name: the file's, or for a tract GEOID "Tract 0101.02, Broward County"."""
    if name:
        return name
    if len(area_id) == 11 and area_id.isdigit():
        number = f"{int(area_id[5:9])}" + (f".{area_id[9:]}" if area_id[9:] != "00" else "")
        return _("Tract %(number)s, %(county)s") % {
            "number": number,
            "county": COUNTY_NAMES.get(area_id[:5], area_id[:5]),
        }
    return area_id


def region_name(region_id: str, by: str) -> str:
    if by == "county":
        return COUNTY_NAMES.get(region_id, region_id)
    return _("ZIP %(zip)s") % {"zip": region_id}


def categories() -> list[tuple[str, str]]:
    """(code, name) of every coded taxonomy term with an active service in it or below it."""
    tagged = Attribute.objects.filter(
        link_entity="service",
        taxonomy_term_id=OuterRef("pk"),
        link_id__in=Service.objects.active().values("id"),
    )
    direct = TaxonomyTerm.objects.filter(Exists(tagged)).values_list("id", "parent_id")
    parents = dict(TaxonomyTerm.objects.values_list("id", "parent_id"))
    wanted: set = set()
    for term_id, parent_id in direct:
        wanted.add(term_id)
        seen = {term_id}
        while parent_id is not None and parent_id not in seen:  # cycle-safe climb
            wanted.add(parent_id)
            seen.add(parent_id)
            parent_id = parents.get(parent_id)
    named: dict[str, str] = {}
    for code, name in (
        TaxonomyTerm.objects.filter(id__in=wanted).exclude(code="").values_list("code", "name")
    ):
        named.setdefault(code, name)
    return sorted(named.items(), key=lambda item: (item[1].casefold(), item[0]))


def zip_of_areas(areas: Areas) -> dict[str, str]:
    """Area id → the ZIP whose ZCTA internal point is nearest the area's centre.

    An approximation (no ZIP-to-tract crosswalk is bundled): ZIP codes are delivery
    routes, not areas, and a tract may straddle two; the Census ZCTA points are the
    only ZIP geography the project ships (directory/data/zcta_centroids.csv.gz).
    """
    return _zip_of_bundled() if areas is bundled_areas() else _nearest_zip(areas)


@cache
def _zip_of_bundled() -> dict[str, str]:
    return _nearest_zip(bundled_areas())


def _nearest_zip(areas: Areas) -> dict[str, str]:
    codes, _km = area_files.nearest_zips(areas.latitude, areas.longitude)
    return {str(a): str(code) for a, code in zip(areas.ids, codes, strict=True)}


def positive_screens_by_zip(start: dt.date, end: dt.date) -> Counter[str]:
    """Positive screenings (any domain) taken from start to end, counted by the person's ZIP.

    Only the count per ZIP leaves the database query's loop: no name, id or answer.
    A screening is positive when its stored result has a positive domain (as tallies.py).
    """
    from commonweal.screening.models import Screening  # the screening app owns its table

    counts: Counter[str] = Counter()
    rows = Screening.objects.filter(
        person__isnull=False, created_at__date__gte=start, created_at__date__lte=end
    ).values_list("person__zip_code", "result")
    for zip_code, result in rows.iterator():
        if not (result or {}).get("positive_domains"):
            continue
        code = normalize_zip(zip_code or "")
        if code:
            counts[code] += 1
    return counts


def need_weights(areas: Areas, today: dt.date) -> NeedWeights:
    """Relative need per area from positive screens per person living in its ZIP area.

    Each tract belongs to its nearest ZIP (zip_of_areas); a screened person's ZIP with no
    tract of its own joins the tract nearest its ZIP point (unless that is farther than
    OUTSIDE_REGION_KM: outside the region). For every ZIP area with at least 11 positive
    screens, weight = (its positive screens / its population) ÷ the same rate over all such
    ZIP areas, so the weights average 1 and scores stay comparable with an unweighted run.
    Every other area keeps weight 1: fewer than 11 is neither shown nor used (the
    de-identification rule), and no screening is not the same as no need.
    """
    last = periods.completed_quarters(today, NEED_QUARTERS)
    start, end = last[-1].start, last[0].end
    counts = positive_screens_by_zip(start, end)
    zip_of = zip_of_areas(areas)
    ids = [str(a) for a in areas.ids]
    area_zips = [zip_of[a] for a in ids]
    population: Counter[str] = Counter()
    for code, pop in zip(area_zips, areas.population, strict=True):
        population[code] += float(pop)
    grouped: Counter[str] = Counter()
    orphans = [code for code in counts if code not in population]
    if orphans:
        where = zip_centroids()
        tree = cKDTree(gaps.unit_vectors(areas.latitude, areas.longitude))
        for code in orphans:
            if code not in where:
                continue
            lat, lon = where[code]
            distance, index = tree.query(gaps.unit_vectors(np.array([lat]), np.array([lon])))
            km = float(
                gaps.haversine_km(lat, lon, areas.latitude[index[0]], areas.longitude[index[0]])
            )
            if km <= OUTSIDE_REGION_KM:
                grouped[area_zips[int(index[0])]] += counts[code]
    for code, n in counts.items():
        if code in population:
            grouped[code] += n
    kept = {c: n for c, n in grouped.items() if n >= THRESHOLD and population[c] > 0}
    weights = np.ones(len(ids))
    if not kept:
        return NeedWeights(weights, False, start, end, 0, 0)
    overall = sum(kept.values()) / sum(population[c] for c in kept)
    for i, code in enumerate(area_zips):
        if code in kept:
            weights[i] = (kept[code] / population[code]) / overall
    return NeedWeights(weights, True, start, end, sum(kept.values()), len(kept))


def _with_need(areas: Areas, weights: np.ndarray) -> Areas:
    return Areas(
        ids=areas.ids,
        latitude=areas.latitude,
        longitude=areas.longitude,
        population=areas.population,
        need_weight=weights,
        names=areas.names,
    )


def subset(result: GapResult, keep: np.ndarray) -> GapResult:
    """The same result for only the areas where `keep` is true (ranks among them unchanged)."""
    a = result.areas
    return GapResult(
        method=result.method,
        max_cost=result.max_cost,
        areas=Areas(
            ids=a.ids[keep],
            latitude=a.latitude[keep],
            longitude=a.longitude[keep],
            population=a.population[keep],
            need_weight=a.need_weight[keep],
            names=a.names[keep],
        ),
        score=result.score[keep],
        sites_in_range=result.sites_in_range[keep],
        message=result.message,
    )


def run(query: GapQuery, *, today: dt.date, areas: Areas | None = None) -> GapReport:
    """The analysis the query asks for, over the bundled tracts unless `areas` is given.

    Raises CategoryNotFound for an unknown category and gaps.GapInputError for settings
    gaps.compute refuses.
    """
    try:
        supply = supply_for_category(query.category)
    except UnknownCategory:
        raise CategoryNotFound(query.category) from None
    areas = areas if areas is not None else bundled_areas()
    need = None
    if query.need:
        need = need_weights(areas, today)
        if need.applied:
            areas = _with_need(areas, need.weights)
    result = gaps.compute(areas, supply.sites, **compute_options(query))
    listed = subset(result, result.areas.population >= query.min_population)
    position = {str(a): i for i, a in enumerate(listed.areas.ids)}
    rows = []
    for rank, row in enumerate(listed.ranked(), start=1):
        i = position[row.id]
        rows.append(
            AreaRow(
                rank=rank,
                id=row.id,
                name=area_name(row.id, row.name),
                population=row.population,
                score=row.score,
                sites_in_reach=row.sites_in_range,
                latitude=float(listed.areas.latitude[i]),
                longitude=float(listed.areas.longitude[i]),
            )
        )
    regions: list[RegionRow] = []
    if query.by != "tract" and not result.empty:
        key = "county" if query.by == "county" else zip_of_areas(areas)
        scored: list[RegionScore] = [
            r for r in result.roll_up(key) if r.population >= query.min_population
        ]
        regions = [
            RegionRow(rank, r.id, region_name(r.id, query.by), r.population, r.areas, r.score)
            for rank, r in enumerate(scored, start=1)
        ]
    total = float(result.areas.population.sum())
    unreached = float(result.areas.population[result.sites_in_range == 0].sum())
    summary: dict[str, float | int | None] = {
        "areas": len(rows),
        "population": float(listed.areas.population.sum()),
        "share_without_site": (unreached / total) if total > 0 else None,
        "sites": len(supply.sites),
        "services": supply.services,
        "services_without_coordinates": supply.without_coordinates,
    }
    name = supply.terms[0].name if supply.terms else query.category
    return GapReport(
        query=query,
        category_name=name,
        supply=supply,
        result=result,
        listed=listed,
        rows=rows,
        regions=regions,
        need=need,
        summary=summary,
    )
