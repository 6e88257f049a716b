"""The full-text index of services, kept in step with the directory.

One document per service with four weighted parts: its name (and alternate name), its
organisation's name, its category names (taxonomy term names, e.g. Open Eligibility's
"Food Pantry"), and a body (description, eligibility, languages). The text is stored as
stems (`text.index_text`), so both databases rank the same tokens:

- SQLite: `directory_search_doc` (integer rowid ↔ service id) and the FTS5 table
  `directory_search_fts` whose rowid is the doc's id; ranked by bm25.
- PostgreSQL: `directory_search_doc` (service id, weighted `tsvector` with the 'simple'
  configuration, GIN index); ranked by ts_rank.

Kept in step by the database itself, so that no write path can forget it (the importer's
bulk INSERTs, partner edits, the admin, `QuerySet.update()`, cascading deletes, raw SQL):
triggers on the five tables a document draws on (service, organisation, attribute,
taxonomy term, language) only append the affected service ids to `directory_search_dirty`
— one tiny INSERT per written row, cheap even for a 100,000-service import. `refresh()`
then rebuilds those documents in Python (stemming is Python's, the same for both
databases) in batches of 500: the importer calls it once at its end, inside its
transaction, and every search calls it first, so a reader never sees a stale document
(normally there is nothing to do: one indexed query). `commonweal reindex` rebuilds all.

Django's SQLite schema editor re-creates a table to alter it, which drops its triggers;
`ensure_triggers` (re)creates them after every `migrate` (post_migrate, in apps.py).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F

from commonweal.directory.models import Attribute, Language, Service
from commonweal.directory.search.text import index_text

BATCH = 500
DOC_TABLE = "directory_search_doc"
FTS_TABLE = "directory_search_fts"
# bm25 column weights (name, organisation, categories, body): a word in a service's name
# or category says far more about what it is than the same word deep in a description.
BM25_WEIGHTS = (8.0, 3.0, 5.0, 1.0)

DIRTY_TABLE = "directory_search_dirty"

SQLITE_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} "
    "(id INTEGER PRIMARY KEY, service_id char(32) NOT NULL UNIQUE)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, organization, categories, body, tokenize='unicode61')",
    f"CREATE TABLE IF NOT EXISTS {DIRTY_TABLE} "
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, service_id char(32) NOT NULL)",
)
_MARK = f"INSERT INTO {DIRTY_TABLE} (service_id)"
_SERVICE_TEXT = "name, alternate_name, description, eligibility_description, organization_id"
SQLITE_TRIGGERS = {
    "service_insert": f"AFTER INSERT ON directory_service BEGIN {_MARK} VALUES (NEW.id); END",
    "service_update": f"AFTER UPDATE OF {_SERVICE_TEXT} ON directory_service "
    f"BEGIN {_MARK} VALUES (NEW.id); END",
    "service_delete": f"AFTER DELETE ON directory_service BEGIN {_MARK} VALUES (OLD.id); END",
    "organization_update": "AFTER UPDATE OF name ON directory_organization "
    f"BEGIN {_MARK} SELECT id FROM directory_service WHERE organization_id = NEW.id; END",
    "term_update": "AFTER UPDATE OF name ON directory_taxonomyterm "
    f"BEGIN {_MARK} SELECT link_id FROM directory_attribute "
    "WHERE taxonomy_term_id = NEW.id AND link_entity = 'service'; END",
    "attribute_insert": "AFTER INSERT ON directory_attribute "
    f"WHEN NEW.link_entity = 'service' BEGIN {_MARK} VALUES (NEW.link_id); END",
    "attribute_update": "AFTER UPDATE ON directory_attribute "
    f"BEGIN {_MARK} SELECT NEW.link_id WHERE NEW.link_entity = 'service'; "
    f"{_MARK} SELECT OLD.link_id WHERE OLD.link_entity = 'service'; END",
    "attribute_delete": "AFTER DELETE ON directory_attribute "
    f"WHEN OLD.link_entity = 'service' BEGIN {_MARK} VALUES (OLD.link_id); END",
    "language_insert": "AFTER INSERT ON directory_language "
    f"WHEN NEW.service_id IS NOT NULL BEGIN {_MARK} VALUES (NEW.service_id); END",
    "language_update": "AFTER UPDATE ON directory_language "
    f"BEGIN {_MARK} SELECT NEW.service_id WHERE NEW.service_id IS NOT NULL; "
    f"{_MARK} SELECT OLD.service_id WHERE OLD.service_id IS NOT NULL; END",
    "language_delete": "AFTER DELETE ON directory_language "
    f"WHEN OLD.service_id IS NOT NULL BEGIN {_MARK} VALUES (OLD.service_id); END",
}
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS directory_search_{name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP TABLE IF EXISTS {DOC_TABLE}",
    f"DROP TABLE IF EXISTS {DIRTY_TABLE}",
)
POSTGRES_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} "
    "(service_id uuid PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {DOC_TABLE}_gin ON {DOC_TABLE} USING gin (document)",
    f"CREATE TABLE IF NOT EXISTS {DIRTY_TABLE} (id bigserial PRIMARY KEY, service_id uuid NOT NULL)",
)
# table → (trigger events, body of the plpgsql function marking the service ids)
POSTGRES_TRIGGERS = {
    "directory_service": (
        f"INSERT OR DELETE OR UPDATE OF {_SERVICE_TEXT}",
        f"IF TG_OP <> 'INSERT' THEN {_MARK} VALUES (OLD.id); END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_MARK} VALUES (NEW.id); END IF;",
    ),
    "directory_organization": (
        "UPDATE OF name",
        f"{_MARK} SELECT id FROM directory_service WHERE organization_id = NEW.id;",
    ),
    "directory_taxonomyterm": (
        "UPDATE OF name",
        f"{_MARK} SELECT link_id FROM directory_attribute "
        "WHERE taxonomy_term_id = NEW.id AND link_entity = 'service';",
    ),
    "directory_attribute": (
        "INSERT OR UPDATE OR DELETE",
        "IF TG_OP <> 'INSERT' AND OLD.link_entity = 'service' THEN "
        f"{_MARK} VALUES (OLD.link_id); END IF; "
        "IF TG_OP <> 'DELETE' AND NEW.link_entity = 'service' THEN "
        f"{_MARK} VALUES (NEW.link_id); END IF;",
    ),
    "directory_language": (
        "INSERT OR UPDATE OR DELETE",
        "IF TG_OP <> 'INSERT' AND OLD.service_id IS NOT NULL THEN "
        f"{_MARK} VALUES (OLD.service_id); END IF; "
        "IF TG_OP <> 'DELETE' AND NEW.service_id IS NOT NULL THEN "
        f"{_MARK} VALUES (NEW.service_id); END IF;",
    ),
}
POSTGRES_DROP = (
    *(
        f"DROP FUNCTION IF EXISTS directory_search_mark_{table}() CASCADE"
        for table in POSTGRES_TRIGGERS
    ),
    f"DROP TABLE IF EXISTS {DOC_TABLE}",
    f"DROP TABLE IF EXISTS {DIRTY_TABLE}",
)


def _trigger_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = []
        for table, (events, body) in POSTGRES_TRIGGERS.items():
            function = f"directory_search_mark_{table}"
            statements.append(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN {body} RETURN NULL; END $$"
            )
            statements.append(
                f"CREATE OR REPLACE TRIGGER {function} AFTER {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        return statements
    return [
        f"CREATE TRIGGER IF NOT EXISTS directory_search_{name} {sql}"
        for name, sql in SQLITE_TRIGGERS.items()
    ]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def create_schema(schema_editor: Any = None) -> None:
    """Create the index tables (used by the migration)."""
    create_schema_on(schema_editor.connection if schema_editor is not None else connection)


def ensure_triggers(using: str = "default", **kwargs: Any) -> None:
    """(Re)create the index's tables and triggers if a migration dropped them (post_migrate).
    Does nothing before the index's own migration has run."""
    from django.db import connections

    conn = connections[using]
    if DOC_TABLE not in conn.introspection.table_names():
        return
    create_schema_on(conn)


def create_schema_on(conn: Any) -> None:
    statements = POSTGRES_SCHEMA if conn.vendor == "postgresql" else SQLITE_SCHEMA
    with conn.cursor() as cursor:
        for sql in [*statements, *_trigger_statements(conn.vendor)]:
            cursor.execute(sql)


def drop_schema(schema_editor: Any = None) -> None:
    conn = schema_editor.connection if schema_editor is not None else connection
    statements = POSTGRES_DROP if conn.vendor == "postgresql" else SQLITE_DROP
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- documents --------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def documents(service_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str, str, str]]:
    """(name, organisation, categories, body) as index text for each existing service."""
    categories: dict[uuid.UUID, list[str]] = defaultdict(list)
    for link_id, name, code in Attribute.objects.filter(
        link_entity="service", link_id__in=service_ids
    ).values_list("link_id", "taxonomy_term__name", "taxonomy_term__code"):
        # Opaque codes (AIRS codes kept as names) say nothing a person would type.
        if name and name != code:
            categories[link_id].append(name)
    languages: dict[uuid.UUID, list[str]] = defaultdict(list)
    for service_id, name, code in Language.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "name", "code"
    ):
        languages[service_id].append(name or code)
    docs: dict[uuid.UUID, tuple[str, str, str, str]] = {}
    for sid, name, alternate, description, eligibility, org_name in Service.objects.filter(
        id__in=service_ids
    ).values_list(
        "id",
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "organization__name",
    ):
        docs[sid] = (
            index_text(f"{name} {alternate}"),
            index_text(org_name or ""),
            index_text(" ".join(categories.get(sid, ()))),
            index_text(f"{description} {eligibility} {' '.join(languages.get(sid, ()))}"),
        )
    return docs


def _db_id(service_id: uuid.UUID) -> Any:
    return service_id if is_postgres() else service_id.hex


def _write(service_ids: Sequence[uuid.UUID]) -> None:
    docs = documents(service_ids)
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                f"DELETE FROM {DOC_TABLE} WHERE service_id = ANY(%s)", [list(service_ids)]
            )
            # ON CONFLICT: two readers may refresh the same service at once.
            cursor.executemany(
                f"INSERT INTO {DOC_TABLE} (service_id, document) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'C') || "
                "setweight(to_tsvector('simple', %s), 'B') || "
                "setweight(to_tsvector('simple', %s), 'D')) "
                "ON CONFLICT (service_id) DO UPDATE SET document = EXCLUDED.document",
                [(sid, *doc) for sid, doc in docs.items()],
            )
            return
        hexes = [sid.hex for sid in service_ids]
        marks = ", ".join(["%s"] * len(hexes))
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
            f"(SELECT id FROM {DOC_TABLE} WHERE service_id IN ({marks}))",
            hexes,
        )
        cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE service_id IN ({marks})", hexes)
        for sid, doc in docs.items():
            cursor.execute(f"INSERT INTO {DOC_TABLE} (service_id) VALUES (%s)", [sid.hex])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, name, organization, categories, body) "
                "VALUES (last_insert_rowid(), %s, %s, %s, %s)",
                list(doc),
            )


def reindex_services(service_ids: Iterable[uuid.UUID]) -> int:
    """Rebuild the documents of these services (removing those of services that are
    gone). Returns how many ids were processed."""
    ids = sorted(set(service_ids))
    if not ids:
        return 0
    with transaction.atomic():
        for chunk in _chunks(ids, BATCH):
            _write(chunk)
    return len(ids)


def reindex_all() -> int:
    """Rebuild the whole index from the directory (`commonweal reindex`, the migration)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DOC_TABLE}")
            cursor.execute(f"DELETE FROM {DIRTY_TABLE}")
            if not is_postgres():
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        ids = list(Service.objects.order_by("id").values_list("id", flat=True))
        for chunk in _chunks(ids, BATCH):
            _write(chunk)
    return len(ids)


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DOC_TABLE}")
        return int(cursor.fetchone()[0])


def refresh(limit: int | None = None) -> int:
    """Rebuild the documents the triggers marked as changed (all of them, or at most
    `limit` marks). Returns how many services were rebuilt. One transaction (a savepoint
    inside a caller's): if it fails, nothing of it is kept and the marks stay."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            sql = f"SELECT id, service_id FROM {DIRTY_TABLE} ORDER BY id"
            cursor.execute(sql + (" LIMIT %s" if limit else ""), [limit] if limit else [])
            marks = cursor.fetchall()
        if not marks:
            return 0
        last = max(mark for mark, _service in marks)
        ids = {_as_uuid(service) for _mark, service in marks}
        for chunk in _chunks(sorted(ids), BATCH):
            _write(chunk)
        with connection.cursor() as cursor:
            # Marks added meanwhile have higher ids and stay for the next refresh.
            cursor.execute(f"DELETE FROM {DIRTY_TABLE} WHERE id <= %s", [last])
    return len(ids)


# --- reading -----------------------------------------------------------------------------


def index_terms() -> list[str]:
    """Every term (stem) the index holds: what spelling correction counts as known."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(f"SELECT word FROM ts_stat('SELECT document FROM {DOC_TABLE}')")
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.directory_search_terms "
                f"USING fts5vocab(main, {FTS_TABLE}, 'row')"
            )
            cursor.execute("SELECT term FROM temp.directory_search_terms")
        return [row[0] for row in cursor.fetchall()]


def match_expression(stem_groups: Sequence[Sequence[str]]) -> str:
    """The database query for any of these stems. Stems are only letters and digits
    (`text.normalise`), so nothing a person types reaches the FTS parser as syntax;
    they are still quoted (FTS5) and checked here as a second guard."""
    unique = list(
        dict.fromkeys(s for group in stem_groups for s in group if s.isalnum() and s.isascii())
    )
    if not unique:
        return ""
    if is_postgres():
        return " | ".join(unique)
    return " OR ".join(f'"{s}"' for s in unique)


def phrases_expression(phrases: Sequence[Sequence[Sequence[str]]]) -> str:
    """The database query for any of these phrases, each meaning all of its words (each
    word any of its stems): "english as a second language" must match as a whole, not
    by "second" alone."""
    parts = []
    for phrase in phrases:
        words_ = [[s for s in group if s.isalnum() and s.isascii()] for group in phrase if group]
        words_ = [w for w in words_ if w]
        if not words_:
            continue
        if is_postgres():
            parts.append("(" + " & ".join("(" + " | ".join(w) + ")" for w in words_) + ")")
        else:
            alternatives = ["(" + " OR ".join(f'"{s}"' for s in w) + ")" for w in words_]
            parts.append("(" + " AND ".join(alternatives) + ")")
    return (" | " if is_postgres() else " OR ").join(parts)


def text_candidates(
    stem_groups: Sequence[Sequence[str]],
    rows: Any,
    limit: int,
    *,
    expression: str | None = None,
) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, float | None, float | None, float]]:
    """The best text matches among `rows` (a filtered ServiceAtLocation queryset), best
    first: (sal id, service id, location id, latitude, longitude, score > 0), at most
    `limit`. The filters and bounding box run inside the same SQL statement.
    `expression` (from `phrases_expression`) replaces the words' own."""
    expression = match_expression(stem_groups) if expression is None else expression
    if not expression:
        return []
    try:
        inner, inner_params = (
            rows.annotate(cw_lat=F("location__latitude"), cw_lon=F("location__longitude"))
            .values_list("id", "service_id", "location_id", "cw_lat", "cw_lon")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a filter that can match nothing (an unknown category)
        return []
    if is_postgres():
        sql = (
            "SELECT c.id, c.service_id, c.location_id, c.cw_lat, c.cw_lon, "
            "ts_rank(d.document, q, 1) AS score "
            f"FROM {DOC_TABLE} d JOIN ({inner}) c ON c.service_id = d.service_id, "
            "to_tsquery('simple', %s) q WHERE d.document @@ q ORDER BY score DESC LIMIT %s"
        )
    else:
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            "SELECT c.id, c.service_id, c.location_id, c.cw_lat, c.cw_lon, "
            f"-bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"JOIN {DOC_TABLE} d ON d.id = {FTS_TABLE}.rowid "
            f"JOIN ({inner}) c ON c.service_id = d.service_id "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, expression, limit])
        fetched = cursor.fetchall()
    return [
        (_as_uuid(a), _as_uuid(b), _as_uuid(c), lat, lon, float(score))
        for a, b, c, lat, lon, score in fetched
    ]


def text_candidates_without_location(
    stem_groups: Sequence[Sequence[str]],
    services: Any,
    limit: int,
    *,
    expression: str | None = None,
) -> list[tuple[uuid.UUID, float]]:
    """The best text matches among `services` (a Service queryset): (service id, score)."""
    expression = match_expression(stem_groups) if expression is None else expression
    if not expression:
        return []
    try:
        inner, inner_params = services.values_list("id").query.sql_with_params()
    except EmptyResultSet:
        return []
    if is_postgres():
        sql = (
            "SELECT d.service_id, ts_rank(d.document, q, 1) AS score "
            f"FROM {DOC_TABLE} d JOIN ({inner}) c ON c.id = d.service_id, "
            "to_tsquery('simple', %s) q WHERE d.document @@ q ORDER BY score DESC LIMIT %s"
        )
    else:
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            f"SELECT d.service_id, -bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"JOIN {DOC_TABLE} d ON d.id = {FTS_TABLE}.rowid "
            f"JOIN ({inner}) c ON c.id = d.service_id "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, expression, limit])
        return [(_as_uuid(sid), float(score)) for sid, score in cursor.fetchall()]


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
