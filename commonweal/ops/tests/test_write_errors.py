"""A database's refusal to write, read from the driver's own error codes."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from django.db import DatabaseError

from commonweal.ops import write_errors


def wrapped(cause: Exception) -> DatabaseError:
    """As Django raises it: its own class, the driver's error as the cause."""
    error = DatabaseError(str(cause))
    error.__cause__ = cause
    return error


def sqlite_error(tmp_path, statement: str, *, read_only: bool) -> sqlite3.Error:
    path = tmp_path / "x.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE t (x)")
    setup.close()
    db = sqlite3.connect(f"file:{path}?mode={'ro' if read_only else 'rw'}", uri=True)
    with pytest.raises(sqlite3.Error) as raised:
        db.execute(statement)
    db.close()
    return raised.value


def test_a_read_only_sqlite_file_is_called_read_only(tmp_path) -> None:
    error = wrapped(sqlite_error(tmp_path, "INSERT INTO t VALUES (1)", read_only=True))

    assert write_errors.kind(error) == write_errors.READ_ONLY
    assert write_errors.describe(error).startswith("The database is read-only (")


def test_postgresql_disk_full_and_read_only_are_told_apart() -> None:
    full = wrapped(psycopg.errors.DiskFull("could not extend file: No space left on device"))
    standby = wrapped(
        psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
    )

    assert write_errors.kind(full) == write_errors.DISK_FULL
    assert write_errors.kind(standby) == write_errors.READ_ONLY
    assert "disk is full" in write_errors.describe(full)


def test_any_other_refusal_keeps_only_the_first_line() -> None:
    error = wrapped(
        psycopg.errors.UniqueViolation(
            "duplicate key value violates unique constraint\nDETAIL:  Key (name)=(Maria) exists."
        )
    )

    assert write_errors.kind(error) == write_errors.OTHER
    assert "Maria" not in write_errors.describe(error)
    assert "duplicate key" in write_errors.describe(error)


def test_a_driver_error_django_did_not_wrap_is_caught_and_told_too() -> None:
    # psycopg's COPY on a raw cursor raises psycopg's own classes.
    error = psycopg.errors.ReadOnlySqlTransaction(
        "cannot execute COPY FROM in a read-only transaction"
    )

    assert isinstance(error, write_errors.DATABASE_ERRORS)
    assert write_errors.kind(error) == write_errors.READ_ONLY
