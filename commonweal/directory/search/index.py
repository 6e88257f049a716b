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
triggers on the tables a document draws on (service, organisation, attribute, taxonomy
term, language; and service-at-location, for `unplaced_services`) only append the
affected service ids to `directory_search_dirty`. `refresh()` then rebuilds those
documents in Python (stemming is Python's, the same for both databases) in batches of
500, and every search calls it first, so a reader never sees a stale document (normally
there is nothing to do: one indexed lookup). A bulk import inserts with the insert
triggers off (`inserts_unmarked`: a million marks for 100,000 services cost more than the
rows) and indexes the services it inserted once at its end, inside its transaction.
`commonweal reindex` rebuilds all. Each rebuild also records the words spelling
correction knows (`directory_search_word`) and moves a generation token on, so that a
process's cached dictionary is read again only when something changed.

Django's SQLite schema editor re-creates a table to alter it, which drops its triggers;
`ensure_triggers` (re)creates them after every `migrate` (post_migrate, in apps.py).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import Exists, F, OuterRef

from commonweal import db_router
from commonweal.directory.models import Attribute, Language, Service, ServiceAtLocation
from commonweal.directory.search.text import index_text, words

BATCH = 500
DOC_TABLE = "directory_search_doc"
FTS_TABLE = "directory_search_fts"
# bm25 column weights (name, organisation, categories, body): a word in a service's name
# or category says far more about what it is than the same word deep in a description.
BM25_WEIGHTS = (8.0, 3.0, 5.0, 1.0)

DIRTY_TABLE = "directory_search_dirty"
# The words spelling correction knows, kept at index time so that no search has to read
# the whole directory: 's' = a stem in some document, 'n' = a readable word of a service's
# or organisation's name (what a misspelling may be corrected to). Words of services that
# are gone stay until the next full reindex: a stale known word only makes correction a
# little less eager.
WORD_TABLE = "directory_search_word"
# One row: a token that changes whenever documents (and so the known words) change, so a
# process can tell in one indexed lookup whether its cached dictionary is still current.
STATE_TABLE = "directory_search_state"
STEM, NAME_WORD = "s", "n"

SQLITE_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} "
    "(id INTEGER PRIMARY KEY, service_id char(32) NOT NULL UNIQUE)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, organization, categories, body, tokenize='unicode61')",
    f"CREATE TABLE IF NOT EXISTS {DIRTY_TABLE} "
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, service_id char(32) NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {WORD_TABLE} "
    "(word varchar(100) NOT NULL, kind char(1) NOT NULL, PRIMARY KEY (word, kind)) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
    "(id integer PRIMARY KEY, generation varchar(32) NOT NULL)",
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
    # Not for the documents: whether a service has a location at all (`unplaced_services`)
    # is cached per generation, and a mark is what moves the generation on.
    "sal_insert": "AFTER INSERT ON directory_serviceatlocation "
    f"BEGIN {_MARK} VALUES (NEW.service_id); END",
    "sal_update": "AFTER UPDATE OF service_id ON directory_serviceatlocation "
    f"BEGIN {_MARK} VALUES (NEW.service_id); {_MARK} VALUES (OLD.service_id); END",
    "sal_delete": "AFTER DELETE ON directory_serviceatlocation "
    f"BEGIN {_MARK} VALUES (OLD.service_id); END",
}
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS directory_search_{name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP TABLE IF EXISTS {DOC_TABLE}",
    f"DROP TABLE IF EXISTS {DIRTY_TABLE}",
    f"DROP TABLE IF EXISTS {WORD_TABLE}",
    f"DROP TABLE IF EXISTS {STATE_TABLE}",
)
POSTGRES_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} "
    "(service_id uuid PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {DOC_TABLE}_gin ON {DOC_TABLE} USING gin (document)",
    f"CREATE TABLE IF NOT EXISTS {DIRTY_TABLE} (id bigserial PRIMARY KEY, service_id uuid NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {WORD_TABLE} "
    "(word text NOT NULL, kind char(1) NOT NULL, PRIMARY KEY (word, kind))",
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (id integer PRIMARY KEY, generation text NOT NULL)",
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
    "directory_serviceatlocation": (
        "INSERT OR UPDATE OF service_id OR DELETE",
        f"IF TG_OP <> 'INSERT' THEN {_MARK} VALUES (OLD.service_id); END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_MARK} VALUES (NEW.service_id); END IF;",
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
        # CASCADE drops its triggers too.
        f"DROP FUNCTION IF EXISTS directory_search_mark_{table}() CASCADE"
        for table in POSTGRES_TRIGGERS
    ),
    f"DROP TABLE IF EXISTS {DOC_TABLE}",
    f"DROP TABLE IF EXISTS {DIRTY_TABLE}",
    f"DROP TABLE IF EXISTS {WORD_TABLE}",
    f"DROP TABLE IF EXISTS {STATE_TABLE}",
)


# While set (inside an import's transaction) the triggers leave new rows unmarked: the
# importer marks the services it inserted itself, in bulk (`inserts_unmarked`).
UNMARKED_SETTING = "commonweal.search_unmarked"
SQLITE_INSERT_TRIGGERS = ("service_insert", "attribute_insert", "language_insert", "sal_insert")


def _trigger_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = []
        for table, (events, body) in POSTGRES_TRIGGERS.items():
            function = f"directory_search_mark_{table}"
            statements.append(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN {body} RETURN NULL; END $$"
            )
            if events.startswith("INSERT OR "):
                # Inserts get a trigger of their own, skipped by a bulk import (the WHEN
                # is checked without entering the function: next to nothing per row).
                events = events.removeprefix("INSERT OR ")
                statements.append(
                    f"CREATE OR REPLACE TRIGGER {function}_insert AFTER INSERT ON {table} "
                    f"FOR EACH ROW WHEN (current_setting('{UNMARKED_SETTING}', true) "
                    f"IS DISTINCT FROM 'on') EXECUTE FUNCTION {function}()"
                )
            statements.append(
                f"CREATE OR REPLACE TRIGGER {function} AFTER {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        return statements
    return [_sqlite_trigger(name) for name in SQLITE_TRIGGERS]


def _sqlite_trigger(name: str) -> str:
    return f"CREATE TRIGGER IF NOT EXISTS directory_search_{name} {SQLITE_TRIGGERS[name]}"


@contextmanager
def inserts_unmarked() -> Iterator[None]:
    """Inside a transaction: rows inserted in the block are not marked by the triggers
    (updates and deletes still are). For a bulk import, where one mark per inserted row
    (a million for 100,000 services) cost more than the rows themselves; the caller must
    pass the services it inserted to `reindex_services` before the transaction ends.
    If the block fails, the transaction's rollback puts everything back."""
    if not connection.in_atomic_block:
        raise RuntimeError("inserts_unmarked() needs a transaction")
    with connection.cursor() as cursor:
        if is_postgres():
            # Local to the transaction (and undone with a rolled-back savepoint).
            cursor.execute("SELECT set_config(%s, 'on', true)", [UNMARKED_SETTING])
        else:
            # SQLite has no session setting a trigger could read; its DDL is transactional
            # and WAL readers keep the schema they started with, so the insert triggers
            # are dropped for the block and put back before the commit.
            for name in SQLITE_INSERT_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS directory_search_{name}")
    yield
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT set_config(%s, 'off', true)", [UNMARKED_SETTING])
        else:
            for name in SQLITE_INSERT_TRIGGERS:
                cursor.execute(_sqlite_trigger(name))


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


def _name_words(text: str) -> set[str]:
    """The readable words of a name that correction may offer ("Pantry", not "12")."""
    return {w for w in words(text) if len(w) >= 3 and not w.isdigit()}


def _documents(
    service_ids: Sequence[uuid.UUID],
) -> tuple[dict[uuid.UUID, tuple[str, str, str, str]], set[str]]:
    """The documents of these services and the readable words of their names."""
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
    names: set[str] = set()
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
        names.update(_name_words(f"{name} {org_name or ''}"))
    return docs, names


def documents(service_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str, str, str]]:
    """(name, organisation, categories, body) as index text for each existing service."""
    return _documents(service_ids)[0]


def _db_id(service_id: uuid.UUID) -> Any:
    return service_id if is_postgres() else service_id.hex


def _write(service_ids: Sequence[uuid.UUID], seen: set[tuple[str, str]] | None = None) -> None:
    """Replace these services' documents and add their words to the known words (`seen`:
    the words this rebuild already wrote, so a big one does not write each word again)."""
    docs, names = _documents(service_ids)
    known = {(token, STEM) for doc in docs.values() for part in doc for token in part.split()}
    known.update((word, NAME_WORD) for word in names)
    if seen is not None:
        known -= seen
        seen |= known
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
            if known:
                ordered = sorted(known)  # one order for every writer: no deadlock between two
                cursor.execute(
                    f"INSERT INTO {WORD_TABLE} (word, kind) "
                    "SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                    [[w for w, _k in ordered], [k for _w, k in ordered]],
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
        # Row ids chosen here (this transaction holds SQLite's only write lock) so that both
        # tables are written with one executemany each rather than two statements a service.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {DOC_TABLE}")
        first = int(cursor.fetchone()[0]) + 1
        rows = [(first + k, sid, doc) for k, (sid, doc) in enumerate(docs.items())]
        cursor.executemany(
            f"INSERT INTO {DOC_TABLE} (id, service_id) VALUES (%s, %s)",
            [(rowid, sid.hex) for rowid, sid, _doc in rows],
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, name, organization, categories, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(rowid, *doc) for rowid, _sid, doc in rows],
        )
        if known:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {WORD_TABLE} (word, kind) VALUES (%s, %s)", sorted(known)
            )


def _changed() -> None:
    """A new generation token: every process's cached dictionary is now out of date."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {STATE_TABLE} (id, generation) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation",
            [uuid.uuid4().hex],
        )


def generation() -> str:
    """The token of the index's current state ('' before the first build)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {STATE_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


_unplaced: tuple[str, frozenset[uuid.UUID]] | None = None


def unplaced_services() -> frozenset[uuid.UUID]:
    """The services with no location at all (a hotline, an online programme), whatever
    their status. Few, and finding them means comparing every service with every
    location, so they are kept per process and found again only when the index's
    generation moves (a location added to or taken from a service marks it)."""
    global _unplaced
    current = generation()
    if _unplaced is not None and _unplaced[0] == current:
        return _unplaced[1]
    has_location = ServiceAtLocation.objects.filter(service_id=OuterRef("pk"))
    found = frozenset(Service.objects.filter(~Exists(has_location)).values_list("id", flat=True))
    _unplaced = (current, found)
    return found


def known_words() -> tuple[set[str], set[str]]:
    """(stems the index holds, readable words of names) as kept at index time."""
    stems_: set[str] = set()
    names: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word, kind FROM {WORD_TABLE}")
        for word, kind in cursor.fetchall():
            (stems_ if kind == STEM else names).add(word)
    return stems_, names


def fill_words() -> int:
    """Fill the known words from an index built before they were kept (the migration)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {WORD_TABLE}")
    known = {(term, STEM) for term in index_terms()}
    names: set[str] = set()
    for name, org_name in Service.objects.values_list("name", "organization__name").distinct():
        names.update(_name_words(f"{name} {org_name or ''}"))
    known.update((word, NAME_WORD) for word in names)
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(known), 5000):
            if is_postgres():
                cursor.execute(
                    f"INSERT INTO {WORD_TABLE} (word, kind) "
                    "SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                    [[w for w, _k in chunk], [k for _w, k in chunk]],
                )
            else:
                cursor.executemany(
                    f"INSERT OR IGNORE INTO {WORD_TABLE} (word, kind) VALUES (%s, %s)", chunk
                )
    _changed()
    return len(known)


def reindex_services(service_ids: Iterable[uuid.UUID]) -> int:
    """Rebuild the documents of these services (removing those of services that are
    gone). Returns how many ids were processed."""
    ids = sorted(set(service_ids))
    if not ids:
        return 0
    seen: set[tuple[str, str]] = set()
    with transaction.atomic():
        for chunk in _chunks(ids, BATCH):
            _write(chunk, seen)
        _changed()
    return len(ids)


def reindex_all() -> int:
    """Rebuild the whole index from the directory (`commonweal reindex`, the migration)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DOC_TABLE}")
            cursor.execute(f"DELETE FROM {DIRTY_TABLE}")
            cursor.execute(f"DELETE FROM {WORD_TABLE}")
            if not is_postgres():
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        ids = list(Service.objects.order_by("id").values_list("id", flat=True))
        seen: set[tuple[str, str]] = set()
        for chunk in _chunks(ids, BATCH):
            _write(chunk, seen)
        _changed()
    return len(ids)


# The tables search reads, whose statistics steer the database's plans.
SEARCHED_TABLES = (
    "directory_service",
    "directory_serviceatlocation",
    "directory_location",
    "directory_address",
    "directory_attribute",
    "directory_taxonomyterm",
    "directory_language",
    "directory_schedule",
    DOC_TABLE,
)


def analyze() -> None:
    """Refresh the planner's statistics of the searched tables. After a bulk import they
    are missing or stale (PostgreSQL's autovacuum gets to it minutes later; SQLite never
    does), and a plan made without them can turn a category search at 100,000 services
    from a tenth of a second into tens of seconds."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("ANALYZE " + ", ".join(SEARCHED_TABLES))
        else:
            # Sampled (a few hundred rows per index): seconds saved, plans as good.
            cursor.execute("PRAGMA analysis_limit = 1000")
            for table in SEARCHED_TABLES:
                cursor.execute(f"ANALYZE {table}")


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DOC_TABLE}")
        return int(cursor.fetchone()[0])


def refresh(limit: int | None = None) -> int:
    """Rebuild the documents the triggers marked as changed (all of them, or at most
    `limit` marks). Returns how many services were rebuilt. One transaction (a savepoint
    inside a caller's): if it fails, nothing of it is kept and the marks stay."""
    # Every search calls this first; nearly always nothing is marked, which one indexed
    # lookup tells without opening a transaction.
    with connection.cursor() as cursor:
        # By the primary key: after a big refresh PostgreSQL's table is full of deleted
        # rows until vacuumed, which a plain scan would walk through.
        cursor.execute(f"SELECT id FROM {DIRTY_TABLE} ORDER BY id LIMIT 1")
        if cursor.fetchone() is None:
            return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            sql = f"SELECT id, service_id FROM {DIRTY_TABLE} ORDER BY id"
            cursor.execute(sql + (" LIMIT %s" if limit else ""), [limit] if limit else [])
            marks = cursor.fetchall()
        if not marks:
            return 0
        last = max(mark for mark, _service in marks)
        ids = {_as_uuid(service) for _mark, service in marks}
        seen: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted(ids), BATCH):
            _write(chunk, seen)
        with connection.cursor() as cursor:
            # Marks added meanwhile have higher ids and stay for the next refresh.
            cursor.execute(f"DELETE FROM {DIRTY_TABLE} WHERE id <= %s", [last])
        _changed()
    return len(ids)


# --- reading -----------------------------------------------------------------------------


def _reader() -> Any:
    """The connection the text candidates are read from: a read replica during a search
    when one is configured (commonweal/db_router.py), else the primary."""
    return connections[db_router.read_alias(Service)]


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
) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, float | None, float | None, str, float]]:
    """The best text matches among `rows` (a filtered ServiceAtLocation queryset), best
    first: (sal id, service id, location id, latitude, longitude, service name, score > 0), at most
    `limit`. The filters and bounding box run inside the same SQL statement.
    `expression` (from `phrases_expression`) replaces the words' own."""
    expression = match_expression(stem_groups) if expression is None else expression
    if not expression:
        return []
    try:
        inner, inner_params = (
            rows.annotate(
                cw_lat=F("location__latitude"),
                cw_lon=F("location__longitude"),
                cw_name=F("service__name"),
            )
            .values_list("id", "service_id", "location_id", "cw_lat", "cw_lon", "cw_name")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a filter that can match nothing (an unknown category)
        return []
    if is_postgres():
        sql = (
            "SELECT c.id, c.service_id, c.location_id, c.cw_lat, c.cw_lon, c.cw_name, "
            "ts_rank(d.document, q, 1) AS score "
            f"FROM {DOC_TABLE} d JOIN ({inner}) c ON c.service_id = d.service_id, "
            "to_tsquery('simple', %s) q WHERE d.document @@ q ORDER BY score DESC LIMIT %s"
        )
    else:
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            "SELECT c.id, c.service_id, c.location_id, c.cw_lat, c.cw_lon, c.cw_name, "
            f"-bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"JOIN {DOC_TABLE} d ON d.id = {FTS_TABLE}.rowid "
            f"JOIN ({inner}) c ON c.service_id = d.service_id "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC LIMIT %s"
        )
    with _reader().cursor() as cursor:
        cursor.execute(sql, [*inner_params, expression, limit])
        fetched = cursor.fetchall()
    return [
        (_as_uuid(a), _as_uuid(b), _as_uuid(c), lat, lon, name, float(score))
        for a, b, c, lat, lon, name, score in fetched
    ]


# (sal id, service id, location id, latitude, longitude, service name, score per expression)
CandidateRow = tuple[
    uuid.UUID, uuid.UUID, uuid.UUID, float | None, float | None, str, tuple[float, ...]
]


def weighted_text_candidates(
    rows: Any, limit: int, expressions: Sequence[tuple[str, float]], *, narrow: bool = True
) -> list[CandidateRow]:
    """Like `text_candidates` for several expressions at once, each with a weight: rows
    with each expression's score (0 where it does not match). PostgreSQL scores them all
    in one statement, ordered by the weighted sum, so the documents are found and read
    once; SQLite ranks each by bm25 in a statement of its own (bm25 scores only the
    statement's MATCH), its best `limit` each. Ties go by row id, so that every process
    keeps the same rows.

    `narrow=False` says that nearly every service passes `rows` (no place, no filter:
    active services only): then the documents are ranked in the index alone and only the
    best are joined to `rows` (`_documents_first`), instead of joining every match."""
    expressions = [(e, w) for e, w in expressions if e]
    if not expressions:
        return []
    if not narrow:
        return _documents_first(rows, limit, expressions)
    if not is_postgres():
        merged: dict[uuid.UUID, list] = {}
        for k, (expression, _weight) in enumerate(expressions):
            for sal, service, location, lat, lon, name, score in text_candidates(
                (), rows, limit, expression=expression
            ):
                row = merged.setdefault(
                    sal, [sal, service, location, lat, lon, name, [0.0] * len(expressions)]
                )
                row[6][k] = score
        return [(*row[:6], tuple(row[6])) for row in merged.values()]
    try:
        inner, inner_params = (
            rows.annotate(
                cw_lat=F("location__latitude"),
                cw_lon=F("location__longitude"),
                cw_name=F("service__name"),
            )
            .values_list("id", "service_id", "location_id", "cw_lat", "cw_lon", "cw_name")
            .query.sql_with_params()
        )
    except EmptyResultSet:
        return []
    queries = ", ".join(f"to_tsquery('simple', %s) q{k}" for k in range(len(expressions)))
    scores = ", ".join(
        f"CASE WHEN d.document @@ q{k} THEN ts_rank(d.document, q{k}, 1) ELSE 0 END AS s{k}"
        for k in range(len(expressions))
    )
    either = " || ".join(f"q{k}" for k in range(len(expressions)))
    weighted = " + ".join(f"{float(w)!r} * s{k}" for k, (_e, w) in enumerate(expressions))
    sql = (
        f"SELECT * FROM (SELECT c.id, c.service_id, c.location_id, c.cw_lat, c.cw_lon, c.cw_name, "
        f"{scores} "
        f"FROM {DOC_TABLE} d JOIN ({inner}) c ON c.service_id = d.service_id, {queries} "
        f"WHERE d.document @@ ({either})) m ORDER BY {weighted} DESC, id LIMIT %s"
    )
    with _reader().cursor() as cursor:
        cursor.execute(sql, [*inner_params, *(e for e, _w in expressions), limit])
        fetched = cursor.fetchall()
    return [
        (_as_uuid(a), _as_uuid(b), _as_uuid(c), lat, lon, name, tuple(float(x) for x in rest))
        for a, b, c, lat, lon, name, *rest in fetched
    ]


def _ranked_documents(
    expressions: Sequence[tuple[str, float]], limit: int
) -> list[list[tuple[uuid.UUID, tuple[float, ...]]]]:
    """The best `limit` documents, best first, as (service id, a score per expression): one
    list (weighted sum) on PostgreSQL, one per expression on SQLite. Ties by document id."""
    with _reader().cursor() as cursor:
        if is_postgres():
            queries = ", ".join(f"to_tsquery('simple', %s) q{k}" for k in range(len(expressions)))
            scores = ", ".join(
                f"CASE WHEN d.document @@ q{k} THEN ts_rank(d.document, q{k}, 1) ELSE 0 END AS s{k}"
                for k in range(len(expressions))
            )
            either = " || ".join(f"q{k}" for k in range(len(expressions)))
            weighted = " + ".join(f"{float(w)!r} * s{k}" for k, (_e, w) in enumerate(expressions))
            cursor.execute(
                f"SELECT * FROM (SELECT d.service_id, {scores} FROM {DOC_TABLE} d, {queries} "
                f"WHERE d.document @@ ({either})) m ORDER BY {weighted} DESC, service_id LIMIT %s",
                [*(e for e, _w in expressions), limit],
            )
            return [[(_as_uuid(sid), tuple(float(x) for x in rest)) for sid, *rest in cursor]]
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        found = []
        for k, (expression, _weight) in enumerate(expressions):
            # Ranked by rowid alone first: the document table is read for the best only.
            cursor.execute(
                f"SELECT d.service_id, m.score FROM (SELECT rowid AS r, "
                f"-bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC, rowid LIMIT %s) m "
                f"JOIN {DOC_TABLE} d ON d.id = m.r ORDER BY m.score DESC, m.r",
                [expression, limit],
            )
            scored = [0.0] * len(expressions)
            ranked = []
            for sid, score in cursor.fetchall():
                scores_ = list(scored)
                scores_[k] = float(score)
                ranked.append((_as_uuid(sid), tuple(scores_)))
            found.append(ranked)
        return found


def _documents_first(
    rows: Any, limit: int, expressions: Sequence[tuple[str, float]]
) -> list[CandidateRow]:
    """`weighted_text_candidates` for a `rows` that nearly every service passes. The bare
    full-text query joins each matching document to its locations (thousands for a
    common word) and keeps 20; here the index ranks the documents alone, and only the
    best are looked up among `rows`, in document order, until `limit` rows are found —
    the rows the joined statement keeps, but for which of equally scored rows make the
    cut (services that fail `rows`, such as an inactive one, are skipped; when too many
    are, more documents are ranked)."""
    fetch = limit
    while True:
        lists = _ranked_documents(expressions, fetch)
        ids = {sid for ranked in lists for sid, _scores in ranked}
        by_service: dict[uuid.UUID, list[tuple]] = defaultdict(list)
        columns = (
            "id",
            "service_id",
            "location_id",
            "location__latitude",
            "location__longitude",
            "service__name",
        )
        for chunk in _chunks(sorted(ids), 2 * BATCH):
            for row in rows.filter(service_id__in=chunk).values_list(*columns):
                by_service[row[1]].append(row)
        merged: dict[uuid.UUID, list] = {}
        short = False
        for ranked in lists:
            kept = 0
            for sid, scores in ranked:
                if kept >= limit:
                    break
                for found in sorted(by_service.get(sid, ()), key=lambda r: str(r[0])):
                    kept += 1
                    row = merged.setdefault(found[0], [*found, list(scores)])
                    row[6] = [max(a, b) for a, b in zip(row[6], scores, strict=True)]
            # Fewer than `limit` rows although the index had more documents: rank more.
            short = short or (kept < limit and len(ranked) == fetch)
        if not short:
            return [
                (_as_uuid(a), _as_uuid(b), _as_uuid(c), lat, lon, name, tuple(scores))
                for a, b, c, lat, lon, name, scores in merged.values()
            ]
        fetch *= 4


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
    with _reader().cursor() as cursor:
        cursor.execute(sql, [*inner_params, expression, limit])
        return [(_as_uuid(sid), float(score)) for sid, score in cursor.fetchall()]


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
