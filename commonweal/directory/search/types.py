"""What a search asks and what it answers: the contract between the engine, pages and API.

The engine (`commonweal.directory.search.engine.search`) takes a `SearchRequest` and returns a
`SearchResponse`; the resident pages, `/api/v1/search` and the HSDA endpoints only turn
their parameters into a request and a response into HTML or JSON.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


class CrisisLevel(StrEnum):
    """How strongly a query signals danger (rule in docs/search.md, lexicon in data).

    NONE: no crisis words. TOPIC: crisis words about a subject, not a person in danger
    ("suicide prevention training volunteer"): crisis lines are shown, results stay on top.
    EMERGENCY: a person signals danger to themselves or others now ("I want to kill
    myself", "overdosed"): the crisis takeover is shown above the results.
    """

    NONE = "none"
    TOPIC = "topic"
    EMERGENCY = "emergency"


class Delivery(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    near: str = ""  # ZIP code, place name or address the bundled gazetteer can place
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None  # None: the engine's default for the place kind
    categories: tuple[str, ...] = ()  # taxonomy term ids or codes; a term includes its children
    open_now: bool = False
    open_at: dt.datetime | None = None  # naive local date-time, read in each service's zone
    languages: tuple[str, ...] = ()  # ISO 639-1
    free: bool = False  # free or sliding-scale cost
    eligibility: tuple[str, ...] = ()  # keys of directory.search.filters.ELIGIBILITY
    age: int | None = None
    accessible: bool = False  # wheelchair / disability access at the location
    delivery: tuple[Delivery, ...] = ()
    accepting_new_clients: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass(frozen=True)
class Place:
    label: str  # what to show: "33130", "Miami, FL", "your location"
    lat: float
    lon: float
    kind: str  # "zip" | "city" | "address" | "coordinates"


@dataclass(frozen=True)
class CategoryMatch:
    id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True)
class Interpretation:
    """How the engine read the query, shown to the user and returned by the API."""

    categories: tuple[CategoryMatch, ...] = ()
    place: Place | None = None
    radius_km: float | None = None
    terms: tuple[str, ...] = ()  # the words searched after spelling correction
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, read as)
    languages: tuple[str, ...] = ()  # languages asked for in the query ("speaks Vietnamese")
    messages: tuple[str, ...] = ()  # e.g. "We could not find the place '99999'."


@dataclass(frozen=True)
class Hit:
    service_id: uuid.UUID
    service_at_location_id: uuid.UUID | None
    name: str
    organization_id: uuid.UUID
    organization_name: str
    distance_km: float | None
    open_now: bool | None  # None: no schedule to say
    why: tuple[str, ...]  # translated, e.g. ("matches: food pantry", "1.2 mi", "open until 5 pm")
    score: float


@dataclass(frozen=True)
class Suggestion:
    """A way out of an empty or thin result list: widen the radius, a related category…"""

    label: str
    request: SearchRequest


@dataclass(frozen=True)
class SearchResponse:
    request: SearchRequest
    crisis: CrisisLevel
    interpretation: Interpretation
    total: int
    page: int
    hits: tuple[Hit, ...]
    suggestions: tuple[Suggestion, ...] = field(default=())
