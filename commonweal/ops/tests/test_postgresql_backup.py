"""pg_dump / pg_restore round trip on a small PostgreSQL database, whatever database the suite
runs on: it needs only a reachable server (127.0.0.1:5432, or the suite's own) and the
client tools. The full world's round trip runs in test_backup_restore.py on PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import pytest
from cryptography.fernet import Fernet
from django.db import connection

from commonweal.lib import encryption
from commonweal.ops import backup, pg_tools, restore
from commonweal.ops.tests.databases import (
    admin_connection,
    execute,
    fresh_database,
    is_postgresql,
    raw_rows,
    require_pg_client,
    snapshot,
)

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
NOTE = "Lives with her sister since March."


@pytest.fixture
def server() -> dict:
    """A DATABASES entry for the PostgreSQL server, or a loud skip (a failure under CI)."""
    require_pg_client()
    if is_postgresql(connection.settings_dict):
        return dict(connection.settings_dict)
    settings_dict = dj_database_url.parse(DEFAULT_SERVER)
    try:
        admin_connection(settings_dict).close()
    except Exception as exc:  # psycopg's OperationalError, or no server at all
        if os.environ.get("CI"):
            pytest.fail(f"CI must have a PostgreSQL server at {DEFAULT_SERVER}: {exc}")
        pytest.skip(f"SKIPPED LOUDLY: no PostgreSQL server at {DEFAULT_SERVER} ({exc})")
    return settings_dict


@pytest.fixture
def keys(settings):
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def small_site(target: dict) -> None:
    """A schema version this code knows (one migration short: an older site) and a note."""
    statements = [
        "CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255), "
        "name varchar(255), applied timestamptz)",
        "CREATE TABLE referrals_note (id serial PRIMARY KEY, body text NOT NULL)",
    ]
    for statement in statements:
        execute(target, statement, [])
    for app, name in sorted(restore.code_migrations())[:-1]:
        execute(
            target,
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())",
            [app, name],
        )
    execute(target, "INSERT INTO referrals_note (body) VALUES (%s)", [encryption.encrypt(NOTE)])


@pytest.mark.django_db
def test_a_dump_restores_into_a_fresh_database_with_its_notes_readable(
    server, keys, tmp_path: Path
) -> None:
    with (
        fresh_database(server, tmp_path) as site,
        fresh_database(server, tmp_path) as target,
    ):
        small_site(site)
        made = backup.back_up(site, output=tmp_path)
        assert made.manifest.format == "postgresql-custom"
        assert made.tables == 2

        result = restore.restore(made.path, target)

        assert snapshot(target) == snapshot(site)
        assert result.schema.older and len(result.schema.missing) == 1
        ((token,),) = raw_rows(target, "referrals_note", ["body"])
        assert token != NOTE and encryption.decrypt(token) == NOTE

        with pytest.raises(restore.RestoreRefused, match="not empty"):
            restore.restore(made.path, target)
        execute(target, "CREATE TABLE left_over (id int)", [])
        forced = restore.restore(made.path, target, force=True)
        assert forced.left_in_place == ("left_over",)
        assert snapshot(target)["referrals_note"] == snapshot(site)["referrals_note"]


@pytest.mark.django_db
def test_a_missing_pg_dump_is_named_with_what_to_do(server, tmp_path: Path) -> None:
    with pytest.raises(pg_tools.ToolFailed, match="pg_dump was not found in PG_BIN_DIR"):
        backup.back_up(server, output=tmp_path, pg_bin_dir=str(tmp_path))
    assert list(tmp_path.iterdir()) == []
