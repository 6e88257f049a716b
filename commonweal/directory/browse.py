"""Reading the directory for the public pages: categories, a simple keyword match, summaries.

Categories shown to people come from the Open Eligibility taxonomy only (the source
211 taxonomy is licensed and kept as opaque codes). Proper search comes in a later
issue; `keyword_match` is a plain case-insensitive match on names and descriptions.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from commonweal.directory.models import (
    Address,
    Attribute,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    TaxonomyTerm,
)

OPEN_ELIGIBILITY = "Open Eligibility"
APPROXIMATE_LOCATION = "approximate_location"
# Services in these states are not offered any more; their pages stay reachable by link.
HIDDEN_STATUSES = ("inactive", "defunct")
MAX_QUERY_LENGTH = 200
# The home and category pages show how many services each category holds. Counting them is
# a grouped query over every listing's categories (~0.85 s with 100,000 services), too dear
# for every visit: the counts are kept in the shared cache, forgotten at once when a
# listing or its categories change through the ORM or an import, and after this many
# seconds in any case (a bulk write by other means shows within that time).
CATEGORY_COUNTS_SECONDS = 600
_GENERATION_KEY = "directory:generation"


@dataclass(frozen=True)
class Category:
    term: TaxonomyTerm
    service_count: int


def listed_services() -> ServiceQuerySet:
    return Service.objects.exclude(status__in=HIDDEN_STATUSES)


def with_summary(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a result list shows: organization, phones, first address — without N+1 queries."""
    return services.select_related("organization").prefetch_related(
        "phones",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses", "location__phones"
            ),
        ),
    )


def keyword_match(query: str) -> ServiceQuerySet:
    """Listed services whose name or description, or whose organisation's, contains every word."""
    services = listed_services()
    for word in query.split()[:10]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__name__icontains=word)
            | Q(organization__description__icontains=word)
        )
    return services.order_by("name", "id")


def category_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy__name=OPEN_ELIGIBILITY)


def directory_changed(**_signal: object) -> None:
    """Forget the cached category counts: a listing or its categories changed."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # no generation yet, or the cache forgot it
        cache.set(_GENERATION_KEY, 1, None)


def _service_counts(roots: list[TaxonomyTerm]) -> dict[uuid.UUID, int]:
    """`_count_services`, from the shared cache while the directory has not changed."""
    if not roots:
        return {}
    generation = cache.get(_GENERATION_KEY, 0)
    ids = hashlib.sha256(",".join(str(root.id) for root in roots).encode()).hexdigest()[:32]
    key = f"directory:category-counts:{generation}:{ids}"
    counts = cache.get(key)
    if counts is None:
        counts = _count_services(roots)
        cache.set(key, counts, CATEGORY_COUNTS_SECONDS)
    return counts


def _count_services(roots: list[TaxonomyTerm]) -> dict[uuid.UUID, int]:
    """Listed services per root term, counting a service tagged with any descendant once.

    The term tree is walked in memory (a few hundred terms); the counting is one grouped
    query, so the database never ships the (term, service) pairs to Python."""
    if not roots:
        return {}
    children: dict[uuid.UUID | None, list[uuid.UUID]] = defaultdict(list)
    for term_id, parent_id in category_terms().values_list("id", "parent_id"):
        children[parent_id].append(term_id)
    branches: list[When] = []
    claimed: set[uuid.UUID] = set()
    for index, root in enumerate(roots):
        seen = {root.id}
        frontier = [root.id]
        while frontier:
            frontier = [c for t in frontier for c in children.get(t, []) if c not in seen]
            seen.update(frontier)
        # Roots are siblings, so their subtrees are disjoint unless the data has a cycle.
        seen -= claimed
        claimed |= seen
        branches.append(When(taxonomy_term_id__in=list(seen), then=Value(index)))
    counted = (
        Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=list(claimed))
        # Hidden services are few; "not among them" is far cheaper than "among the listed".
        .exclude(link_id__in=Service.objects.filter(status__in=HIDDEN_STATUSES).values("id"))
        .annotate(root=Case(*branches, output_field=IntegerField()))
        .values("root")
        .annotate(services=Count("link_id", distinct=True))
        .values_list("root", "services")
    )
    by_index = dict(counted)
    return {root.id: by_index.get(index, 0) for index, root in enumerate(roots)}


def _with_counts(terms: list[TaxonomyTerm], *, include_empty: bool) -> list[Category]:
    counts = _service_counts(terms)
    return [
        Category(term=t, service_count=counts[t.id])
        for t in terms
        if include_empty or counts[t.id] > 0
    ]


def top_categories(*, include_empty: bool = False) -> list[Category]:
    """Open Eligibility terms without a parent, with how many listed services each holds."""
    terms = list(category_terms().filter(parent__isnull=True).order_by("code", "name"))
    return _with_counts(terms, include_empty=include_empty)


def subcategories(term: TaxonomyTerm, *, include_empty: bool = False) -> list[Category]:
    terms = list(category_terms().filter(parent=term).order_by("name", "code"))
    return _with_counts(terms, include_empty=include_empty)


def ancestors(term: TaxonomyTerm) -> list[TaxonomyTerm]:
    """The term's parents, the top-level category first (cycle-safe)."""
    chain: list[TaxonomyTerm] = []
    seen = {term.id}
    current = term.parent
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.parent
    return list(reversed(chain))


def services_in_category(term: TaxonomyTerm) -> ServiceQuerySet:
    return listed_services().in_category(term).order_by("name", "id")


def categories_of(service: Service) -> list[TaxonomyTerm]:
    """The Open Eligibility categories a service is tagged with, by name, each name once.

    Open Eligibility files one category under several parents as separate terms
    ("Emergency Food" is 1120 under Emergency and 1128 under Food); a reader sees one
    category, so the first term of each name (lowest code) stands for all of them.
    """
    terms = (
        category_terms()
        .filter(attributes__link_entity="service", attributes__link_id=service.id)
        .distinct()
        .order_by("name", "code", "id")
    )
    unique: dict[str, TaxonomyTerm] = {}
    for term in terms:
        unique.setdefault(term.name.casefold(), term)
    return list(unique.values())


def approximate_location_ids(locations: list[Location]) -> set[uuid.UUID]:
    """Which of these locations have a position estimated from their ZIP code, not surveyed."""
    return set(
        Attribute.objects.filter(
            link_entity="location",
            link_id__in=[loc.id for loc in locations],
        )
        .filter(
            Q(taxonomy_term__name=APPROXIMATE_LOCATION)
            | Q(taxonomy_term__code=APPROXIMATE_LOCATION)
        )
        .values_list("link_id", flat=True)
    )


@dataclass(frozen=True)
class ServiceSummary:
    """One line of a result list: the service, a phone to call and where it is."""

    service: Service
    phone: Phone | None
    address: Address | None


def summarise(services: Iterable[Service]) -> list[ServiceSummary]:
    """Summaries from services loaded `with_summary` (uses the prefetched rows only)."""
    summaries = []
    for service in services:
        phones = list(service.phones.all())
        address = None
        for sal in service.service_at_locations.all():
            phones.extend(sal.location.phones.all())
            addresses = sorted(
                sal.location.addresses.all(), key=lambda a: a.address_type != "physical"
            )
            if address is None and addresses:
                address = addresses[0]
        summaries.append(
            ServiceSummary(service=service, phone=phones[0] if phones else None, address=address)
        )
    return summaries
