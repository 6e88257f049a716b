"""Writing HSDS tabular data into the directory: all-or-nothing, upsert by id, changes logged.

One call is one transaction. Tables are read one at a time in write order and their rows
checked and written in batches as they stream past (`table_import.TableCheck`: the checks
of `validation`, foreign keys against what is stored, this transaction's earlier tables
included), so a package of a million services never sits in memory whole. Any rejected
row makes the run fail with every issue and nothing written (the transaction rolls back)
unless `skip_invalid`, which keeps the valid rows and returns the rejects.
Stored rows are loaded in bulk, compared field by field, and only differences are written:
re-importing the same data writes nothing. Each changed field of an existing record gets
one HSDS `metadata` row (last_action_type "update"). Created records get no metadata row
(the audit log records the import), so a first import of 100,000 services stays fast and
the change log holds changes only. Records missing from a later import are not deleted.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from commonweal.directory import browse
from commonweal.directory.models import Metadata
from commonweal.directory.search import index as search_index
from commonweal.directory.table_import import ImportState, TableCheck
from commonweal.directory.tabular import (
    ImportFailed,
    ImportIssue,
    InMemoryTables,
    ReadFailed,
    TableSource,
    TabularData,
)
from commonweal.directory.validation import (
    MODELS,
    MSG_UNKNOWN_TABLE,
    TABLE_ORDER,
    CheckedRow,
    check_row,
    table_rules,
)

Progress = Callable[[str, int, int], None]

# SQLite's historical limit is 999 bound parameters per statement (Django assumes it too).
LOOKUP_BATCH = 900
UPDATE_BATCH = 500
METADATA_BATCH = 2000
INSERT_BATCH = 5000
# New rows go to PostgreSQL by COPY rather than executemany INSERTs (see _insert).
USE_COPY = True
# A bigger import than this refreshes the database's statistics (see search.index.analyze).
ANALYZE_AFTER_ROWS = 10_000

T = TypeVar("T")


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: TableCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected


@dataclass
class ImportSummary:
    source: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    rejected: list[ImportIssue] = field(default_factory=list)
    metadata_written: int = 0
    dry_run: bool = False
    seconds: float = 0.0

    def counts(self, table: str) -> TableCounts:
        return self.tables.setdefault(table, TableCounts())

    @property
    def total(self) -> TableCounts:
        total = TableCounts()
        for counts in self.tables.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        """Counts for the audit log and reports (issues are counted, not listed)."""
        return {
            "source": self.source,
            "tables": {table: asdict(counts) for table, counts in self.tables.items()},
            "total": asdict(self.total),
            "rejected_issues": len(self.rejected),
            "metadata_written": self.metadata_written,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
        }


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: an import makes millions of small objects,
    and each generational pass walks all of them (it more than doubled the time spent
    checking a 150,000-row import). Reference counting still frees them as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_ids(table: str, ids: Sequence[uuid.UUID] | set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these ids the directory already holds in `table`."""
    model = MODELS[table]
    found: set[uuid.UUID] = set()
    if not model.objects.exists():
        return found  # a first import into an empty table needs no lookups
    for chunk in _chunks(list(ids), LOOKUP_BATCH):
        found.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def import_tabular(
    data: TabularData,
    *,
    source: str,
    skip_invalid: bool = False,
    updated_by: str = "import",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Validate and upsert `data` in one transaction. Raises ImportFailed (nothing written)
    when any row is rejected, unless `skip_invalid`. `dry_run` does everything, then rolls back."""
    return import_tables(
        InMemoryTables(data),
        source=source,
        skip_invalid=skip_invalid,
        updated_by=updated_by,
        progress=progress,
        dry_run=dry_run,
        total_rows=sum(len(rows) for rows in data.values()),
    )


def import_tables(
    tables: TableSource,
    *,
    source: str,
    skip_invalid: bool = False,
    updated_by: str = "import",
    progress: Progress | None = None,
    dry_run: bool = False,
    total_rows: int = 0,
) -> ImportSummary:
    """`import_tabular` for tables read one row at a time (a datapackage too large to hold
    in memory): each table is checked and written in batches, in write order, inside the
    one transaction; problems the reader finds (bad CSV, encoding) fail the import with
    ReadFailed, listing only them, as the reader's own ImportFailed would. `total_rows` (0: unknown) is for `progress` only."""
    started = time.monotonic()
    summary = ImportSummary(source=source, dry_run=dry_run)
    names = tables.tables()
    rules = table_rules()
    state = ImportState(existing=_KnownIds().existing)
    for table in names:
        if table not in rules:
            first = next(tables.rows(table))
            state.issues.append(
                ImportIssue(first.ref.file, None, None, MSG_UNKNOWN_TABLE.format(table=table))
            )
            state.rejected_count[table] += sum(1 for _row in tables.rows(table))
    with _gc_paused(), transaction.atomic():
        # Rows are written in bulk (no model signals): the pages' cached category counts
        # are forgotten once the import commits.
        transaction.on_commit(browse.directory_changed)
        now = timezone.now()
        inserted: set[uuid.UUID] = set()
        done = 0
        # New rows are not marked one by one by the search index's triggers (a million
        # marks for 100,000 services): the services they touch are collected here and
        # indexed once, in batches, at the end. Updates are still marked by the triggers.
        with search_index.inserts_unmarked():
            for table in TABLE_ORDER:
                if table not in names:
                    continue
                counts = summary.counts(table)
                model = MODELS[table]
                # A table empty before this import holds only rows written by it: nothing
                # stored to compare with (duplicates are found before they are written).
                look_up = model.objects.exists()
                savepoint = transaction.savepoint() if skip_invalid else None
                before = (counts.created, counts.updated, counts.unchanged)
                before_log = summary.metadata_written

                def write(
                    rows: list[CheckedRow], _table: str = table, _look: bool = look_up
                ) -> None:
                    summary.metadata_written += _write_table(
                        _table,
                        rows,
                        summary.counts(_table),
                        updated_by=updated_by,
                        now=now,
                        inserted=inserted,
                        look_up=_look,
                    )

                check = TableCheck(table, state, write)
                for row in tables.rows(table):
                    check.add(row)
                    if progress is not None and check.rows_read % 5000 == 0:
                        progress(table, done + check.rows_read, total_rows)
                check.finish(lambda _t=table: tables.rows(_t))
                done += check.rows_read
                if progress is not None:
                    progress(table, done, total_rows)
                if check.late_rejects and savepoint is not None:
                    # Written before a later row showed them invalid (a duplicate id, a
                    # rejected parent): write the table again without them.
                    transaction.savepoint_rollback(savepoint)
                    counts.created, counts.updated, counts.unchanged = before
                    summary.metadata_written = before_log
                    _rewrite_table(table, tables, state, write)
                elif savepoint is not None:
                    transaction.savepoint_commit(savepoint)
        if tables.issues:
            raise ReadFailed(tables.issues)
        issues = sorted(state.issues, key=lambda i: (i.file, i.line or 0))
        if issues and not skip_invalid:
            raise ImportFailed(issues)
        summary.rejected = issues
        for table, count in state.rejected_count.items():
            summary.counts(table).rejected = count
        # Build the search documents of what was written (same transaction).
        search_index.reindex_services(inserted)
        search_index.refresh()
        if summary.total.created >= ANALYZE_AFTER_ROWS and not dry_run:
            search_index.analyze()
        if dry_run:
            transaction.set_rollback(True)
    summary.seconds = time.monotonic() - started
    return summary


def _rewrite_table(
    table: str,
    tables: TableSource,
    state: ImportState,
    write: Callable[[list[CheckedRow]], None],
) -> None:
    """Write a table's accepted rows again, every rejected id now known."""
    rules = table_rules()[table]
    rejected = state.rejected[table]
    batch: list[CheckedRow] = []
    for row in tables.rows(table):
        values, issues = check_row(row, rules)
        row_id = values.get("id")
        if issues or row_id is None or row_id in rejected:
            continue
        batch.append(CheckedRow(table, row_id, values, row))
        if len(batch) >= INSERT_BATCH:
            write(batch)
            batch = []
    if batch:
        write(batch)


class _KnownIds:
    """Which referenced ids the directory holds (this import's earlier tables are already
    written, in the same transaction). Ids found are remembered, up to a bound, because
    the same few (taxonomy terms, a service's organisation) recur across many batches."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self.known: dict[str, set[uuid.UUID]] = defaultdict(set)

    def existing(self, table: str, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        known = self.known[table]
        unknown = [i for i in ids if i not in known]
        found = {i for i in ids if i in known}
        if unknown:
            new = _stored_ids(table, unknown)
            if len(known) + len(new) > self.LIMIT:
                known.clear()
            known.update(new)
            found |= new
        return found


def _stored_ids(table: str, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    model = MODELS[table]
    size = 10_000 if connection.vendor == "postgresql" else LOOKUP_BATCH
    found: set[uuid.UUID] = set()
    for chunk in _chunks(ids, size):
        found.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def _write_table(
    table: str,
    rows: list[CheckedRow],
    counts: TableCounts,
    *,
    updated_by: str,
    now: dt.datetime,
    inserted: set[uuid.UUID],
    look_up: bool = True,
) -> int:
    """Create new rows, update changed ones; returns the number of metadata rows written.
    `look_up` False: the table held nothing before this import, so every row is new."""
    model = MODELS[table]
    rules = table_rules()[table]
    hsds_name = {rule.attname: rule.name for rule in rules.fields.values()}
    attnames = [f.attname for f in model._meta.concrete_fields]
    stored: dict[uuid.UUID, dict[str, Any]] = {}
    for chunk in _chunks([row.id for row in rows] if look_up else [], LOOKUP_BATCH):
        for values in model.objects.filter(pk__in=chunk).values_list(*attnames):
            stored[values[0]] = dict(zip(attnames, values, strict=True))

    creates: list[CheckedRow] = []
    updates: list[Any] = []
    changed_fields: set[str] = set()
    log: list[Metadata] = []
    today = timezone.localdate(now)
    for row in rows:
        current = stored.get(row.id)
        if current is None:
            creates.append(row)
            continue
        changes = [
            (attname, current[attname], new)
            for attname, new in row.values.items()
            if current[attname] != new
        ]
        if not changes:
            counts.unchanged += 1
            continue
        for attname, old, new in changes:
            current[attname] = new
            changed_fields.add(attname)
            if table != "metadata":  # the change log does not log itself
                log.append(
                    Metadata(
                        resource_id=row.id,
                        resource_type=table,
                        last_action_date=today,
                        last_action_type="update",
                        field_name=hsds_name[attname],
                        previous_value=_as_text(old),
                        replacement_value=_as_text(new),
                        updated_by=updated_by,
                    )
                )
        if table == "service" and "last_modified" not in row.values:
            # HSDA's modified_after relies on it; the source did not say when it changed.
            current["last_modified"] = now
            changed_fields.add("last_modified")
        updates.append(model(**current))

    _insert(model, creates)
    inserted.update(_indexed_services(table, creates))
    counts.created += len(creates)
    if updates:
        model.objects.bulk_update(updates, sorted(changed_fields), batch_size=UPDATE_BATCH)
        counts.updated += len(updates)
    Metadata.objects.bulk_create(log, batch_size=METADATA_BATCH)
    return len(log)


def _indexed_services(table: str, created: list[CheckedRow]) -> Iterator[uuid.UUID]:
    """The services whose search documents new rows of `table` change: what the index's
    insert triggers would have marked (a service, a category, a language or a location
    on one)."""
    for row in created:
        if table == "service":
            yield row.id
        elif table == "attribute" and row.values.get("link_entity") == "service":
            yield row.values["link_id"]
        elif table == "language" and row.values.get("service_id") is not None:
            yield row.values["service_id"]
        elif table == "service_at_location":
            yield row.values["service_id"]


def _insert(model: type[models.Model], rows: list[CheckedRow]) -> None:
    """INSERT new rows with executemany. bulk_create builds a model instance per row and
    compiles SQL per batch of 999 parameters on SQLite, which made a 100,000-service import
    several times slower; the values here are already validated and typed, so they only
    need converting to database values, by Django's own field methods."""
    if not rows:
        return
    fields = model._meta.concrete_fields
    columns = [(f.attname, _db_converter(f), f.get_default) for f in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        if USE_COPY and connection.vendor == "postgresql":
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
            )
            # psycopg 3's COPY: one stream per batch instead of a round of INSERTs; the
            # search index's insert triggers still fire (and still skip, see above).
            with cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(
                        [
                            convert(row.values[attname] if attname in row.values else default())
                            for attname, convert, default in columns
                        ]
                    )
            return
        for chunk in _chunks(rows, INSERT_BATCH):
            params = [
                [
                    convert(row.values[attname] if attname in row.values else default())
                    for attname, convert, default in columns
                ]
                for row in chunk
            ]
            cursor.executemany(sql, params)


def _db_converter(model_field: models.Field) -> Callable[[Any], Any]:
    if isinstance(model_field, models.CharField | models.TextField):
        return _same
    if isinstance(model_field, models.UUIDField) or (
        isinstance(model_field, models.ForeignKey)
        and isinstance(model_field.target_field, models.UUIDField)
    ):
        if connection.features.has_native_uuid_field:
            return _same
        return _uuid_hex
    real_connection = connections[DEFAULT_DB_ALIAS]  # skip the proxy's lookup per value
    return functools.partial(model_field.get_db_prep_save, connection=real_connection)


def _same(value: Any) -> Any:
    return value


def _uuid_hex(value: uuid.UUID | None) -> str | None:
    # What Django's UUIDField stores on databases without a uuid type (SQLite).
    return None if value is None else value.hex


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)
