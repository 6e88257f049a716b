"""Fresh databases to restore into, and full snapshots of a database's tables to compare."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from commonweal.ops import restore

Snapshot = dict[str, list[tuple[Any, ...]]]


def is_postgresql(settings_dict: dict[str, Any]) -> bool:
    return "postgresql" in settings_dict["ENGINE"]


def require_pg_client() -> None:
    """pg_dump and pg_restore on PATH (or PG_BIN_DIR), or a loud skip (a failure under CI)."""
    bin_dir = os.environ.get("PG_BIN_DIR")
    missing = [
        program
        for program in ("pg_dump", "pg_restore")
        if not (Path(bin_dir, program).exists() if bin_dir else shutil.which(program))
    ]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the PostgreSQL client tools, but {missing} are missing")
        pytest.skip(
            f"SKIPPED LOUDLY: needs the PostgreSQL client tools ({', '.join(missing)} not "
            "found on PATH or in PG_BIN_DIR)"
        )


@contextmanager
def fresh_database(settings_dict: dict[str, Any], folder: Path) -> Iterator[dict[str, Any]]:
    """An empty database like `settings_dict`'s: a new SQLite file, or a new PostgreSQL
    database on the same server (cw_backup_restore_<random>), dropped afterwards."""
    if not is_postgresql(settings_dict):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"restored-{secrets.token_hex(4)}.sqlite3"
        yield {**settings_dict, "NAME": str(path)}
        return
    from psycopg import sql

    name = f"cw_backup_restore_{secrets.token_hex(6)}"
    admin = admin_connection(settings_dict)
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield {**settings_dict, "NAME": name}
    finally:
        try:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        finally:
            admin.close()


def admin_connection(settings_dict: dict[str, Any]) -> Any:
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def snapshot(settings_dict: dict[str, Any]) -> Snapshot:
    """Every row of every table, in a stable order (the test worlds are small)."""
    wrapper = restore.database(settings_dict)
    try:
        with wrapper.cursor() as cursor:
            tables = wrapper.introspection.table_names(cursor)
            found: Snapshot = {}
            for table in tables:
                cursor.execute(f"SELECT * FROM {wrapper.ops.quote_name(table)}")
                found[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
        return found
    finally:
        wrapper.close()


def execute(settings_dict: dict[str, Any], statement: str, params: list[Any]) -> None:
    wrapper = restore.database(settings_dict)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(statement, params)
        if not wrapper.get_autocommit():
            wrapper.commit()
    finally:
        wrapper.close()


def raw_rows(settings_dict: dict[str, Any], table: str, columns: list[str]) -> list[tuple]:
    wrapper = restore.database(settings_dict)
    qn = wrapper.ops.quote_name
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)}")
            return cursor.fetchall()
    finally:
        wrapper.close()


def database_url(settings_dict: dict[str, Any]) -> str:
    """DATABASE_URL for a DATABASES entry, for a command run as its own process."""
    if not is_postgresql(settings_dict):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    return "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=quote(settings_dict.get("USER") or "", safe=""),
        password=quote(settings_dict.get("PASSWORD") or "", safe=""),
        host=settings_dict.get("HOST") or "localhost",
        port=settings_dict.get("PORT") or 5432,
        name=quote(settings_dict["NAME"], safe=""),
    )


@contextmanager
def migration_rows(
    source: dict[str, Any],
    *,
    add: tuple[str, str] | None = None,
    remove: tuple[str, str] | None = None,
) -> Iterator[None]:
    """The source's schema version changed for one backup, and put back afterwards (the
    tests' flush leaves django_migrations alone)."""
    insert = "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)"
    delete = "DELETE FROM django_migrations WHERE app = %s AND name = %s"
    if add:
        execute(source, insert, [*add, "2030-01-01 00:00:00+00:00"])
    if remove:
        execute(source, delete, list(remove))
    try:
        yield
    finally:
        if add:
            execute(source, delete, list(add))
        if remove:
            execute(source, insert, [*remove, "2020-01-01 00:00:00+00:00"])
