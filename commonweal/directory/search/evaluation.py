"""How good is a search? The labelled relevance set, its judging rule and the metrics.

The set (`directory/tests/relevance/queries.json`, written before the need vocabulary;
see the README beside it) lists everyday queries and, for each, which demo services are
right answers: every service linked to one of its Open Eligibility codes (a code includes
its descendants), plus any service listed by id, optionally only those offering one of
the query's languages. `evaluate` runs any ranked search over the set and reports mean
precision@10, hit@5 and nDCG@10 (binary gains), split by language.

`baseline_fts5_search` is the plain search the issue measures ours against: SQLite FTS5
bm25 over service name and description, the query's words OR-ed, nothing else.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

RELEVANCE_SET = Path(__file__).resolve().parent.parent / "tests" / "relevance" / "queries.json"
LANGUAGES = ("en", "es")
PRECISION_AT = 10
HIT_AT = 5
NDCG_AT = 10


class RelevanceSetError(ValueError):
    """The relevance set file is missing, not JSON, or breaks its schema."""


@dataclass(frozen=True)
class LabelledQuery:
    id: str
    lang: str  # "en" | "es"
    q: str
    near: str  # what a person typed in the place box ("" when none)
    relevant_categories: tuple[str, ...]  # Open Eligibility codes; each includes descendants
    relevant_services: tuple[uuid.UUID, ...]  # right answers named one by one
    languages: tuple[str, ...]  # if any: only services offering one of these (ISO 639-1)
    note: str


# ---------------------------------------------------------------- the set


def load_relevance_set(path: Path = RELEVANCE_SET) -> tuple[LabelledQuery, ...]:
    """The labelled queries in `path`, checked; a malformed file raises RelevanceSetError."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RelevanceSetError(f"{path}: cannot read the relevance set ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise RelevanceSetError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(document, dict) or document.get("version") != 1:
        raise RelevanceSetError(f'{path}: expected an object with "version": 1')
    entries = document.get("queries")
    if not isinstance(entries, list) or not entries:
        raise RelevanceSetError(f'{path}: "queries" must be a non-empty list')
    queries = [_query(entry, f"{path}: query {n}") for n, entry in enumerate(entries, 1)]
    seen: set[str] = set()
    for query in queries:
        if query.id in seen:
            raise RelevanceSetError(f"{path}: the id {query.id!r} is used twice")
        seen.add(query.id)
    return tuple(queries)


def _query(entry: object, where: str) -> LabelledQuery:
    if not isinstance(entry, dict):
        raise RelevanceSetError(f"{where}: expected an object")
    allowed = {"id", "lang", "q", "near", "relevant_categories", "relevant_services"}
    allowed |= {"languages", "note"}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise RelevanceSetError(f"{where}: unknown field(s) {', '.join(unknown)}")

    def text(name: str, required: bool = True) -> str:
        value = entry.get(name, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise RelevanceSetError(f"{where}: {name!r} must be a non-empty string")
        return value

    def strings(name: str) -> tuple[str, ...]:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RelevanceSetError(f"{where}: {name!r} must be a list of strings")
        return tuple(value)

    query_id = text("id")
    where = f"{where} ({query_id})"
    lang = text("lang")
    if lang not in LANGUAGES:
        raise RelevanceSetError(f"{where}: 'lang' must be one of {', '.join(LANGUAGES)}")
    services = []
    for value in strings("relevant_services"):
        try:
            services.append(uuid.UUID(value))
        except ValueError:
            raise RelevanceSetError(f"{where}: {value!r} is not a service id (UUID)") from None
    categories = strings("relevant_categories")
    if not categories and not services:
        raise RelevanceSetError(f"{where}: give relevant_categories or relevant_services")
    return LabelledQuery(
        id=query_id,
        lang=lang,
        q=text("q"),
        near=text("near", required=False),
        relevant_categories=categories,
        relevant_services=tuple(services),
        languages=strings("languages"),
        note=text("note", required=False),
    )


def relevant_service_ids(query: LabelledQuery) -> frozenset[uuid.UUID]:
    """The services in the database that are right answers to `query` (the judging rule)."""
    from commonweal.directory.models import Attribute, Language, Service

    term_ids = _open_eligibility_term_ids(query.relevant_categories)
    found = set(
        Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=term_ids).values_list(
            "link_id", flat=True
        )
    )
    found |= set(query.relevant_services)
    found = set(Service.objects.filter(id__in=found).values_list("id", flat=True))
    if query.languages:
        found = set(
            Language.objects.filter(service_id__in=found, code__in=query.languages).values_list(
                "service_id", flat=True
            )
        )
    return frozenset(found)


def _open_eligibility_term_ids(codes: Iterable[str]) -> set[uuid.UUID]:
    """Ids of the Open Eligibility terms with these codes and of all their descendants."""
    from commonweal.directory.models import TaxonomyTerm
    from commonweal.directory.sources import open_eligibility as oe

    terms = list(
        TaxonomyTerm.objects.filter(
            taxonomy_id__in=(oe.TAXONOMY_ID, oe.SITUATIONS_TAXONOMY_ID)
        ).values_list("id", "code", "parent_id")
    )
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for term_id, _, parent_id in terms:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(term_id)
    wanted = set(codes)
    frontier = [term_id for term_id, code, _ in terms if code in wanted]
    found: set[uuid.UUID] = set()
    while frontier:
        term_id = frontier.pop()
        if term_id not in found:
            found.add(term_id)
            frontier.extend(children.get(term_id, ()))
    return found


# ---------------------------------------------------------------- metrics


def precision_at(ranked: Sequence[uuid.UUID], relevant: Iterable[uuid.UUID], k: int) -> float:
    """Share of the first k places holding a right answer (an empty place counts as wrong)."""
    wanted = set(relevant)
    return sum(1 for item in ranked[:k] if item in wanted) / k


def hit_at(ranked: Sequence[uuid.UUID], relevant: Iterable[uuid.UUID], k: int) -> bool:
    """Whether a right answer is among the first k."""
    wanted = set(relevant)
    return any(item in wanted for item in ranked[:k])


def ndcg_at(ranked: Sequence[uuid.UUID], relevant: Iterable[uuid.UUID], k: int) -> float:
    """Normalised discounted cumulative gain of the first k, with gain 1 for a right answer."""
    wanted = set(relevant)
    dcg = sum(1 / math.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in wanted)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(wanted))))
    return dcg / ideal if ideal else 0.0


def unique_in_order(ranked: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """A service listed again (at another location) takes no second place in the judging."""
    seen: set[uuid.UUID] = set()
    return [item for item in ranked if not (item in seen or seen.add(item))]


@dataclass(frozen=True)
class QueryScore:
    query: LabelledQuery
    ranked: tuple[uuid.UUID, ...]
    relevant: int  # how many right answers the database holds
    precision: float
    hit: bool
    ndcg: float


@dataclass(frozen=True)
class Summary:
    queries: int
    precision: float  # mean P@10
    hit_rate: float  # share of queries with a right answer in the top 5
    ndcg: float  # mean nDCG@10


@dataclass(frozen=True)
class Evaluation:
    scores: tuple[QueryScore, ...]

    def summary(self, lang: str | None = None) -> Summary:
        """Means over all queries, or over one language's."""
        chosen = [s for s in self.scores if lang is None or s.query.lang == lang]
        n = len(chosen)
        if not n:
            return Summary(0, 0.0, 0.0, 0.0)
        return Summary(
            queries=n,
            precision=sum(s.precision for s in chosen) / n,
            hit_rate=sum(s.hit for s in chosen) / n,
            ndcg=sum(s.ndcg for s in chosen) / n,
        )

    def table(self, label: str) -> list[str]:
        """Lines of a plain-text table: one row per language and one for all queries."""
        rows = []
        for lang in (*LANGUAGES, None):
            s = self.summary(lang)
            rows.append(
                f"{label:<10} {lang or 'all':<4} {s.queries:>4} "
                f"{s.precision:>8.3f} {s.hit_rate:>8.3f} {s.ndcg:>8.3f}"
            )
        return rows


TABLE_HEADER = f"{'search':<10} {'lang':<4} {'n':>4} {'P@10':>8} {'hit@5':>8} {'nDCG@10':>8}"


def evaluate(
    run: Callable[[LabelledQuery], Sequence[uuid.UUID]],
    queries: Sequence[LabelledQuery] | None = None,
) -> Evaluation:
    """Run a ranked search over the labelled queries and score each against the database."""
    chosen = load_relevance_set() if queries is None else queries
    scores = []
    for query in chosen:
        ranked = unique_in_order(run(query))
        relevant = relevant_service_ids(query)
        scores.append(
            QueryScore(
                query=query,
                ranked=tuple(ranked[:NDCG_AT]),
                relevant=len(relevant),
                precision=precision_at(ranked, relevant, PRECISION_AT),
                hit=hit_at(ranked, relevant, HIT_AT),
                ndcg=ndcg_at(ranked, relevant, NDCG_AT),
            )
        )
    return Evaluation(tuple(scores))


# ---------------------------------------------------------------- the searches compared


def engine_search(query: LabelledQuery) -> list[uuid.UUID]:
    """Our search (`directory.search.engine`) on a labelled query: the first page of 10."""
    from commonweal.directory.search.engine import search
    from commonweal.directory.search.types import SearchRequest

    response = search(SearchRequest(q=query.q, near=query.near, per_page=NDCG_AT))
    return [hit.service_id for hit in response.hits]


def baseline_search(query: LabelledQuery) -> list[uuid.UUID]:
    """The plain baseline on a labelled query; the place typed is just more words to it."""
    return baseline_fts5_search(f"{query.q} {query.near}", limit=NDCG_AT)


# ---------------------------------------------------------------- the plain baseline

_WORD = re.compile(r"\w+")


def fts5_or_query(text: str) -> str:
    """The words of `text` as quoted FTS5 strings joined by OR: no operator a person types
    (" * NEAR( OR -) can change the query's meaning or break it."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in _WORD.findall(text))


class Fts5Baseline:
    """An FTS5 index of service name + description in a private in-memory SQLite database.

    Private so the same baseline runs whatever database the directory is on (SQLite or
    PostgreSQL) and leaves no table behind in it.
    """

    def __init__(self, rows: Iterable[tuple[uuid.UUID, str, str]]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE service_text USING fts5("
            "service_id UNINDEXED, name, description, tokenize='unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO service_text (service_id, name, description) VALUES (?, ?, ?)",
            ((str(sid), name, description) for sid, name, description in rows),
        )

    @classmethod
    def from_database(cls) -> Fts5Baseline:
        from commonweal.directory.models import Service

        # In id order, so equal scores rank the same way on every database.
        rows = Service.objects.order_by("id").values_list("id", "name", "description")
        return cls(rows.iterator())

    def search(self, text: str, limit: int = 10) -> list[uuid.UUID]:
        match = fts5_or_query(text)
        if not match or limit < 1:
            return []
        rows = self._db.execute(
            "SELECT service_id FROM service_text WHERE service_text MATCH ? "
            "ORDER BY bm25(service_text) LIMIT ?",
            (match, limit),
        )
        return [uuid.UUID(service_id) for (service_id,) in rows]


_baseline_lock = threading.Lock()
_baseline: tuple[tuple[object, ...], Fts5Baseline] | None = None


def baseline_fts5_search(q: str, limit: int = 10) -> list[uuid.UUID]:
    """Service ids best first by plain FTS5 bm25 over name + description (the baseline).

    The index is rebuilt when the services change (their count or latest edit) or the
    database does."""
    global _baseline
    from django.db import connection
    from django.db.models import Count, Max

    from commonweal.directory.models import Service

    stats = Service.objects.aggregate(n=Count("id"), latest=Max("last_modified"))
    signature = (connection.settings_dict["NAME"], stats["n"], stats["latest"])
    with _baseline_lock:
        if _baseline is None or _baseline[0] != signature:
            _baseline = (signature, Fts5Baseline.from_database())
        index = _baseline[1]
    return index.search(q, limit)
