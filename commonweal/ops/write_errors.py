"""A database's refusal to write (disk full, read-only), told in one line a person can act on."""

from __future__ import annotations

import sqlite3

from django.db import DatabaseError
from django.utils.translation import gettext as _

# SQLite result codes (https://www.sqlite.org/rescode.html) and PostgreSQL SQLSTATEs
# (https://www.postgresql.org/docs/current/errcodes-appendix.html).
SQLITE_FULL = {"SQLITE_FULL"}
SQLITE_READ_ONLY_PREFIX = "SQLITE_READONLY"
SQLITE_CANT_OPEN = {"SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"}
# A write the operating system refused: EFBIG past a file size limit, EIO from a failing disk.
SQLITE_IO_PREFIX = "SQLITE_IOERR"
PG_FULL = {"53100"}  # disk_full
PG_RESOURCES = {"53000", "53200", "53400"}  # insufficient resources, out of memory, limits
PG_READ_ONLY = {"25006"}  # read_only_sql_transaction (also a hot standby)


def _driver_errors() -> tuple[type[Exception], ...]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite-only installs
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


# What a caller catches beside Django's DatabaseError: a driver's own error, raised by
# what Django does not wrap (psycopg's COPY on a raw cursor, a sqlite3 backup).
DATABASE_ERRORS: tuple[type[Exception], ...] = (DatabaseError, *_driver_errors())

DISK_FULL = "disk_full"
READ_ONLY = "read_only"
CANNOT_OPEN = "cannot_open"
IO_ERROR = "io_error"
OTHER = "other"


def kind(error: Exception) -> str:
    """Which of DISK_FULL, READ_ONLY, CANNOT_OPEN, IO_ERROR or OTHER this error is."""
    cause = error.__cause__ or error
    sqlite_name = getattr(cause, "sqlite_errorname", "") or ""
    sqlstate = getattr(cause, "sqlstate", "") or getattr(cause, "pgcode", "") or ""
    text = str(error).lower()
    if (
        sqlite_name in SQLITE_FULL
        or sqlstate in PG_FULL
        or "disk is full" in text
        or "no space left" in text
    ):
        return DISK_FULL
    if (
        sqlite_name.startswith(SQLITE_READ_ONLY_PREFIX)
        or sqlstate in PG_READ_ONLY
        or "readonly database" in text
        or "read-only" in text
    ):
        return READ_ONLY
    if sqlite_name in SQLITE_CANT_OPEN:
        return CANNOT_OPEN
    if sqlite_name.startswith(SQLITE_IO_PREFIX) or sqlstate.startswith("58"):
        return IO_ERROR
    return OTHER


def first_line(error: BaseException) -> str:
    """The database's own message, first line only (a PostgreSQL DETAIL can quote a row)."""
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else type(error).__name__


def describe(error: Exception) -> str:
    """Why the write failed and what to do, without a traceback."""
    reason = first_line(error)
    found = kind(error)
    if found == DISK_FULL:
        return _(
            "The database could not grow: the disk is full ({reason}). Free some space and "
            "try again."
        ).format(reason=reason)
    if found == READ_ONLY:
        return _(
            "The database is read-only ({reason}). Check the database file's and its folder's "
            "permissions, or that DATABASE_URL names the primary server, not a replica."
        ).format(reason=reason)
    if found == CANNOT_OPEN:
        return _(
            "The database file could not be opened for writing ({reason}). Check its "
            "folder's permissions and free space."
        ).format(reason=reason)
    if found == IO_ERROR:
        return _(
            "The database could not write to the disk ({reason}): the disk may be full, over "
            "a file size limit, or failing. Free some space or check the disk, and try again."
        ).format(reason=reason)
    return _("The database refused the write ({reason}).").format(reason=reason)
