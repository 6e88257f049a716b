"""A backup restored into a fresh database holds every record, and its encrypted fields
open with the configured keys only. Runs on the suite's database engine: SQLite here,
PostgreSQL in CI's second run (pg_dump / pg_restore)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Location, Organization, Service
from commonweal.lib import encryption
from commonweal.lib.key_rotation import encrypted_models
from commonweal.ops import backup, restore
from commonweal.ops.manifest import MANIFEST_NAME
from commonweal.ops.tests.databases import (
    execute,
    fresh_database,
    is_postgresql,
    migration_rows,
    raw_rows,
    require_pg_client,
    snapshot,
)
from commonweal.referrals.tests.referral_fixtures import refer
from commonweal.screening import instruments, recording
from commonweal.screening.tests.answers import phq9

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE_NOTE = "Disclosed past eviction; do not share."
SHARED_NOTE = "Prefers mornings."
KEY = Fernet.generate_key().decode()


@pytest.fixture
def keys(settings):
    settings.ENCRYPTION_KEYS = [KEY]


@pytest.fixture
def source():
    """The suite's database (SQLite in memory, or PostgreSQL), as a DATABASES entry."""
    if is_postgresql(connection.settings_dict):
        require_pg_client()
    return dict(connection.settings_dict)


@pytest.fixture
def world(keys, person, other_person, navigator, consent, service, site):
    """People, screenings with encrypted answers, referrals with notes, directory rows."""
    for n in range(3):
        organization = Organization.objects.create(name=f"Pantry {n}", description="Food.")
        Service.objects.create(organization=organization, name=f"Groceries {n}")
        Location.objects.create(organization=organization, name=f"Hall {n}")
    recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=2, item9=1),
        language="en",
        by=navigator,
    )
    refer(person, service, navigator, shared_note=SHARED_NOTE, private_note=PRIVATE_NOTE)
    return {"person": person, "answers": phq9(first_eight=2, item9=1)}


def back_up(source: dict, folder: Path) -> Path:
    return backup.back_up(source, output=folder).path


def decrypted_values(target: dict) -> list[str]:
    """Every non-empty encrypted value in the target, decrypted with the configured keys."""
    values = []
    for model, fields in encrypted_models():
        columns = [field.column for field in fields]
        for row in raw_rows(target, model._meta.db_table, columns):
            for token in row:
                if token:
                    values.append(encryption.decrypt(token))
    return values


def test_it_restores_every_row_into_a_fresh_database_readable_with_the_keys_only(
    world, source, tmp_path, settings
) -> None:
    before = snapshot(source)
    archive = back_up(source, tmp_path)

    with fresh_database(source, tmp_path / "restored") as target:
        result = restore.restore(archive, target)
        after = snapshot(target)
        plain = decrypted_values(target)
        settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(encryption.UndecryptableValue):
            decrypted_values(target)

    assert result.schema.missing == frozenset() and not result.schema.newer
    assert set(after) == set(before)
    assert {t: len(rows) for t, rows in after.items()} == {
        t: len(rows) for t, rows in before.items()
    }
    assert after == before
    # Not an empty world compared with an empty world.
    assert len(before["referrals_person"]) == 2
    assert len(before["screening_screening"]) == 1
    assert len(before["referrals_referral"]) == 1
    # Encrypted fields open with the configured key (and, above, not with another).
    assert PRIVATE_NOTE in plain and SHARED_NOTE in plain
    assert json.dumps(world["answers"]) in plain
    # Ciphertext in the file, never the note itself.
    assert PRIVATE_NOTE.encode() not in archive.read_bytes()


def test_it_refuses_a_database_that_is_not_empty_unless_forced(world, source, tmp_path) -> None:
    before = snapshot(source)
    archive = back_up(source, tmp_path)
    with fresh_database(source, tmp_path / "restored") as target:
        restore.restore(archive, target)
        execute(target, "UPDATE directory_organization SET name = %s", ["Changed"])
        changed = snapshot(target)

        with pytest.raises(restore.RestoreRefused, match="not empty.*--force"):
            restore.restore(archive, target)
        assert snapshot(target) == changed

        restore.restore(archive, target, force=True)
        assert snapshot(target) == before


def test_it_refuses_a_backup_from_a_newer_schema_and_touches_nothing(
    world, source, tmp_path
) -> None:
    with migration_rows(source, add=("referrals", "9999_from_the_future")):
        from_the_future = back_up(source, tmp_path)

    with fresh_database(source, tmp_path / "restored") as target:
        with pytest.raises(restore.RestoreRefused, match="newer version.*9999_from_the_future"):
            restore.restore(from_the_future, target)
        assert restore.table_names(target) == []


def test_it_restores_an_older_schema_and_says_to_migrate(world, source, tmp_path) -> None:
    with migration_rows(source, remove=("sessions", "0001_initial")):
        older = back_up(source, tmp_path)

    with fresh_database(source, tmp_path / "restored") as target:
        result = restore.restore(older, target)
        assert "referrals_referral" in restore.table_names(target)

    assert result.schema.older
    assert result.schema.missing == frozenset({("sessions", "0001_initial")})


def test_it_refuses_a_damaged_backup(world, source, tmp_path) -> None:
    archive = back_up(source, tmp_path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as good, tarfile.open(damaged, "w") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()
            if member.name != MANIFEST_NAME:
                data = data[:-10] + b"x" * 10
            bad.addfile(member, io.BytesIO(data))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[:2000])

    with fresh_database(source, tmp_path / "restored") as target:
        with pytest.raises(restore.RestoreRefused, match="damaged"):
            restore.restore(damaged, target)
        with pytest.raises(restore.RestoreRefused, match="not a commonweal backup|incomplete"):
            restore.restore(truncated, target)
        assert restore.table_names(target) == []


def test_it_refuses_a_backup_of_the_other_database_engine(world, source, tmp_path) -> None:
    archive = back_up(source, tmp_path)
    other = (
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "x.sqlite3")}
        if is_postgresql(source)
        else {**source, "ENGINE": "django.db.backends.postgresql", "NAME": "nowhere"}
    )
    with pytest.raises(restore.RestoreRefused, match="same kind"):
        restore.restore(archive, other)


def test_the_command_names_the_file_and_prints_no_person_data(world, tmp_path) -> None:
    out = io.StringIO()
    call_command("backup", output=tmp_path, stdout=out, stderr=io.StringIO())

    (archive,) = tmp_path.glob("commonweal-backup-*.tar")
    text = out.getvalue()
    assert str(archive) in text and "keys" in text
    for private in ("Maria", "Lopez", PRIVATE_NOTE, SHARED_NOTE):
        assert private not in text
    manifest = json.loads(tarfile.open(archive).extractfile(MANIFEST_NAME).read())
    assert manifest["format"] in {"sqlite", "postgresql-custom"}
    assert manifest["schema"]["referrals"].startswith("00")
    assert manifest["created_at"]
    assert AuditEvent.objects.filter(action="backup", object_id=archive.name).exists()


def test_the_command_never_overwrites_an_existing_file(world, tmp_path) -> None:
    from django.core.management.base import CommandError

    existing = tmp_path / "kept.tar"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=existing, stdout=io.StringIO())
    assert existing.read_bytes() == b"an older backup"
