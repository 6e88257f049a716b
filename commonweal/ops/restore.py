"""Restore a backup archive (commonweal/ops/backup.py) into the site's database.

Checks come before any write: the archive is whole (its checksum), its format fits the
configured database, its schema is not newer than this code, and the target is empty
unless the caller forces the overwrite. SQLite is restored with the backup API into the
target file (readers never see half a database); PostgreSQL with `pg_restore` in a single
transaction, so a failed restore leaves the target as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend
from django.utils.translation import gettext as _

from commonweal.ops import pg_tools
from commonweal.ops.backup import CHUNK, format_for
from commonweal.ops.manifest import (
    MANIFEST_NAME,
    POSTGRESQL,
    SQLITE,
    BadManifest,
    Manifest,
    Migration,
    SchemaComparison,
    compare,
    describe,
)


class RestoreRefused(Exception):
    """The restore was not attempted, or failed and left the target as it was."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    schema: SchemaComparison
    tables: int
    left_in_place: tuple[str, ...] = ()  # tables the target had and the backup did not


def code_migrations() -> frozenset[Migration]:
    """Every migration this code ships (replaced ones too: a database may have them applied)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.disk_migrations)


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            member = tar.extractfile(MANIFEST_NAME)
            if member is None:
                raise KeyError(MANIFEST_NAME)
            return Manifest.from_json(member.read())
    except FileNotFoundError:
        raise RestoreRefused(_("There is no file {path}.").format(path=archive)) from None
    except (tarfile.TarError, KeyError, EOFError, OSError):
        raise RestoreRefused(
            _("{path} is not a commonweal backup (no manifest.json in a tar archive).").format(
                path=archive
            )
        ) from None
    except BadManifest as exc:
        raise RestoreRefused(
            _("{path} cannot be restored: {reason}.").format(path=archive, reason=exc)
        ) from None


def check_schema(manifest: Manifest) -> SchemaComparison:
    schema = compare(manifest.migrations, code_migrations())
    if schema.newer:
        raise RestoreRefused(
            _(
                "This backup is from a newer version of commonweal: its database has "
                "migrations this code does not know ({migrations}). Upgrade commonweal to "
                "the version that made it (or newer), then restore."
            ).format(migrations=describe(schema.unknown))
        )
    return schema


def restore(
    archive: Path,
    settings_dict: dict[str, Any],
    *,
    force: bool = False,
    pg_bin_dir: str | None = None,
) -> RestoreResult:
    """Replace the database of a Django DATABASES entry with the archive's copy."""
    manifest = read_manifest(archive)
    fmt = format_for(settings_dict)
    if fmt != manifest.format:
        raise RestoreRefused(
            _(
                "This is a {backup} backup, but the configured database is {target}: restore "
                "it into a database of the same kind."
            ).format(backup=manifest.format, target=fmt)
        )
    schema = check_schema(manifest)
    if fmt == POSTGRESQL:
        # Found before any work: a missing pg_restore is the first thing to say.
        pg_restore = pg_tools.find("pg_restore", pg_bin_dir)
    existing = table_names(settings_dict)
    if existing and not force:
        raise RestoreRefused(
            _(
                "The configured database is not empty ({count} tables). A restore replaces "
                "everything in it: run again with --force to overwrite it."
            ).format(count=len(existing))
        )
    with tempfile.TemporaryDirectory(prefix=".commonweal-restore-") as work:
        copy = Path(work) / manifest.member
        _extract(archive, manifest, copy)
        if fmt == SQLITE:
            # The whole file is replaced: nothing of the old database can be left over.
            _restore_sqlite(copy, settings_dict)
            kept: set[str] = set()
        else:
            # --clean drops only what the backup holds; a table it lacks stays.
            dumped = _restore_postgresql(copy, settings_dict, pg_restore)
            kept = set(existing) - dumped
    return RestoreResult(
        manifest=manifest,
        schema=schema,
        tables=len(table_names(settings_dict)),
        left_in_place=tuple(sorted(kept)),
    )


def table_names(settings_dict: dict[str, Any]) -> list[str]:
    """The target's tables; an absent SQLite file has none (and is not created here)."""
    name = str(settings_dict["NAME"])
    if settings_dict["ENGINE"].endswith("sqlite3") and not name.startswith("file:"):
        path = Path(name)
        if not path.exists() or path.stat().st_size == 0:
            return []
    wrapper = database(settings_dict)
    try:
        with wrapper.cursor() as cursor:
            return wrapper.introspection.table_names(cursor)
    except DatabaseError as exc:
        raise RestoreRefused(
            _("The configured database cannot be read: {reason}").format(reason=exc)
        ) from None
    finally:
        wrapper.close()


def database(settings_dict: dict[str, Any]) -> Any:
    """A Django connection of its own to the target (not the shared `connections`)."""
    # Django's defaults for the keys an entry may leave out (OPTIONS, TIME_ZONE …).
    complete = connections.configure_settings({DEFAULT_DB_ALIAS: dict(settings_dict)})
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(complete[DEFAULT_DB_ALIAS], alias="commonweal-restore")


def _extract(archive: Path, manifest: Manifest, copy: Path) -> None:
    digest = hashlib.sha256()
    size = 0
    try:
        with tarfile.open(archive, mode="r:") as tar:
            member = tar.extractfile(manifest.member)
            if member is None:
                raise KeyError(manifest.member)
            with copy.open("wb") as out:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
    except (tarfile.TarError, KeyError, EOFError):
        raise RestoreRefused(
            _("{path} is incomplete: it has no {member}.").format(
                path=archive, member=manifest.member
            )
        ) from None
    if size != manifest.size or digest.hexdigest() != manifest.sha256:
        raise RestoreRefused(
            _(
                "{path} is damaged: its database copy does not match the checksum in its "
                "manifest. Nothing was restored; use another backup."
            ).format(path=archive)
        )


def _restore_sqlite(copy: Path, settings_dict: dict[str, Any]) -> None:
    name = str(settings_dict["NAME"])
    source = sqlite3.connect(copy)
    try:
        target = sqlite3.connect(name, uri=name.startswith("file:"))
    except sqlite3.Error as exc:
        source.close()
        raise RestoreRefused(
            _("The database {path} cannot be opened: {reason}").format(path=name, reason=exc)
        ) from None
    try:
        # The backup API writes the whole copy into the target in one transaction: another
        # connection sees the old database or the new one, never a mix.
        source.backup(target)
    except sqlite3.Error as exc:
        raise RestoreRefused(
            _("SQLite could not restore into {path}: {reason}").format(path=name, reason=exc)
        ) from None
    finally:
        target.close()
        source.close()


def _restore_postgresql(copy: Path, settings_dict: dict[str, Any], pg_restore: str) -> set[str]:
    try:
        listing = pg_tools.run([pg_restore, "--list", str(copy)], settings_dict)
        pg_tools.run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings_dict['NAME']}",
                str(copy),
            ],
            settings_dict,
        )
    except pg_tools.ToolFailed as exc:
        raise RestoreRefused(
            _("{reason}. The restore was one transaction: the database is as it was.").format(
                reason=exc
            )
        ) from None
    return dumped_tables(listing.stdout.decode())


def dumped_tables(listing: str) -> set[str]:
    """Table names in `pg_restore --list` output ('123; 1259 16390 TABLE public name owner')."""
    names = set()
    for line in listing.splitlines():
        if line.startswith(";"):
            continue
        parts = line.split()
        if len(parts) >= 6 and parts[3] == "TABLE" and parts[4] == "public":
            names.add(parts[5])
    return names
