"""What the search page shows for an engine response: cards, pages, ways out of a dead end.

The engine answers with ranked hits (`types.Hit`); a card also shows a phone to call, the
address, languages and cost, read here for the page's hits only in a few queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonweal.directory import language_names
from commonweal.directory.models import Address, Phone, Service, ServiceAtLocation
from commonweal.directory.search.request_form import (
    KM_PER_MILE,
    at_page,
    to_query,
    without_filters,
)
from commonweal.directory.search.types import (
    DEFAULT_PER_PAGE,
    CrisisLevel,
    Hit,
    SearchRequest,
    SearchResponse,
)
from commonweal.programs import next_session

# Fewer results than this also show the ways to widen the search, 211 and crisis lines.
FEW_RESULTS = 3
COST_WORDS = 12


@dataclass(frozen=True)
class ResultCard:
    """One result: the engine's hit plus what a person needs to act on it.

    Names `service`, `phone` and `address` match `browse.ServiceSummary`, so the shared
    `_service_card.html` shows either."""

    hit: Hit
    service: Service
    phone: Phone | None
    address: Address | None
    languages: tuple[str, ...]
    cost: str
    # The next meeting of a linked programme / visit of a linked mobile route, if any.
    next_up: next_session.NextUp | None = None

    @property
    def why(self) -> str:
        return " · ".join(self.hit.why)

    @property
    def distance_miles(self) -> float | None:
        km = self.hit.distance_km
        return None if km is None else km / KM_PER_MILE


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class ResultsPage:
    response: SearchResponse
    cards: list[ResultCard]
    num_pages: int
    previous_url: str = ""
    next_url: str = ""
    suggestions: list[Link] = field(default_factory=list)
    clear_filters_url: str = ""
    share_url: str = ""

    @property
    def few(self) -> bool:
        return self.response.total < FEW_RESULTS

    @property
    def emergency(self) -> bool:
        return self.response.crisis == CrisisLevel.EMERGENCY

    @property
    def crisis_topic(self) -> bool:
        return self.response.crisis == CrisisLevel.TOPIC

    @property
    def radius_miles(self) -> float | None:
        km = self.response.interpretation.radius_km
        if km is None:
            return None
        # 16 km reads "10 miles", not "9.9 miles"; short distances keep a decimal.
        miles = km / KM_PER_MILE
        return float(round(miles)) if miles >= 2 else round(miles, 1)

    @property
    def radius_label(self) -> str:
        """ "(within 10 miles)", "(within 1 mile)": the distance the results were cut at."""
        miles = self.radius_miles
        if miles is None:
            return ""
        return ngettext("(within %(miles)s mile)", "(within %(miles)s miles)", _plural(miles)) % {
            "miles": floatformat(miles, "-1")
        }

    @property
    def showing_words(self) -> str:
        return " ".join(self.response.interpretation.terms)


def _plural(amount: float) -> int:
    # ngettext picks a form by a whole number: exactly one is singular, 0.5 is not.
    return 1 if amount == 1 else 2


def search_url(request: SearchRequest) -> str:
    query = to_query(request)
    base = reverse("directory:search")
    return f"{base}?{query}" if query else base


def last_page(response: SearchResponse) -> int:
    """The number of the last page of results (1 when there are none)."""
    return max(1, -(-response.total // max(response.request.per_page, 1)))


def build(response: SearchResponse) -> ResultsPage:
    request = response.request
    num_pages = last_page(response)
    page = response.page
    has_filters = without_filters(request) != replace(request, page=1, per_page=DEFAULT_PER_PAGE)
    return ResultsPage(
        response=response,
        cards=cards(response.hits, near=searcher_point(response)),
        num_pages=num_pages,
        previous_url=search_url(at_page(request, page - 1)) if page > 1 else "",
        next_url=search_url(at_page(request, page + 1)) if page < num_pages else "",
        suggestions=[Link(s.label, search_url(s.request)) for s in response.suggestions],
        clear_filters_url=search_url(without_filters(request)) if has_filters else "",
        share_url=search_url(request),
    )


def searcher_point(response: SearchResponse) -> tuple[float, float] | None:
    """Where the person searched from, if they said: "next stop near you" is measured from it."""
    place = response.interpretation.place
    return None if place is None else (place.lat, place.lon)


def cards(hits: Iterable[Hit], *, near: tuple[float, float] | None = None) -> list[ResultCard]:
    """Cards for the hits, in the engine's order, with a few queries for all of them."""
    hits = list(hits)
    upcoming = next_session.for_services(
        [h.service_id for h in hits], now=timezone.now(), near=near
    )
    services = {
        s.id: s
        for s in Service.objects.filter(id__in=[h.service_id for h in hits])
        .select_related("organization")
        .prefetch_related(
            "phones",
            "languages",
            "cost_options",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "location__addresses", "location__phones"
                ),
            ),
        )
    }
    result = []
    for hit in hits:
        service = services.get(hit.service_id)
        if service is None:  # deleted between ranking and reading: drop, never fail
            continue
        phone, address = _contact(service, hit.service_at_location_id)
        result.append(
            ResultCard(
                hit=hit,
                service=service,
                phone=phone,
                address=address,
                languages=_languages(service),
                cost=_cost(service),
                next_up=upcoming.get(service.id),
            )
        )
    return result


def _contact(service: Service, sal_id: uuid.UUID | None) -> tuple[Phone | None, Address | None]:
    """The phone and address of the location the engine chose (its nearest), else any."""
    sals = sorted(service.service_at_locations.all(), key=lambda sal: sal.id != sal_id)
    phones = list(service.phones.all())
    address = None
    for sal in sals:
        phones.extend(sal.location.phones.all())
        if address is None:
            addresses = sorted(
                sal.location.addresses.all(), key=lambda a: a.address_type != "physical"
            )
            address = addresses[0] if addresses else None
    return (phones[0] if phones else None), address


def _languages(service: Service) -> tuple[str, ...]:
    names = {
        language_names.display_name(name=lang.name, code=lang.code)
        for lang in service.languages.all()
    } - {""}
    return tuple(sorted(names))


def _cost(service: Service) -> str:
    options = list(service.cost_options.all())
    if any(
        (o.amount is not None and o.amount == 0) or o.option.strip().lower() == "free"
        for o in options
    ):
        return _("Free")
    text = " ".join((service.fees_description or service.fees or "").split())
    return Truncator(text).words(COST_WORDS) if text else ""
