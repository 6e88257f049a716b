"""Import speed: `import_tabular` against a bare `executemany` INSERT of the same rows.

Builds a directory of ~N services by replicating real data (the Miami 211 directory read by
`sources.miami211`, or the HSDS 3.0 example when that reader or ../shared/data is absent)
with new ids and jittered coordinates, then, in one process and one fresh database
(SQLite file by default; DATABASE_URL for PostgreSQL, where a `test_<name>` database is
created and dropped):

- import: `import_tabular(data)` from HSDS string rows: validation, foreign-key checks,
  upsert lookups, bulk inserts, all in one transaction;
- baseline: `cursor.executemany(INSERT ...)` of exactly the same rows into the same tables
  in one transaction, with parameters converted to database values *before* the clock
  starts, and the search index's insert triggers off as the importer has them (the
  fastest any importer could write them; the import also builds the search index).

Tables are emptied before each timed run. Prints medians over --repeat runs.

    .venv/bin/python benchmarks/bench_import.py [--services 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MIAMI = ROOT.parent / "shared" / "data" / "hsds-miami-211"
EXAMPLE = ROOT / "commonweal" / "directory" / "tests" / "fixtures" / "hsds3" / "csv"
# Taxonomies are shared by every copy, as a real directory shares one taxonomy.
SHARED_TABLES = {"taxonomy", "taxonomy_term"}
NAMESPACE = uuid.UUID("7d1c1f4e-3b7a-4a53-9d55-6f1b8f0e2a10")


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonweal.settings")
    # DEBUG would keep every query in memory; a throwaway key is enough for a benchmark.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("COMMONWEAL_DATA_DIR", str(workdir))
    import django

    django.setup()


def load_base() -> tuple[dict, str]:
    from commonweal.directory.hsds_reader import read_datapackage

    try:
        from commonweal.directory.sources import miami211

        if MIAMI.exists():
            return miami211.read(MIAMI), "Miami 211 (sources.miami211)"
    except ImportError:
        pass
    return read_datapackage(EXAMPLE), "HSDS 3.0 example (fixtures/hsds3)"


def shared_ids_of(base: dict) -> set[str]:
    """Ids every copy shares (the taxonomies) rather than renumbers."""
    return {row.values["id"] for table in SHARED_TABLES for row in base.get(table, [])}


def copy_values(
    rows: list, table: str, copy: int, shared_ids: set[str], rng: random.Random
) -> Iterator[dict[str, str]]:
    """The values of copy number `copy` of one table's rows: fresh uuid5 ids (same copy,
    same ids, so foreign keys still meet) and coordinates jittered by up to 0.01°."""

    def new_id(value: str) -> str:
        if not value or value in shared_ids:
            return value
        return str(uuid.uuid5(NAMESPACE, f"{copy}:{value}"))

    for row in rows:
        values = dict(row.values)
        for name, value in values.items():
            if name == "id" or name.endswith("_id"):
                values[name] = new_id(value)
        if table == "location":
            for name, limit in (("latitude", 90.0), ("longitude", 180.0)):
                if values.get(name):
                    jittered = float(values[name]) + rng.uniform(-0.01, 0.01)
                    values[name] = f"{max(-limit, min(limit, jittered)):.6f}"
        yield values


def copies_for(base: dict, services: int) -> int:
    return max(1, round(services / max(1, len(base.get("service", [])))))


def replicate(base: dict, services: int, seed: int = 20240516) -> tuple[dict, int]:
    """Copies of `base` with fresh uuid5 ids (same copy, same ids) and jittered coordinates."""
    from commonweal.directory.tabular import Row

    shared_ids = shared_ids_of(base)
    per_copy = max(1, len(base.get("service", [])))
    copies = copies_for(base, services)
    rng = random.Random(seed)
    data: dict[str, list] = {table: list(base[table]) for table in SHARED_TABLES if table in base}
    for copy in range(copies):
        for table, rows in base.items():
            if table in SHARED_TABLES:
                continue
            out = data.setdefault(table, [])
            for row, values in zip(
                rows, copy_values(rows, table, copy, shared_ids, rng), strict=True
            ):
                out.append(Row(table, values, row.ref, row.source_columns))
    return data, copies * per_copy


def empty_tables() -> None:
    from django.db import connection, transaction

    from commonweal.directory.validation import MODELS, TABLE_ORDER

    tables = [MODELS[t]._meta.db_table for t in reversed(TABLE_ORDER)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
            )
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        # The search index too, so that every timed import starts from an empty one (and
        # not with the marks the deletes above left for its refresh).
        from commonweal.directory.search import index

        search_tables = [index.DIRTY_TABLE, index.DOC_TABLE, index.WORD_TABLE]
        if connection.vendor != "postgresql":
            search_tables.append(index.FTS_TABLE)
        for table in search_tables:
            cursor.execute(f"DELETE FROM {table}")


def baseline_statements(data: dict) -> list[tuple[str, list[tuple]]]:
    """INSERT statements and ready database parameters for the rows the import writes."""
    from django.db import connection

    from commonweal.directory.validation import MODELS, TABLE_ORDER, validate

    validated = validate(data)
    if validated.issues:
        raise SystemExit(f"benchmark data has problems: {validated.issues[:3]}")
    statements = []
    for table in TABLE_ORDER:
        rows = validated.rows.get(table)
        if not rows:
            continue
        model = MODELS[table]
        fields = model._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
        params = []
        for row in rows:
            params.append(
                tuple(
                    f.get_db_prep_save(
                        row.values[f.attname] if f.attname in row.values else f.get_default(),
                        connection,
                    )
                    for f in fields
                )
            )
        statements.append((sql, params))
    return statements


def run_import(data: dict, *, copy: bool | None = None) -> float:
    from commonweal.directory import importer
    from commonweal.directory.importer import import_tabular

    if copy is not None:
        importer.USE_COPY = copy
    started = time.perf_counter()
    summary = import_tabular(data, source="benchmark")
    elapsed = time.perf_counter() - started
    if summary.rejected:
        raise SystemExit(f"benchmark import rejected rows: {summary.rejected[:3]}")
    return elapsed


def run_baseline(statements: list[tuple[str, list[tuple]]]) -> float:
    from django.db import connection, transaction

    from commonweal.directory.search import index

    started = time.perf_counter()
    with transaction.atomic(), index.inserts_unmarked(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.executemany(sql, params)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--compare-copy",
        action="store_true",
        help="PostgreSQL: also time the import with executemany INSERTs instead of COPY",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-import-") as workdir:
        setup_django(Path(workdir))
        from django.db import connection

        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
                Path(workdir) / "bench.sqlite3"
            )
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            base, label = load_base()
            data, services = replicate(base, args.services)
            rows = sum(len(r) for r in data.values())
            statements = baseline_statements(data)
            print(f"database: {connection.vendor} ({test_db}); data: {label}")
            print(f"services: {services:,}; rows in all tables: {rows:,}; repeats: {args.repeat}")
            imports, baselines, without_copy = [], [], []
            compare = args.compare_copy and connection.vendor == "postgresql"
            for run in range(args.repeat):
                empty_tables()
                imports.append(run_import(data, copy=True))
                if compare:
                    empty_tables()
                    without_copy.append(run_import(data, copy=False))
                empty_tables()
                baselines.append(run_baseline(statements))
                print(
                    f"  run {run + 1}: import {imports[-1]:.2f} s, "
                    + (f"import without COPY {without_copy[-1]:.2f} s, " if compare else "")
                    + f"executemany {baselines[-1]:.2f} s"
                )
            if compare:
                plain_s = statistics.median(without_copy)
                print(
                    f"import, INSERTs: {services / plain_s:10,.0f} services/s  (median {plain_s:.2f} s)"
                )
            import_s, base_s = statistics.median(imports), statistics.median(baselines)
            print(
                f"import_tabular : {services / import_s:10,.0f} services/s  (median {import_s:.2f} s)"
            )
            print(
                f"executemany    : {services / base_s:10,.0f} services/s  (median {base_s:.2f} s)"
            )
            print(
                f"ratio import/executemany speed: {base_s / import_s:.2f}  (import takes {import_s / base_s:.1f}x as long)"
            )
        finally:
            connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
