"""Migration 0004 encrypts sign-ups written in plaintext before 0002; reversing restores them."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from commonweal.lib.tests.test_encrypted_fields import raw
from commonweal.lib.tests.test_encryption_migrations import write_raw
from commonweal.programs.models import Registration

MIGRATION = importlib.import_module("commonweal.programs.migrations.0004_encrypt_registrations")
EDITOR = SimpleNamespace(connection=connection)


@pytest.fixture
def legacy(weekly) -> Registration:
    """A sign-up as 0001 stored it: name and contact in plaintext."""
    made = Registration.objects.create(
        session=weekly,
        occurrence="2026-03-10T18:00:00",
        # Written encrypted by the field, then overwritten below with plaintext, as 0001 left it.
        name="overwritten",
        contact="overwritten@example.org",
    )
    write_raw(Registration, made.pk, "name", "Ada L.")
    write_raw(Registration, made.pk, "contact", "ada@example.org")
    return made


@pytest.mark.django_db
def test_it_encrypts_plaintext_sign_ups_and_leaves_encrypted_ones(legacy, weekly) -> None:
    current = Registration.objects.create(  # written since 0002: encrypted by the field
        session=weekly,
        occurrence="2026-03-17T18:00:00",
        name="Bo",
        contact="bo@example.org",
    )
    untouched = raw(Registration, current.pk, "contact")

    MIGRATION.ENCRYPT(apps, EDITOR)

    assert "ada" not in raw(Registration, legacy.pk, "contact").lower()
    assert "Ada" not in raw(Registration, legacy.pk, "name")
    found = Registration.objects.get(pk=legacy.pk)
    assert (found.name, found.contact) == ("Ada L.", "ada@example.org")
    assert raw(Registration, current.pk, "contact") == untouched
    first = raw(Registration, legacy.pk, "name")
    MIGRATION.ENCRYPT(apps, EDITOR)
    assert raw(Registration, legacy.pk, "name") == first


@pytest.mark.django_db
def test_reversing_it_puts_the_plaintext_back(legacy) -> None:
    MIGRATION.ENCRYPT(apps, EDITOR)
    MIGRATION.DECRYPT(apps, EDITOR)
    assert raw(Registration, legacy.pk, "name") == "Ada L."
    assert raw(Registration, legacy.pk, "contact") == "ada@example.org"
