"""`commonweal import` into a database that is full or read-only: one clear line, a non-zero
exit, and the database exactly as before. The import runs as a real process, so that the
file size limit (RLIMIT_FSIZE) and the permissions apply to it alone."""

from __future__ import annotations

import ctypes
import hashlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from commonweal.directory.models import Location, Organization, Service
from commonweal.directory.tests.hsds_fixtures import HSDS3_CSV, SERVICE_ID
from commonweal.ops import backup
from commonweal.ops.tests.databases import database_url, snapshot

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
# Room for SQLite's write-ahead log to start, far too little for the import's pages.
FILE_SIZE_LIMIT = 64 * 1024
PR_CAPBSET_DROP = 24  # linux/prctl.h
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3  # linux/capability.h


@pytest.fixture
def directory_rows(db) -> None:
    for n in range(3):
        organization = Organization.objects.create(name=f"Pantry {n}", description="Food.")
        Service.objects.create(organization=organization, name=f"Groceries {n}")
        Location.objects.create(organization=organization, name=f"Hall {n}")


@pytest.fixture
def sqlite_site(directory_rows, tmp_path) -> Path:
    """A site's data folder: the migrated test database copied to a file, in WAL mode."""
    if connection.vendor != "sqlite":
        pytest.skip(
            "SKIPPED LOUDLY: the full and read-only SQLite file cases run in the SQLite pass "
            "(CI runs both); this PostgreSQL pass tests a read-only PostgreSQL below"
        )
    folder = tmp_path / "site"
    folder.mkdir()
    source = backup.sqlite_source(connection.settings_dict["NAME"])
    target = sqlite3.connect(folder / "commonweal.sqlite3")
    source.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    source.close()
    return folder


def fingerprint(path: Path) -> tuple[dict[str, int], str]:
    """Row counts of every table and a checksum of every row."""
    db = sqlite3.connect(path)
    try:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        counts, digest = {}, hashlib.sha256()
        for table in sorted(tables):
            rows = sorted(repr(row) for row in db.execute(f'SELECT * FROM "{table}"'))
            counts[table] = len(rows)
            digest.update(f"{table}:{'|'.join(rows)}".encode())
        return counts, digest.hexdigest()
    finally:
        db.close()


def run_import(env: dict[str, str], cwd: Path, preexec=None) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "commonweal", "import", str(HSDS3_CSV)],
        cwd=cwd,
        env={**base, "DEBUG": "1", "SECRET_KEY": "import-fault-tests", **env},
        preexec_fn=preexec,
        capture_output=True,
        text=True,
        timeout=300,
    )


def limit_file_size() -> None:
    # Without SIG_IGN the kernel kills a process that writes past the limit (SIGXFSZ);
    # ignored, the write fails with EFBIG as on a disk that is full.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def obey_file_permissions() -> None:
    """Root ignores a file's permissions; without these capabilities it obeys them."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if "Error" in line]
    assert len(errors) == 1, result.stderr
    (line,) = errors
    assert line.startswith("CommandError: ") and "Nothing was imported" in line
    for word in words:
        assert word in line, line


def test_an_import_onto_a_full_disk_says_so_and_loses_nothing(sqlite_site) -> None:
    database = sqlite_site / "commonweal.sqlite3"
    before = fingerprint(database)
    env = {"COMMONWEAL_DATA_DIR": str(sqlite_site)}

    failed = run_import(env, sqlite_site, preexec=limit_file_size)

    assert_one_clear_line(failed, "disk")
    assert fingerprint(database) == before
    # With room again the same import goes through: the check above could have failed.
    retried = run_import(env, sqlite_site)
    assert retried.returncode == 0, retried.stderr
    counts, _ = fingerprint(database)
    assert counts["directory_service"] == before[0]["directory_service"] + 1
    assert sqlite3.connect(database).execute(
        "SELECT count(*) FROM directory_service WHERE id = ?", [SERVICE_ID.replace("-", "")]
    ).fetchone() == (1,)


def test_an_import_into_a_read_only_database_says_so_and_loses_nothing(sqlite_site) -> None:
    database = sqlite_site / "commonweal.sqlite3"
    before = fingerprint(database)
    database.chmod(0o444)
    try:
        failed = run_import(
            {"COMMONWEAL_DATA_DIR": str(sqlite_site)}, sqlite_site, preexec=obey_file_permissions
        )
    finally:
        database.chmod(0o644)

    assert_one_clear_line(failed, "read-only")
    assert fingerprint(database) == before


def test_an_import_into_a_read_only_postgresql_says_so_and_loses_nothing(
    directory_rows, tmp_path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SKIPPED LOUDLY: a read-only PostgreSQL needs the suite on PostgreSQL "
            "(CI's second run); the SQLite pass tests a read-only SQLite file above"
        )
    settings_dict = connection.settings_dict
    before = snapshot(settings_dict)
    url = database_url(settings_dict)
    # As a hot standby (or a database set read-only) answers every write.
    failed = run_import(
        {"DATABASE_URL": url, "PGOPTIONS": "-c default_transaction_read_only=on"}, tmp_path
    )

    assert_one_clear_line(failed, "read-only")
    assert snapshot(settings_dict) == before
