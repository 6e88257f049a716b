"""The search engine: `search(SearchRequest) -> SearchResponse`.

1. Read the request: crisis level, place (typed in the query or given), radius, the need
   (`query.parse`: vocabulary categories, corrected words, languages).
2. Candidates, in the database, each source capped at CANDIDATE_LIMIT rows: the best text
   matches (FTS5 bm25 / ts_rank) and the services in the need's categories, both among
   active services' locations that pass the request's filters and the bounding box.
3. In Python over that bounded set: exact distance (one result per service, its nearest
   location), opening hours when asked, language preference, then `ranking.order`.
4. The page's hits with their `why` ("matches: Food Pantry", "1.2 mi", "Open until 5 pm",
   "Spanish", "free") in a few queries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import DatabaseError
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import db_router
from commonweal.directory.language_names import display_name, english_name
from commonweal.directory.models import (
    Address,
    Attribute,
    Language,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from commonweal.directory.search import (
    categories,
    explain,
    filters,
    index,
    opening,
    places,
    ranking,
)
from commonweal.directory.search.query import ParsedQuery, parse
from commonweal.directory.search.text import STOP_WORDS, stems, truncate_query, words
from commonweal.directory.search.types import (
    MAX_PER_PAGE,
    CategoryMatch,
    CrisisLevel,
    Hit,
    Interpretation,
    Place,
    SearchRequest,
    SearchResponse,
)
from commonweal.directory.search.vocabulary import vocabulary
from commonweal.lib.crisis import crisis_level as lexicon_crisis_level
from commonweal.lib.crisis import emergency_service_codes

logger = logging.getLogger(__name__)

CANDIDATE_LIMIT = 500
NARROWER_TERM_WEIGHT = 0.7
SITUATION_NEED_WEIGHT = 0.5
SYNONYM_PHRASES = 6  # per vocabulary entry the query meets (its English phrases come first)
MAX_SYNONYM_PHRASES = 16
SYNONYM_TEXT_FACTOR = 0.3
WIDEN_BELOW = 3  # fewer results than this within the usual distance: look further
SITUATION_CODES_FROM = 20000  # Open Eligibility situation ids are 20000 and up
# One need read from the query: taxonomy term id → how well it meets the need, and the
# need's main terms (for the interpretation and suggestions).
Need = tuple[dict[uuid.UUID, float], list[TaxonomyTerm]]
MAX_RADIUS_KM = 500.0
MAX_PAGE = 1000


MAX_CRISIS_CHARS = 20_000  # read for crisis words (the lexicon scan is linear and cheap)


def crisis_level(text: str) -> CrisisLevel:
    return CrisisLevel(lexicon_crisis_level((text or "")[:MAX_CRISIS_CHARS]))


# --- reading the request ------------------------------------------------------------------


def _sane(request: SearchRequest) -> tuple[SearchRequest, list[str]]:
    """The request with out-of-range values replaced by sane ones, and what was changed."""
    messages: list[str] = []
    changes: dict[str, object] = {}
    q = truncate_query(request.q)
    if q != request.q:
        changes["q"] = q
        if len(request.q) > len(q) + 1:
            messages.append(_("Your search was long, so only its beginning was used."))
    page = request.page if isinstance(request.page, int) else 1
    page = min(max(page, 1), MAX_PAGE)
    per_page = request.per_page if isinstance(request.per_page, int) else 20
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    if page != request.page:
        changes["page"] = page
    if per_page != request.per_page:
        changes["per_page"] = per_page
    radius = request.radius_km
    if radius is not None and (not math.isfinite(radius) or radius <= 0):
        changes["radius_km"] = None
        messages.append(_("The distance must be more than zero, so the usual distance was used."))
    elif radius is not None and radius > MAX_RADIUS_KM:
        changes["radius_km"] = MAX_RADIUS_KM
    for name in ("lat", "lon"):
        value = getattr(request, name)
        if value is not None and not math.isfinite(value):
            changes[name] = None
    return (dataclasses.replace(request, **changes) if changes else request), messages


def _synonyms(parsed: ParsedQuery) -> list[tuple[tuple[str, ...], ...]]:
    """The vocabulary phrases that mean the same as the query's phrases, English first,
    searched as text too, each as a whole phrase (all its words): a Spanish query ("clases
    de inglés") then meets English descriptions ("English classes"), and a service with
    no category still ranks by the words that describe its need."""
    common = vocabulary().common_words
    typed = {s for group in parsed.stem_groups for s in group}
    phrases: list[tuple[tuple[str, ...], ...]] = []
    for match in parsed.phrases:
        for phrase in match.entry.phrases[:SYNONYM_PHRASES]:
            # "free" in "free groceries" alone would find free legal aid.
            content = [w for w in words(phrase) if w not in STOP_WORDS and w not in common]
            groups = tuple(stems(w) for w in content)
            if not groups or all(typed.intersection(g) for g in groups):
                continue  # nothing the query's own words do not already search
            if groups not in phrases:
                phrases.append(groups)
    return phrases[:MAX_SYNONYM_PHRASES]


def _need_terms(parsed: ParsedQuery, crisis_codes: tuple[str, ...] = ()) -> list[Need]:
    """Per vocabulary need found in the query: the ids of its terms with all their
    descendants (a code stands for every term of that name) with how well each meets the
    need, and its main terms. `crisis_codes` (help for an emergency the text signals,
    from the crisis lexicon) come first as one more need: "I want to die" names no
    service, yet crisis services are what the person needs."""
    if not parsed.phrases and not crisis_codes:
        return []
    taxonomy = categories.tree()
    # Phrases over the same words are alternatives of one need ("médico": Health or
    # Medical Care); different words are different needs ("dentist" + "veterans").
    spans: dict[tuple[int, int], list[str]] = {}
    if crisis_codes:
        spans[(-1, -1)] = list(crisis_codes)
    for match in parsed.phrases:
        codes = spans.setdefault((match.start, match.end), [])
        codes.extend(c for c in match.entry.codes if c not in codes)
    needs: list[Need] = []
    seen: set[frozenset[str]] = set()
    for codes in spans.values():
        if frozenset(codes) in seen:
            continue
        seen.add(frozenset(codes))
        main = [t for code in codes for t in taxonomy.by_code.get(code, ())]
        if not main:
            continue
        same_name = [
            t for name in dict.fromkeys(m.name for m in main) for t in taxonomy.by_name[name]
        ]
        # The named terms meet the need fully; their narrower terms a little less (a
        # utilities programme is filed under "Help Pay for Housing" but is not rent help).
        weights = dict.fromkeys(taxonomy.descendants(t.pk for t in same_name), NARROWER_TERM_WEIGHT)
        weights.update(dict.fromkeys((t.pk for t in same_name), 1.0))
        needs.append((weights, main))
    return needs


# --- candidates ----------------------------------------------------------------------------


def _rows(request: SearchRequest, place: Place | None, radius_km: float) -> QuerySet:
    rows = ServiceAtLocation.objects.filter(service__status="active")
    rows = filters.apply(rows, request)
    if place is not None:
        min_lat, max_lat, min_lon, max_lon = places.bounding_box(place.lat, place.lon, radius_km)
        rows = rows.filter(
            location__latitude__gte=min_lat,
            location__latitude__lte=max_lat,
            location__longitude__gte=min_lon,
            location__longitude__lte=max_lon,
        )
    return rows


def _nearest_first(rows: QuerySet, place: Place | None) -> QuerySet:
    """`rows` nearest first (a flat-earth distance, enough to choose which to keep), so
    that a capped list by category keeps the services the ranking puts first (distance
    decides inside a tier); without a place, as they come."""
    if place is None:
        return rows
    squeeze = math.cos(math.radians(place.lat))
    d_lat = F("location__latitude") - place.lat
    d_lon = (F("location__longitude") - place.lon) * squeeze
    return rows.annotate(cw_near=d_lat * d_lat + d_lon * d_lon).order_by("cw_near", "pk")


def _candidates(
    rows: QuerySet,
    stem_groups: tuple[tuple[str, ...], ...],
    synonym_phrases: tuple[tuple[tuple[str, ...], ...], ...],
    need_ids: list[uuid.UUID],
    *,
    browse: bool,
    place: Place | None,
    radius_km: float,
    one_per_service: bool = True,
    unplaced: QuerySet | None = None,
    narrow: bool = True,
) -> dict[uuid.UUID, ranking.Candidate]:
    """One candidate per service: its nearest location (or any, without a place); with
    `one_per_service` false, one per service-at-location (HSDA's listing of those).
    `narrow` false: nearly every location passes `rows` (no place, no filter)."""
    found: list[tuple] = []
    text_score: dict[uuid.UUID, float] = defaultdict(float)
    # The query's own words, then the vocabulary's synonyms at a fraction of the weight:
    # a synonym is a weaker sign than the word the person typed.
    synonyms = index.phrases_expression(synonym_phrases)
    expressions = ((index.match_expression(stem_groups), 1.0), (synonyms, SYNONYM_TEXT_FACTOR))
    # Per expression, a service's best location's score.
    scored: dict[uuid.UUID, list[float]] = {}
    for *row, scores in index.weighted_text_candidates(
        rows, CANDIDATE_LIMIT, [e for e in expressions if e[0]], narrow=narrow
    ):
        service_id = row[1]
        found.append(tuple(row))
        best = scored.setdefault(service_id, [0.0] * len(scores))
        scored[service_id] = [max(a, b) for a, b in zip(best, scores, strict=True)]
    weights = [factor for e, factor in expressions if e]
    for service_id, scores in scored.items():
        text_score[service_id] += sum(w * x for w, x in zip(weights, scores, strict=True))
    # The name too (for the ranking's last tie-break): the rows join the service already.
    columns = (
        "id",
        "service_id",
        "location_id",
        "location__latitude",
        "location__longitude",
        "service__name",
    )
    if need_ids:
        tagged = Attribute.objects.filter(
            link_entity="service", taxonomy_term_id__in=need_ids
        ).values("link_id")
        if narrow:
            found.extend(
                _nearest_first(rows.filter(service_id__in=tagged), place).values_list(*columns)[
                    :CANDIDATE_LIMIT
                ]
            )
        else:
            found.extend(_tagged_first(rows, tagged, columns))
    if browse:
        found.extend(_nearest_first(rows, place).values_list(*columns)[:CANDIDATE_LIMIT])
    if unplaced is not None:
        # Services with no location at all (a hotline, an online programme): found by
        # words and categories when nothing about a place or a filter could apply.
        for expression, factor in ((None, 1.0), (synonyms, SYNONYM_TEXT_FACTOR)):
            if expression == "":
                continue
            for service_id, score in index.text_candidates_without_location(
                stem_groups, unplaced, CANDIDATE_LIMIT, expression=expression
            ):
                found.append((None, service_id, None, None, None, None))
                text_score[service_id] += factor * score
        if need_ids:
            found.extend(
                (None, service_id, None, None, None, None)
                for service_id in unplaced.filter(id__in=tagged).values_list("id", flat=True)[
                    :CANDIDATE_LIMIT
                ]
            )
    best: dict[uuid.UUID, ranking.Candidate] = {}
    for sal_id, service_id, location_id, lat, lon, name in found:
        distance = None
        if place is not None:
            if lat is None or lon is None:
                continue
            distance = places.distance_km(place.lat, place.lon, lat, lon)
            if distance > radius_km:
                continue
        key = service_id if one_per_service or sal_id is None else sal_id
        current = best.get(key)
        if current is not None:
            if distance is not None and current.distance_km is not None:
                if current.distance_km <= distance:
                    continue  # one result per service: its nearest location
            elif sal_id is None or str(current.service_at_location_id) <= str(sal_id):
                continue  # without a place, any location; the same one every time
        best[key] = ranking.Candidate(
            service_id=service_id,
            service_at_location_id=sal_id,
            location_id=location_id,
            distance_km=distance,
            text_score=text_score.get(service_id, 0.0),
            name=name or "",
        )
    return best


def _tagged_first(rows: QuerySet, tagged: QuerySet, columns: tuple[str, ...]) -> list[tuple]:
    """Up to CANDIDATE_LIMIT of `rows` whose service is in `tagged` (a need's categories),
    when nearly every location passes `rows`: the services are read from the category
    index first and only theirs looked up, where one statement with a LIMIT led
    PostgreSQL to walk every category row of every service (0.6 s at 100,000 services)
    in search of the first 500 that match. A large category's services are kept in
    id order: any would do, but every process (every page of one search) must keep the
    same ones."""
    fetch = CANDIDATE_LIMIT
    while True:
        links = list(tagged.order_by("link_id").values_list("link_id", flat=True)[:fetch])
        position = {service_id: k for k, service_id in enumerate(dict.fromkeys(links))}
        found = sorted(
            rows.filter(service_id__in=list(position)).values_list(*columns),
            key=lambda row: (position[row[1]], str(row[0])),
        )
        if len(found) >= CANDIDATE_LIMIT or len(links) < fetch:
            return found[:CANDIDATE_LIMIT]
        fetch *= 4  # many of those services were not in `rows` (inactive): read more


def _unplaced(plan: _Plan) -> QuerySet | None:
    """Active services with no location, when the request leaves room for them: no
    place, no filter (filters and distance are about locations)."""
    if plan.place is not None or plan.browse or _has_filters(plan.request):
        return None
    # Kept by the index (finding them compares every service with every location): with
    # none, as in most directories, no query is spent on them.
    ids = index.unplaced_services()
    if not ids:
        return None
    return Service.objects.filter(status="active", id__in=ids)


def _has_filters(request: SearchRequest) -> bool:
    return bool(filters.conditions(request)) or request.open_now or bool(request.open_at)


def _schedules(
    candidates: Iterable[ranking.Candidate],
) -> dict[tuple[uuid.UUID, uuid.UUID | None], tuple[list[Schedule], str | None]]:
    """Per (service, service-at-location): the schedule rows that say when its location is open (the
    service-at-location's own rows, else the service's, else the location's) and the
    location's state (for its time zone)."""
    candidates = list(candidates)
    if not candidates:
        return {}
    sal_ids = [c.service_at_location_id for c in candidates if c.service_at_location_id]
    service_ids = [c.service_id for c in candidates]
    location_ids = [c.location_id for c in candidates if c.location_id]
    rows = Schedule.objects.filter(
        Q(service_at_location_id__in=sal_ids)
        | Q(service_id__in=service_ids)
        | Q(location_id__in=location_ids)
    )
    by_sal: dict[uuid.UUID, list[Schedule]] = defaultdict(list)
    by_service: dict[uuid.UUID, list[Schedule]] = defaultdict(list)
    by_location: dict[uuid.UUID, list[Schedule]] = defaultdict(list)
    for row in rows:
        if row.service_at_location_id is not None:
            by_sal[row.service_at_location_id].append(row)
        elif row.service_id is not None:
            by_service[row.service_id].append(row)
        elif row.location_id is not None:
            by_location[row.location_id].append(row)
    states = dict(
        Address.objects.filter(location_id__in=location_ids)
        .exclude(state_province="")
        .values_list("location_id", "state_province")
    )
    return {
        (c.service_id, c.service_at_location_id): (
            by_sal.get(c.service_at_location_id)
            or by_service.get(c.service_id)
            or by_location.get(c.location_id)
            or [],
            states.get(c.location_id),
        )
        for c in candidates
    }


def _open_filter(
    candidates: dict[uuid.UUID, ranking.Candidate], request: SearchRequest, now: dt.datetime
) -> dict[uuid.UUID, ranking.Candidate]:
    """Only the candidates known to be open now / at the asked time."""
    if not (request.open_now or request.open_at):
        return candidates
    hours = _schedules(candidates.values())
    kept: dict[uuid.UUID, ranking.Candidate] = {}
    for key, candidate in candidates.items():
        rows, state = hours.get(
            (candidate.service_id, candidate.service_at_location_id), ([], None)
        )
        zone = opening.zone_for_state(state)
        if request.open_at is not None:
            local = request.open_at.replace(tzinfo=None)
            is_open = opening.is_open_at(rows, local, zone=zone)
        else:
            is_open = opening.is_open(rows, now, zone=zone)
        if is_open:
            kept[key] = candidate
    return kept


# --- the search -----------------------------------------------------------------------------


@dataclasses.dataclass
class _Plan:
    """What the engine made of a request, before looking for services."""

    request: SearchRequest
    crisis: CrisisLevel
    place: Place | None
    radius_km: float
    parsed: ParsedQuery
    needs: list[Need]
    languages: tuple[str, ...]
    browse: bool  # no words: list what the place and filters allow
    interpretation: Interpretation
    synonyms: tuple[tuple[tuple[str, ...], ...], ...] = ()  # the vocabulary's synonym phrases

    @property
    def need_ids(self) -> list[uuid.UUID]:
        return sorted({i for ids, _terms in self.needs for i in ids}, key=str)

    @property
    def searchable(self) -> bool:
        return bool(self.parsed.words) or self.browse


def _plan(request: SearchRequest) -> _Plan:
    # Documents changed since the last search are rebuilt first (normally none: one query).
    try:
        index.refresh()
    except DatabaseError:
        # Another writer holds the database (a long import on SQLite): search the index
        # as it is rather than fail; the marks stay for the next search.
        logger.warning("search index refresh postponed: the database is busy")
    # Crisis words are looked for in the whole text, not only the part searched: "I need
    # food … (a long story) … I want to die" must still put crisis help first.
    crisis = crisis_level(request.q)
    request, messages = _sane(request)
    need_text, place_text = places.extract_place(request.q) if request.q.strip() else ("", "")
    near = request.near.strip() or place_text
    place: Place | None = None
    if near or request.lat is not None or request.lon is not None:
        place, message = places.resolve(near, request.lat, request.lon)
        if message:
            messages.append(message)
    radius_km = request.radius_km or places.default_radius_km(place)
    parsed = parse(need_text)
    crisis_codes = emergency_service_codes(request.q) if crisis == CrisisLevel.EMERGENCY else ()
    needs = _need_terms(parsed, crisis_codes)
    browse = not parsed.words and (place is not None or _has_filters(request))
    if request.categories and (unknown := filters.unknown_categories(request.categories)):
        messages.append(_("We do not know the category “%(category)s”.") % {"category": unknown[0]})
    if not parsed.words and not browse and not request.q.strip() and not near:
        messages.append(_("Type what you need, or a place, to see services."))
    languages = tuple(dict.fromkeys(parsed.languages))
    interpretation = Interpretation(
        categories=tuple(
            CategoryMatch(id=terms[0].pk, code=terms[0].code, name=terms[0].name)
            for _ids, terms in needs
        ),
        place=place,
        radius_km=radius_km if place is not None else None,
        terms=parsed.words,
        corrections=parsed.corrections,
        languages=languages,
        messages=tuple(messages),
    )
    return _Plan(
        synonyms=tuple(_synonyms(parsed)),
        request=request,
        crisis=crisis,
        place=place,
        radius_km=radius_km,
        parsed=parsed,
        needs=needs,
        languages=languages,
        browse=browse,
        interpretation=interpretation,
    )


def _rank(
    plan: _Plan, now: dt.datetime, *, extra: Q | None = None, one_per_service: bool = True
) -> list[ranking.Candidate]:
    """Every candidate, best first (bounded by CANDIDATE_LIMIT per source)."""
    if not plan.searchable:
        return []
    rows = _rows(plan.request, plan.place, plan.radius_km)
    if extra is not None:
        rows = rows.filter(extra)
    candidates = _candidates(
        rows,
        plan.parsed.stem_groups,
        plan.synonyms,
        plan.need_ids,
        browse=plan.browse,
        place=plan.place,
        radius_km=plan.radius_km,
        one_per_service=one_per_service,
        # HSDA's own filters are conditions on locations, as the request's are.
        unplaced=_unplaced(plan) if one_per_service and not extra else None,
        narrow=plan.place is not None or extra is not None or filters.any_set(plan.request),
    )
    candidates = _open_filter(candidates, plan.request, now)
    ids = list({c.service_id for c in candidates.values()})
    met: dict[uuid.UUID, dict[int, float]] = defaultdict(dict)
    filed: dict[uuid.UUID, int] = {}
    if plan.needs and ids:
        # How many categories each candidate is filed under, counted by the database, and
        # only the categories that meet a need read row by row (index-only scans of
        # attribute(link_entity, link_id, taxonomy_term_id)): a thousand candidates are
        # filed under some twenty thousand categories, each row two ids to read.
        service_tags = Attribute.objects.filter(link_entity="service", link_id__in=ids)
        filed = dict(
            service_tags.order_by()
            .values("link_id")
            .annotate(n=Count("pk"))
            .values_list("link_id", "n")
        )
        need_ids = {term_id for weights, _terms in plan.needs for term_id in weights}
        for link_id, term_id in service_tags.filter(taxonomy_term_id__in=need_ids).values_list(
            "link_id", "taxonomy_term_id"
        ):
            for k, (weights, _terms) in enumerate(plan.needs):
                if term_id in weights:
                    met[link_id][k] = max(met[link_id].get(k, 0.0), weights[term_id])
    speaks = _speaking(candidates.values(), plan.languages) if plan.languages else set()
    # Names came with the candidates' rows; only services without a location lack one.
    unnamed = [c.service_id for c in candidates.values() if c.service_at_location_id is None]
    names = (
        dict(Service.objects.filter(id__in=unnamed).values_list("id", "name")) if unnamed else {}
    )
    need_weights = [_need_weight(terms) for _weights, terms in plan.needs]
    for candidate in candidates.values():
        found = met.get(candidate.service_id, {})
        candidate.needs_met = sum(need_weights[k] for k in found)
        candidate.exactness = sum(need_weights[k] * w for k, w in found.items())
        candidate.categories = filed.get(candidate.service_id, 0)
        candidate.language_match = candidate.service_id in speaks
        if candidate.service_id in names:
            candidate.name = names[candidate.service_id]
    return ranking.order(
        list(candidates.values()), needs=sum(need_weights), language_asked=bool(plan.languages)
    )


def _speaking(candidates: Iterable[ranking.Candidate], codes: tuple[str, ...]) -> set[uuid.UUID]:
    """The candidate services offered in one of these languages, by a language row on the
    service or on its location: two indexed lookups instead of the filter's five EXISTS
    per row (a preference needs no phone-by-phone precision)."""
    candidates = list(candidates)
    # Exact values (an index lookup), in the spellings sources use: "es", "ES", "Spanish".
    variants = {v for code in codes for v in (code, code.upper(), code.title())}
    names = {v for code in codes if (n := english_name(code)) for v in (n, n.lower(), n.upper())}
    spoken = Q(code__in=variants) | Q(name__in=names)
    service_ids = {c.service_id for c in candidates}
    found = set(
        Language.objects.filter(spoken, service_id__in=service_ids).values_list(
            "service_id", flat=True
        )
    )
    at = set(
        Language.objects.filter(
            spoken, location_id__in={c.location_id for c in candidates}
        ).values_list("location_id", flat=True)
    )
    found.update(c.service_id for c in candidates if c.location_id in at)
    return found


def _need_weight(terms: list[TaxonomyTerm]) -> float:
    """A need for *who* a service is for (only Open Eligibility situations, codes 2xxxx)
    weighs half a need for *what* it does: "albergue para familias" is first a shelter."""
    situation = all(t.code.isdigit() and int(t.code) >= SITUATION_CODES_FROM for t in terms)
    return SITUATION_NEED_WEIGHT if situation else 1.0


def ranked(
    request: SearchRequest, *, extra: Q | None = None, one_per_service: bool = True
) -> list[ranking.Candidate]:
    """The whole ranked list for a request (no page, no `why`), for the HSDA endpoints.
    `extra` narrows the service-at-location rows further (HSDA's own filters)."""
    return _rank(_plan(request), timezone.now(), extra=extra, one_per_service=one_per_service)


def _with_semantic_matches(
    plan: _Plan, ordered: list[ranking.Candidate], now: dt.datetime
) -> list[ranking.Candidate]:
    """The ranking fused with the semantic extra's (COMMONWEAL_SEMANTIC_SEARCH), which may
    bring services the words missed — held to the same place, radius and filters."""
    from commonweal.directory.search import semantic

    if not plan.parsed.words or not semantic.enabled():
        return ordered
    known = {c.service_id: c for c in ordered}
    added: dict[uuid.UUID, ranking.Candidate] = {}

    def admit(service_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        new_ids = [i for i in service_ids if i not in known]
        rows = _rows(plan.request, plan.place, plan.radius_km).filter(service_id__in=new_ids)
        found = _candidates(
            rows, (), (), [], browse=True, place=plan.place, radius_km=plan.radius_km
        )
        added.update(_open_filter(found, plan.request, now))
        return [*known, *added]

    fused = semantic.fuse_search(plan.request.q, list(known), admit=admit)
    return [known.get(i) or added[i] for i in fused if i in known or i in added]


@db_router.replica_reads()
def search(request: SearchRequest) -> SearchResponse:
    """Find services for a request. Never raises for bad input: what could not be used
    is said in `interpretation.messages`."""
    plan = _plan(request)
    request = plan.request
    now = timezone.now()
    ordered = _rank(plan, now)
    if (
        plan.place is not None
        and request.radius_km is None
        and len(ordered) < (WIDEN_BELOW if plan.parsed.words else 1)
    ):
        # No dead end: a need typed in words with the usual distance and (almost) nothing
        # in it looks further, and says so. A distance the person chose is kept (the page
        # suggests wider ones); a listing by category alone widens only when empty.
        for factor in (2, 4):
            wider = dataclasses.replace(plan, radius_km=plan.radius_km * factor)
            more = _rank(wider, now)
            if len(more) > len(ordered):
                message = _(
                    "Few services within %(near)s miles, so we looked up to %(far)s miles away."
                ) % {
                    "near": f"{plan.radius_km / explain.KM_PER_MILE:.0f}",
                    "far": f"{wider.radius_km / explain.KM_PER_MILE:.0f}",
                }
                interpretation = dataclasses.replace(
                    plan.interpretation,
                    radius_km=wider.radius_km,
                    messages=(*plan.interpretation.messages, message),
                )
                plan = dataclasses.replace(wider, interpretation=interpretation)
                ordered = more
            if len(ordered) >= WIDEN_BELOW:
                break
    ordered = _with_semantic_matches(plan, ordered, now)
    if ordered and plan.languages and not any(c.language_match for c in ordered):
        # No dead end for a language either: say so, and what the person can still do.
        names = ", ".join(display_name(name="", code=code) or code for code in plan.languages)
        message = _(
            "None of these services lists %(languages)s. Many can arrange an interpreter "
            "for free: ask for one when you call."
        ) % {"languages": names}
        plan = dataclasses.replace(
            plan,
            interpretation=dataclasses.replace(
                plan.interpretation, messages=(*plan.interpretation.messages, message)
            ),
        )
    total = len(ordered)
    start = (request.page - 1) * request.per_page
    page = ordered[start : start + request.per_page]
    hits = _hits(page, plan.parsed, plan.needs, plan.languages, now, request)
    return SearchResponse(
        request=request,
        crisis=plan.crisis,
        interpretation=plan.interpretation,
        total=total,
        page=request.page,
        hits=hits,
        suggestions=explain.suggestions(
            request,
            total=total,
            radius_km=plan.radius_km,
            has_place=plan.place is not None,
            terms=[t for _ids, ts in plan.needs for t in ts],
        ),
    )


def _hits(
    page: list[ranking.Candidate],
    parsed: ParsedQuery,
    needs: list[Need],
    languages: tuple[str, ...],
    now: dt.datetime,
    request: SearchRequest,
) -> tuple[Hit, ...]:
    if not page:
        return ()
    ids = [c.service_id for c in page]
    services = {
        s.pk: s
        for s in Service.objects.filter(id__in=ids)
        .select_related("organization")
        .only("id", "name", "description", "organization__id", "organization__name")
    }
    need_ids = {i for term_ids, _terms in needs for i in term_ids}
    categories: dict[uuid.UUID, list[str]] = defaultdict(list)
    for link_id, name in Attribute.objects.filter(
        link_entity="service", link_id__in=ids, taxonomy_term_id__in=need_ids
    ).values_list("link_id", "taxonomy_term__name"):
        if name not in categories[link_id]:
            categories[link_id].append(name)
    spoken: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    for service_id, name, code in Language.objects.filter(service_id__in=ids).values_list(
        "service_id", "name", "code"
    ):
        spoken[service_id].append((name, code))
    free = set(
        ServiceAtLocation.objects.filter(id__in=[c.service_at_location_id for c in page])
        .filter(filters.free_filter())
        .values_list("service_id", flat=True)
    )
    hours = _schedules(page)
    query_stems = {s for w in parsed.words for s in stems(w)}
    hits: list[Hit] = []
    for candidate in page:
        service = services.get(candidate.service_id)
        if service is None:
            continue
        why: list[str] = []
        if categories.get(service.pk):
            why.append(explain.matches_label(categories[service.pk][:2]))
        elif query_stems:
            matched = [
                w
                for w in dict.fromkeys(words(f"{service.name} {service.description}"))
                if query_stems.intersection(stems(w))
            ]
            if matched:
                why.append(explain.matches_label(matched[:3]))
        if candidate.distance_km is not None:
            why.append(explain.miles_label(candidate.distance_km))
        rows, state = hours.get(
            (candidate.service_id, candidate.service_at_location_id), ([], None)
        )
        state_now = opening.open_state(rows, now, zone=opening.zone_for_state(state))
        if state_now.label:
            why.append(state_now.label)
        why.extend(_language_labels(spoken.get(service.pk, []), languages or request.languages))
        if service.pk in free:
            why.append(explain.free_label())
        hits.append(
            Hit(
                service_id=service.pk,
                service_at_location_id=candidate.service_at_location_id,
                name=service.name,
                organization_id=service.organization.pk,
                organization_name=service.organization.name,
                distance_km=candidate.distance_km,
                open_now=state_now.is_open,
                why=tuple(why),
                score=round(candidate.relevance, 4),
            )
        )
    return tuple(hits)


def _language_labels(spoken: list[tuple[str, str]], asked: Iterable[str]) -> list[str]:
    """The asked-for languages the service offers, else up to two it offers besides
    English (what a resident who needs another language wants to see)."""
    asked = [a.lower() for a in asked]
    chosen = [
        (name, code)
        for name, code in spoken
        if asked and (code or "").lower().split("-")[0] in asked
    ]
    if not chosen and not asked:
        chosen = [(n, c) for n, c in spoken if (c or "").lower() not in ("en", "eng")][:2]
    labels = [display_name(name=n, code=(c or "").split("-")[0]) for n, c in chosen]
    return list(dict.fromkeys(label for label in labels if label))
