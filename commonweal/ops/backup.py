"""Back up the site's database into one archive: the database copy and its manifest.

SQLite is copied with its online backup API in one step, i.e. inside one read transaction:
in WAL mode the site keeps writing meanwhile and the copy is the database as it was when
the step began. PostgreSQL is dumped with `pg_dump --format=custom`, itself a consistent
snapshot. The archive is written under a temporary name and renamed when complete, so a
file with the final name is never half a backup. Encrypted fields are copied as stored
(ciphertext); the keys are not in the backup and must be kept apart (docs/backups.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal.ops import pg_tools
from commonweal.ops.manifest import (
    MANIFEST_NAME,
    POSTGRESQL,
    SQLITE,
    Manifest,
    Migration,
)

CHUNK = 1024 * 1024
MIGRATIONS_COPY_HEADER = "COPY public.django_migrations "


class BackupFailed(Exception):
    """The backup could not be made; nothing was left under the backup's name."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    tables: int


def default_name(now: dt.datetime) -> str:
    return f"commonweal-backup-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar"


def target_path(output: Path | None, now: dt.datetime) -> Path:
    """`output` itself, or a dated file name inside it when it is a folder (or None: here)."""
    if output is None:
        return Path.cwd() / default_name(now)
    if output.is_dir():
        return output / default_name(now)
    return output


def format_for(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return SQLITE
    if "postgresql" in engine:
        return POSTGRESQL
    raise BackupFailed(
        _("Backups support SQLite and PostgreSQL, not {engine}.").format(engine=engine)
    )


def back_up(
    settings_dict: dict[str, Any],
    *,
    output: Path | None = None,
    pg_bin_dir: str | None = None,
    version: str = "",
) -> BackupResult:
    """Copy the database described by a Django DATABASES entry into a new archive."""
    fmt = format_for(settings_dict)
    now = timezone.now()
    path = target_path(output, now)
    if path.exists():
        raise BackupFailed(
            _("{path} already exists; a backup never overwrites a file.").format(path=path)
        )
    if not path.parent.is_dir():
        raise BackupFailed(_("The folder {folder} does not exist.").format(folder=path.parent))
    with tempfile.TemporaryDirectory(prefix=".commonweal-backup-", dir=path.parent) as work:
        copy = Path(work) / "database"
        if fmt == SQLITE:
            migrations, tables = _copy_sqlite(settings_dict["NAME"], copy)
        else:
            migrations, tables = _dump_postgresql(settings_dict, copy, pg_bin_dir)
        manifest = Manifest(
            format=fmt,
            created_at=now,
            migrations=migrations,
            sha256=sha256_of(copy),
            size=copy.stat().st_size,
            commonweal_version=version,
        )
        partial = Path(work) / "archive.tar"
        _write_archive(partial, manifest, copy)
        os.replace(partial, path)
    _fsync_folder(path.parent)
    return BackupResult(path=path, manifest=manifest, tables=tables)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sqlite_source(name: str | os.PathLike[str]) -> sqlite3.Connection:
    """A connection to the site's SQLite database (a path, or a `file:` URI as in tests)."""
    text = str(name)
    if text.startswith("file:"):
        return sqlite3.connect(text, uri=True)
    if not Path(text).is_file():
        raise BackupFailed(_("There is no SQLite database at {path}.").format(path=text))
    return sqlite3.connect(text)


def _copy_sqlite(name: str | os.PathLike[str], copy: Path) -> tuple[frozenset[Migration], int]:
    source = sqlite_source(name)
    target = sqlite3.connect(copy)
    try:
        # pages=-1: the whole database in one step, i.e. one read transaction. Stepping in
        # smaller pieces would restart whenever the site writes, maybe for ever.
        source.backup(target, pages=-1)
        # A self-contained file: no -wal beside it to lose when it is archived.
        target.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise BackupFailed(
                _("The copy failed SQLite's check ({verdict}).").format(verdict=verdict)
            )
        migrations = frozenset(target.execute("SELECT app, name FROM django_migrations"))
        (tables,) = target.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(
            _("SQLite could not copy the database: {reason}").format(reason=exc)
        ) from None
    finally:
        target.close()
        source.close()
    return migrations, tables


def _dump_postgresql(
    settings_dict: dict[str, Any], copy: Path, pg_bin_dir: str | None
) -> tuple[frozenset[Migration], int]:
    pg_dump = pg_tools.find("pg_dump", pg_bin_dir)
    pg_restore = pg_tools.find("pg_restore", pg_bin_dir)
    try:
        pg_tools.run([pg_dump, "--format=custom", f"--file={copy}"], settings_dict)
        # The schema version read back from the dump itself (not the live database, which
        # may have moved on), and proof that pg_restore can read the file.
        listing = pg_tools.run([pg_restore, "--list", str(copy)], settings_dict)
        rows = pg_tools.run(
            [pg_restore, "--data-only", "--table=django_migrations", "--file=-", str(copy)],
            settings_dict,
        )
    except pg_tools.ToolFailed as exc:
        raise BackupFailed(str(exc)) from None
    tables = sum(" TABLE public " in line for line in listing.stdout.decode().splitlines())
    return migrations_from_copy(rows.stdout.decode()), tables


def migrations_from_copy(sql: str) -> frozenset[Migration]:
    """(app, name) rows of django_migrations from pg_restore's COPY text output."""
    found: set[Migration] = set()
    inside = False
    for line in sql.splitlines():
        if line.startswith(MIGRATIONS_COPY_HEADER):
            inside = True
            continue
        if inside:
            if line == "\\.":
                break
            _id, app, name, *_rest = line.split("\t")
            found.add((app, name))
    if not found:
        raise BackupFailed(
            _("The dump holds no django_migrations rows: is this a commonweal database?")
        )
    return frozenset(found)


def _write_archive(path: Path, manifest: Manifest, copy: Path) -> None:
    with path.open("wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
            text = manifest.to_json().encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size = len(text)
            info.mtime = int(manifest.created_at.timestamp())
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(text))
            member = archive.gettarinfo(str(copy), arcname=manifest.member)
            member.mode = 0o600
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            with copy.open("rb") as handle:
                archive.addfile(member, handle)
        raw.flush()
        os.fsync(raw.fileno())
    path.chmod(0o600)  # the backup holds person data (encrypted fields aside)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
