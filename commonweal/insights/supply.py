"""Supply points for the gap analysis, read from the directory: one category's services."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from commonweal.directory.models import Service, ServiceAtLocation, TaxonomyTerm
from commonweal.insights.gaps import Sites


class UnknownCategory(LookupError):
    """No taxonomy term has the code asked for."""


@dataclass(frozen=True)
class CategorySupply:
    terms: list[TaxonomyTerm]
    sites: Sites
    services: int  # active services in the category, geocoded or not
    without_coordinates: int  # services at a physical location that has no latitude/longitude


def supply_for_category(code: str) -> CategorySupply:
    """Active services tagged with the term(s) coded `code` or a descendant, as supply points.

    One point per physical location (its id is the location id, so a travel-time matrix
    can name it); its capacity is the number of the category's services there. The
    directory keeps no numeric capacity (HSDS `service_capacity` is not imported yet), so
    each service at a location counts 1, as the 2SFCA literature does when capacity is unknown.
    """
    terms = list(TaxonomyTerm.objects.filter(code=code.strip()))
    if not terms:
        raise UnknownCategory(code)
    services = Service.objects.none()
    for term in terms:
        services = services | Service.objects.active().in_category(term)
    service_ids = services.values("id")
    placed = ServiceAtLocation.objects.filter(
        service_id__in=service_ids, location__location_type="physical"
    ).values_list("location_id", "location__latitude", "location__longitude")
    counts: Counter[str] = Counter()
    where: dict[str, tuple[float, float]] = {}
    missing = 0
    for location_id, lat, lon in placed:
        if lat is None or lon is None:
            missing += 1
            continue
        key = str(location_id)
        counts[key] += 1
        where[key] = (lat, lon)
    ids = sorted(counts)
    sites = Sites.build(
        ids=ids,
        latitude=[where[i][0] for i in ids],
        longitude=[where[i][1] for i in ids],
        capacity=[float(counts[i]) for i in ids],
    )
    return CategorySupply(
        terms=terms, sites=sites, services=services.distinct().count(), without_coordinates=missing
    )
