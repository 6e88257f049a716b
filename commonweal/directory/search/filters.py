"""The search filters people of this field expect, as database conditions on
service-at-location rows: language, cost, who it is for, age, access, how it is offered,
accepting new clients, and category.

Every filter is an EXISTS subquery or a join condition, so the database does the work and
`apply` never loops over rows. Open now / open at is not here: opening hours are checked
in Python over the page's candidates (`opening.py`), since HSDS schedules are rules, not
rows that SQL can compare.

Decisions:

- Several values of one filter widen it (Spanish *or* Haitian Creole; seniors *or*
  veterans: a person may fit several groups); different filters narrow each other.
- Language: an HSDS `language` row on the service, its location or one of their phones,
  matched by ISO 639 code ("es", also "es-MX") or by the language's English name when a
  listing stored only a name.
- Free: a cost option with amount 0 or that says free / sliding scale, fee text that says
  so, or a description with an unmistakable phrase ("free of charge", "sliding scale").
  The bare word "free" in a description is not enough ("toll-free", "drug-free").
- Who it is for (`ELIGIBILITY`): Open Eligibility *situation* terms on the service, or
  the group named in its eligibility text.
- Age: the service's minimum/maximum age, where set (no limit set passes).
- Accessible: an HSDS `accessibility` row on the location that does not say "no"/"not".
- Delivery: in person = a physical location; phone = a phone on the service, location
  or service-at-location; online = a virtual location of the service, a location URL, or
  "telehealth"/"online"/"virtual" in the description. A plain website is not online help.
- Accepting new clients: the service's `ServiceIntake` says yes (unknown is left out).
- Category: taxonomy term ids or codes and all their descendants; an unknown category
  matches nothing (`unknown_categories` names them for a message).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.directory.language_names import english_name
from commonweal.directory.models import (
    Accessibility,
    Attribute,
    CostOption,
    Language,
    Location,
    Phone,
    ServiceAtLocation,
    ServiceIntake,
    TaxonomyTerm,
)
from commonweal.directory.search.types import Delivery, SearchRequest
from commonweal.directory.sources.open_eligibility import SITUATIONS_TAXONOMY_NAME, TAXONOMY_NAME

# Who a service is for → Open Eligibility situation codes (open_eligibility.csv, facet
# "situation") and words in eligibility text that name the same people.
ELIGIBILITY: dict[str, tuple[str, ...]] = {
    "seniors": ("20006", "20033"),  # Seniors; Retirement
    "veterans": ("20010",),  # Veterans
    "youth": ("20004", "20005", "20040", "20060"),  # Teens; Children; Foster Youth; Runaways
    "families": ("20054", "20076", "20075", "20074"),  # Families; Parents; Mothers; Fathers
    "lgbtq": ("20077", "20078", "20038"),  # Sexuality; LGBTQ; Transgender
    "immigrants": ("20011", "20012", "20013", "20014"),  # Citizenship; Immigrants; Refugees; …
    "homeless": ("20058", "20059", "20060"),  # Homeless; Near Homeless; Runaways
    "disability": (
        "20017",  # Disability and its kinds:
        "20018",
        "20019",
        "20020",
        "20021",
        "20022",
        "20023",
        "20024",
        "20025",
        "20093",
    ),
}
ELIGIBILITY_WORDS: dict[str, tuple[str, ...]] = {
    "seniors": ("senior", "older adult", "elderly", "aged 60", "aged 65", "adultos mayores"),
    "veterans": ("veteran",),
    "youth": ("youth", "teen", "children", "adolescent", "young people", "jóvenes"),
    "families": ("families", "family", "parents", "familias"),
    "lgbtq": ("lgbt", "gay", "lesbian", "transgender", "queer"),
    "immigrants": ("immigrant", "refugee", "asylum", "undocumented", "inmigrante"),
    "homeless": ("homeless", "unhoused", "sin hogar"),
    "disability": ("disabilit", "disabled", "discapacidad", "wheelchair", "blind", "deaf"),
}

ELIGIBILITY_LABELS: dict[str, Promise] = {
    "seniors": _("Seniors"),
    "veterans": _("Veterans"),
    "youth": _("Children and young people"),
    "families": _("Families"),
    "lgbtq": _("LGBTQ+ people"),
    "immigrants": _("Immigrants and refugees"),
    "homeless": _("People experiencing homelessness"),
    "disability": _("People with disabilities"),
}

DELIVERY_LABELS: dict[Delivery, Promise] = {
    Delivery.IN_PERSON: _("In person"),
    Delivery.PHONE: pgettext_lazy("service delivery", "By phone"),
    Delivery.ONLINE: _("Online or telehealth"),
}

# One label per SearchRequest field that is a filter, for the filter panel and for
# "filters in use" summaries.
FILTER_LABELS: dict[str, Promise] = {
    "categories": _("Category"),
    "radius_km": _("Distance"),
    "open_now": _("Open now"),
    "open_at": _("Open at"),
    "languages": _("Language spoken"),
    "free": _("Free or sliding scale"),
    "eligibility": _("Who it is for"),
    "age": pgettext_lazy("person's age", "Age"),
    "accessible": _("Wheelchair accessible"),
    "delivery": _("How help is given"),
    "accepting_new_clients": _("Accepting new clients"),
}

FREE_COST_WORDS = ("free", "no cost", "no charge", "sliding", "gratis", "sin costo")
FREE_DESCRIPTION_PHRASES = (
    "free of charge",
    "at no cost",
    "no cost to",
    "at no charge",
    "no charge",
    "sliding scale",
    "sliding-scale",
    "sliding fee",
    "sliding-fee",
    "services are free",
    "service is free",
    "free service",
    "free clinic",
    "free food",
    "free meals",
    "gratis",
    "sin costo",
)
ONLINE_WORDS = ("telehealth", "telemedicine", "online", "virtual", "video visit")


def _any(field: str, words: Iterable[str]) -> Q:
    condition = Q()
    for word in words:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


def _language_condition(codes: Iterable[str]) -> Q:
    condition = Q()
    for raw in codes:
        code = raw.strip().lower()
        if not code:
            continue
        condition |= Q(code__iexact=code) | Q(code__istartswith=f"{code}-")
        name = english_name(code)
        if name:
            condition |= Q(name__iexact=name)
    return condition


def language_filter(codes: Iterable[str]) -> Q:
    """Offered in any of these languages (ISO 639 codes) — as a condition on SAL rows."""
    spoken = _language_condition(codes)
    if not spoken:
        return Q()
    languages = Language.objects.filter(spoken)
    return (
        Exists(languages.filter(service_id=OuterRef("service_id")))
        | Exists(languages.filter(location_id=OuterRef("location_id")))
        | Exists(languages.filter(phone__service_id=OuterRef("service_id")))
        | Exists(languages.filter(phone__location_id=OuterRef("location_id")))
        | Exists(languages.filter(phone__service_at_location_id=OuterRef("pk")))
    )


def free_filter() -> Q:
    costs = CostOption.objects.filter(service_id=OuterRef("service_id")).filter(
        Q(amount=0) | _any("option", FREE_COST_WORDS) | _any("amount_description", FREE_COST_WORDS)
    )
    return (
        Exists(costs)
        | _any("service__fees_description", FREE_COST_WORDS)
        | _any("service__fees", FREE_COST_WORDS)
        | _any("service__description", FREE_DESCRIPTION_PHRASES)
    )


def eligibility_filter(keys: Iterable[str]) -> Q:
    keys = [k for k in keys if k in ELIGIBILITY]
    if not keys:
        return Q()
    codes = [code for key in keys for code in ELIGIBILITY[key]]
    # Term ids first (one small query), so the EXISTS is an index lookup per row.
    term_ids = list(
        TaxonomyTerm.objects.filter(code__in=codes)
        .filter(
            Q(taxonomy__name=SITUATIONS_TAXONOMY_NAME) | Q(taxonomy_name=SITUATIONS_TAXONOMY_NAME)
        )
        .values_list("id", flat=True)
    )
    words = [word for key in keys for word in ELIGIBILITY_WORDS[key]]
    described = _any("service__eligibility_description", words)
    if not term_ids:  # no Open Eligibility situations loaded: the text alone decides
        return described
    tagged = Attribute.objects.filter(
        link_entity="service", link_id=OuterRef("service_id"), taxonomy_term_id__in=term_ids
    )
    return Exists(tagged) | described


def age_filter(age: int) -> Q:
    return (Q(service__minimum_age__isnull=True) | Q(service__minimum_age__lte=age)) & (
        Q(service__maximum_age__isnull=True) | Q(service__maximum_age__gte=age)
    )


def accessible_filter() -> Q:
    rows = Accessibility.objects.filter(location_id=OuterRef("location_id")).exclude(
        Q(description__istartswith="no ") | Q(description__istartswith="not ")
    )
    return Exists(rows)


def delivery_filter(ways: Iterable[Delivery | str]) -> Q:
    condition = Q()
    for way in {Delivery(w) for w in ways}:
        if way == Delivery.IN_PERSON:
            condition |= Q(location__location_type="physical")
        elif way == Delivery.PHONE:
            condition |= (
                Exists(Phone.objects.filter(service_id=OuterRef("service_id")))
                | Exists(Phone.objects.filter(location_id=OuterRef("location_id")))
                | Exists(Phone.objects.filter(service_at_location_id=OuterRef("pk")))
            )
        elif way == Delivery.ONLINE:
            virtual = Location.objects.filter(
                location_type="virtual", service_at_locations__service_id=OuterRef("service_id")
            )
            condition |= (
                Exists(virtual) | ~Q(location__url="") | _any("service__description", ONLINE_WORDS)
            )
    return condition


def accepting_filter() -> Q:
    return Exists(
        ServiceIntake.objects.filter(
            service_id=OuterRef("service_id"), accepting_new_clients=ServiceIntake.YES
        )
    )


def _terms_for(value: str) -> list[TaxonomyTerm]:
    value = value.strip()
    try:
        term_id = uuid.UUID(value)
    except ValueError:
        # A code: Open Eligibility's first (its codes are what the API documents).
        terms = list(TaxonomyTerm.objects.filter(code=value).select_related("taxonomy"))
        preferred = [
            t for t in terms if t.taxonomy and t.taxonomy.name in (TAXONOMY_NAME,)
        ] or terms
        return preferred
    return list(TaxonomyTerm.objects.filter(id=term_id))


def category_term_ids(values: Iterable[str]) -> list[uuid.UUID]:
    """Ids of the terms named by id or code, with all their descendants."""
    ids: list[uuid.UUID] = []
    for value in values:
        for term in _terms_for(value):
            ids.extend(i for i in term.descendant_ids() if i not in ids)
    return ids


def unknown_categories(values: Iterable[str]) -> list[str]:
    """The category values that name no taxonomy term (for a "not found" message)."""
    return [v for v in values if v.strip() and not _terms_for(v)]


def category_filter(values: Iterable[str]) -> Q:
    values = [v for v in values if v.strip()]
    if not values:
        return Q()
    ids = category_term_ids(values)
    if not ids:
        # Asked for a category that does not exist: nothing matches. (Not `pk__in=[]`,
        # which cannot be compiled into SQL by callers that build raw queries.)
        return Q(pk__isnull=True)
    return Exists(
        Attribute.objects.filter(
            link_entity="service", link_id=OuterRef("service_id"), taxonomy_term_id__in=ids
        )
    )


def conditions(request: SearchRequest) -> Q:
    """All the request's filters (not opening hours) as one condition on SAL rows.
    The cheap, selective ones first: the databases test the conditions of a row in the
    order written, so a location outside the category is dropped after one index probe
    instead of after the language's five."""
    condition = Q()
    if request.categories:
        condition &= category_filter(request.categories)
    if request.languages:
        condition &= language_filter(request.languages)
    if request.free:
        condition &= free_filter()
    if request.eligibility:
        condition &= eligibility_filter(request.eligibility)
    if request.age is not None:
        condition &= age_filter(request.age)
    if request.accessible:
        condition &= accessible_filter()
    if request.delivery:
        condition &= delivery_filter(request.delivery)
    if request.accepting_new_clients:
        condition &= accepting_filter()
    return condition


def any_set(request: SearchRequest) -> bool:
    """Whether the request sets any of the filters `conditions` reads, without building
    them (no query): tells the engine whether most locations pass."""
    return bool(
        request.languages
        or request.free
        or request.eligibility
        or request.age is not None
        or request.accessible
        or request.delivery
        or request.accepting_new_clients
        or request.categories
    )


def apply(qs: QuerySet[ServiceAtLocation], request: SearchRequest) -> QuerySet[ServiceAtLocation]:
    """`qs` narrowed by every filter the request sets (opening hours excepted)."""
    condition = conditions(request)
    return qs.filter(condition) if condition else qs
