"""The data migrations encrypt values written before encryption, and reversing restores them."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from commonweal.lib.tests.test_encrypted_fields import raw
from commonweal.referrals.models import Referral
from commonweal.referrals.tests.people_fixtures import person  # noqa: F401
from commonweal.referrals.tests.referral_fixtures import consent, referral, service  # noqa: F401
from commonweal.screening.models import Screening

REFERRALS = importlib.import_module("commonweal.referrals.migrations.0006_encrypt_notes")
SCREENING = importlib.import_module("commonweal.screening.migrations.0002_encrypt_answers")
EDITOR = SimpleNamespace(connection=connection)


def write_raw(model: type, pk: object, column: str, value: str) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(model._meta.db_table)} SET {qn(column)} = %s "
            f"WHERE {qn(model._meta.pk.column)} = %s",
            [value, model._meta.pk.get_db_prep_value(pk, connection)],
        )


@pytest.fixture
def legacy(referral, resident):  # noqa: F811
    """Rows as they were before the migration: plaintext in the columns."""
    screening = Screening.objects.create(user=resident, instrument="phq-9")
    write_raw(Referral, referral.pk, "shared_note", "Prefers mornings")
    write_raw(Referral, referral.pk, "private_note", "")
    write_raw(Screening, screening.pk, "answers", json.dumps({"q9": 2, "note": "hopeless"}))
    return referral, screening


@pytest.mark.django_db
def test_the_forward_migration_encrypts_existing_plaintext(legacy) -> None:
    row, screening = legacy
    REFERRALS.ENCRYPT(apps, EDITOR)
    SCREENING.ENCRYPT(apps, EDITOR)
    assert "mornings" not in raw(Referral, row.pk, "shared_note")
    assert raw(Referral, row.pk, "private_note") == ""
    assert "hopeless" not in raw(Screening, screening.pk, "answers")
    assert Referral.objects.get(pk=row.pk).shared_note == "Prefers mornings"
    assert Screening.objects.get(pk=screening.pk).answers == {"q9": 2, "note": "hopeless"}


@pytest.mark.django_db
def test_running_the_forward_migration_again_changes_nothing(legacy) -> None:
    row, screening = legacy
    REFERRALS.ENCRYPT(apps, EDITOR)
    first = raw(Referral, row.pk, "shared_note")
    REFERRALS.ENCRYPT(apps, EDITOR)
    assert raw(Referral, row.pk, "shared_note") == first


@pytest.mark.django_db
def test_the_reverse_migration_puts_the_plaintext_back(legacy) -> None:
    row, screening = legacy
    REFERRALS.ENCRYPT(apps, EDITOR)
    SCREENING.ENCRYPT(apps, EDITOR)
    REFERRALS.DECRYPT(apps, EDITOR)
    SCREENING.DECRYPT(apps, EDITOR)
    assert raw(Referral, row.pk, "shared_note") == "Prefers mornings"
    assert raw(Referral, row.pk, "private_note") == ""
    assert json.loads(raw(Screening, screening.pk, "answers")) == {"q9": 2, "note": "hopeless"}
