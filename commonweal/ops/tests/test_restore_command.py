"""`commonweal restore` as an operator runs it: a real process against a fresh database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from commonweal.directory.models import Organization
from commonweal.ops import backup
from commonweal.ops.tests.databases import (
    database_url,
    fresh_database,
    is_postgresql,
    migration_rows,
    require_pg_client,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def commonweal(*args: str, database: dict) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="1", SECRET_KEY="restore-command-test", DATABASE_URL=database_url(database))
    return subprocess.run(
        [sys.executable, "-m", "commonweal", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_it_restores_an_older_backup_says_to_migrate_then_refuses_to_overwrite(
    tmp_path,
) -> None:
    source = dict(connection.settings_dict)
    if is_postgresql(source):
        require_pg_client()
    Organization.objects.create(name="Northside Food Bank", description="Groceries.")
    with migration_rows(source, remove=("sessions", "0001_initial")):
        archive = backup.back_up(source, output=tmp_path).path

    with fresh_database(source, tmp_path / "restored") as target:
        first = commonweal("restore", str(archive), database=target)
        again = commonweal("restore", str(archive), database=target)

    assert first.returncode == 0, first.stderr
    assert "Restored the backup made" in first.stdout
    assert "sessions.0001_initial" in first.stdout
    assert "Run `commonweal migrate` now" in first.stdout
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    (line,) = again.stderr.strip().splitlines()
    assert re.fullmatch(
        r"CommandError: The configured database is not empty \(\d+ tables\)\. A restore "
        r"replaces everything in it: run again with --force to overwrite it\.",
        line,
    )
