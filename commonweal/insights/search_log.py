"""The anonymous search log: one row per search, with nothing that could point to a person.

Every resident or navigator search (the search page and `GET /api/v1/search`) calls
`record(response, channel=...)` once. The row holds the local day, the area (a ZIP code or
a gazetteer place name — coordinates become the nearest ZIP code's, and are then
forgotten), the taxonomy codes the query was read as, which filters were used (names, not
values), the number of results and the crisis level. Never the words typed (free text can
hold a name or a crisis disclosure), the time of day, a user, a session or an address.

The write is one INSERT, and it can never break a search: any error is logged (without
data) and swallowed. A search counts once, on its first page: later pages are the same
search, and a search-as-you-type step of the page is not one (`settled`). `purge`
removes rows older than KEEP_DAYS (called by the daily retention job).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import math
import uuid
from collections.abc import Mapping
from urllib.parse import urlsplit

import numpy as np
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone

from commonweal.directory.search.types import SearchRequest, SearchResponse
from commonweal.insights.areas import nearest_zips
from commonweal.insights.models import SearchEvent

logger = logging.getLogger(__name__)

# Five years: the reach of the quarters analysts may choose (insights/periods.HISTORY), and
# enough seasons for early warning's baseline. The rows hold no person data.
KEEP_DAYS = 5 * 366
# A point farther than this from every ZIP code's internal point is outside the ZIP
# file's country: no area rather than a wrong one.
NEAREST_ZIP_KM = 25.0
CHANNELS = ("page", "api")
REPEAT_SECONDS = 3


def filters_used(request: SearchRequest) -> list[str]:
    """The names of the filters a request used — never their values (an age, a language)."""
    used = {
        "category": bool(request.categories),
        "open_now": request.open_now,
        "open_at": request.open_at is not None,
        "language": bool(request.languages),
        "free": request.free,
        "eligibility": bool(request.eligibility),
        "age": request.age is not None,
        "accessible": request.accessible,
        "delivery": bool(request.delivery),
        "accepting_new_clients": request.accepting_new_clients,
        "radius": request.radius_km is not None,
    }
    return [name for name, on in used.items() if on]


def nearest_zip(lat: float, lon: float) -> str:
    """The ZIP code whose internal point is nearest (great circle), or "" if none is near."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return ""
    codes, km = nearest_zips(np.array([lat]), np.array([lon]))
    return str(codes[0]) if km[0] <= NEAREST_ZIP_KM else ""


def area_of(response: SearchResponse) -> tuple[str, str]:
    """(kind, area) of the place a search was about: ("zip", "33130"), ("place", "Hialeah,
    FL") or ("", "") — never the coordinates or the words typed."""
    place = response.interpretation.place
    if place is None:
        return "", ""
    if place.kind == "zip":
        return "zip", place.label[:5]
    if place.kind in ("city", "neighborhood"):
        # The gazetteer's (or the directory's) own name for the place, not the user's text.
        return "place", place.label[:80]
    code = nearest_zip(place.lat, place.lon)
    return ("zip", code) if code else ("", "")


def categories_of(response: SearchResponse) -> list[str]:
    """The taxonomy codes the query was read as, then the category filter's known codes."""
    codes = [match.code for match in response.interpretation.categories if match.code]
    chosen = [value.strip() for value in response.request.categories if value.strip()]
    if chosen:
        from commonweal.directory.search import categories

        known = categories.tree().by_code
        for value in chosen:
            # Only a code the taxonomy knows: the API takes any text here, which could
            # be anything a caller typed. An id is a term too, but costs a lookup.
            if value in known and not _is_uuid(value):
                codes.append(value)
    return list(dict.fromkeys(codes))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def event_for(response: SearchResponse, *, channel: str, now: dt.datetime) -> SearchEvent:
    """The row a search response is logged as (not saved)."""
    kind, area = area_of(response)
    return SearchEvent(
        day=timezone.localdate(now),
        area_kind=kind,
        area=area,
        categories=categories_of(response),
        filters=filters_used(response.request),
        results=max(0, int(response.total)),
        crisis=str(response.crisis.value),
        channel=channel if channel in CHANNELS else "page",
    )


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def is_typing(headers: Mapping[str, str], q: str) -> bool:
    """Whether an htmx request of the search page is a search-as-you-type step: its words
    differ from those of the page it updates (`HX-Current-URL`). The page searches after
    each pause in typing, so "f", "fo", "foo" would each count — mostly with no result —
    before "food" (see `settled` for when such a search does count)."""
    if not headers.get("HX-Request") or headers.get("HX-History-Restore-Request"):
        return False
    current = urlsplit(headers.get("HX-Current-URL", ""))
    return _words(QueryDict(current.query).get("q", "")) != _words(q)


def _first_time(kind: str, request: SearchRequest) -> bool:
    """Whether this search is new to this process's cache under `kind` (for REPEAT_SECONDS).

    Only a one-way hash of the search is held, in memory, for seconds; nothing about who
    searched. Two people making the very same search in the same seconds may count once:
    rare, and an undercount, never an invented search."""
    digest = hashlib.sha256(repr(dataclasses.replace(request, page=1)).encode()).hexdigest()
    return bool(django_cache.add(f"search_log:{kind}:{digest}", 1, timeout=REPEAT_SECONDS))


def settled(headers: Mapping[str, str], request: SearchRequest) -> bool:
    """Whether a search-page request is a search to count, and the first to count it.

    Without JavaScript every search is. With it (htmx), the page searches after each pause
    in typing, and Enter sends two requests ("change" and "submit"). A request whose words
    differ from the page's (`is_typing`) counts only when the same request comes twice in
    a moment — Enter, typed before the page caught up; a request with the page's words
    (Enter or leaving the box after the page caught up, a filter changed) counts once."""
    if not headers.get("HX-Request") or headers.get("HX-History-Restore-Request"):
        return True
    if is_typing(headers, request.q) and _first_time("seen", request):
        return False
    return _first_time("logged", request)


def record(
    response: SearchResponse, *, channel: str, headers: Mapping[str, str] | None = None
) -> None:
    """Log one search. Never raises: a search must not fail because its log could not.

    `headers`: the search page's request headers, so that search-as-you-type steps and
    the repeats of a settled search are not counted (`settled`)."""
    try:
        if response.request.page != 1:
            return
        # Inside the guard: the headers are the client's, and may be anything.
        if headers is not None and not settled(headers, response.request):
            return
        event = event_for(response, channel=channel, now=timezone.now())
        if connection.in_atomic_block:
            # Inside a caller's transaction a failed INSERT would spoil it (PostgreSQL):
            # a savepoint keeps the failure to this row.
            with transaction.atomic():
                event.save(force_insert=True)
        elif connection.vendor == "postgresql":
            # Not waiting for the WAL flush: p50 3.6 ms → well under 1 ms. A crash may lose
            # the last fraction of a second of log rows, never a search or other data.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                event.save(force_insert=True)
        else:
            event.save(force_insert=True)
    except Exception:
        # No data in the message: the event itself is about a search.
        logger.warning("a search could not be logged", exc_info=False)


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete search log rows older than KEEP_DAYS; returns how many went."""
    cutoff = timezone.localdate(now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    deleted, _ = SearchEvent.objects.filter(day__lt=cutoff).delete()
    return deleted


def weekly_crisis_searches(
    start: dt.date, end: dt.date, *, levels: tuple[str, ...] = ("emergency",)
) -> dict[tuple[dt.date, str], int]:
    """Crisis-flagged searches per (week's Monday, area) for days `start` to `end`: the
    series early warning watches. "emergency" is a person signalling danger now; add
    "topic" to count searches about crisis subjects too (search.types.CrisisLevel)."""
    counts: dict[tuple[dt.date, str], int] = {}
    rows = (
        SearchEvent.objects.filter(day__gte=start, day__lte=end, crisis__in=levels)
        .values_list("day", "area")
        .annotate(n=Count("id"))
        .order_by()
    )
    for day, area, n in rows:
        key = (day - dt.timedelta(days=day.weekday()), area)
        counts[key] = counts.get(key, 0) + n
    return counts
