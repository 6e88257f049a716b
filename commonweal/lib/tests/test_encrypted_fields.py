"""EncryptedTextField and EncryptedJSONField: ciphertext in the column, plain values in Python."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.db import connection, models
from django.test import override_settings
from django.test.utils import isolate_apps

from commonweal.lib import encryption
from commonweal.lib.encrypted_fields import (
    EncryptedJSONField,
    EncryptedLookupError,
    EncryptedTextField,
)
from commonweal.referrals.outbox_models import OutboxMessage
from commonweal.screening.models import Screening

BODY = "Your appointment about the eviction is on Tuesday"


def raw(model: type[models.Model], pk: object, column: str) -> str | None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} "
            f"WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s",
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()[0]


def message(**values: object) -> OutboxMessage:
    values.setdefault("body", BODY)
    values.setdefault("idempotency_key", f"test-{OutboxMessage.objects.count()}")
    return OutboxMessage.objects.create(
        kind="test", channel="sms", recipient_kind="person", to="+15555550100", **values
    )


@pytest.mark.django_db
def test_it_stores_a_token_and_reads_the_plaintext() -> None:
    sent = message()
    stored = raw(OutboxMessage, sent.pk, "body")
    assert "eviction" not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token (version byte 0x80)
    assert OutboxMessage.objects.get(pk=sent.pk).body == BODY
    assert OutboxMessage.objects.values_list("body", flat=True).get(pk=sent.pk) == BODY


@pytest.mark.django_db
def test_two_saves_of_the_same_text_store_different_tokens() -> None:
    first, second = message(), message()
    assert raw(OutboxMessage, first.pk, "body") != raw(OutboxMessage, second.pk, "body")


@pytest.mark.django_db
def test_an_empty_string_stays_empty_and_can_be_filtered_on() -> None:
    sent = message(ics="")
    assert raw(OutboxMessage, sent.pk, "ics") == ""
    assert OutboxMessage.objects.filter(ics="").count() == 1
    assert OutboxMessage.objects.exclude(ics="").count() == 0
    assert OutboxMessage.objects.filter(ics__isnull=False).count() == 1


@pytest.mark.django_db
def test_updates_and_bulk_updates_are_encrypted_too() -> None:
    sent = message()
    OutboxMessage.objects.filter(pk=sent.pk).update(body="Changed: shelter bed at 6pm")
    assert "shelter" not in raw(OutboxMessage, sent.pk, "body")
    sent.refresh_from_db()
    sent.ics = "BEGIN:VCALENDAR shelter END:VCALENDAR"
    OutboxMessage.objects.bulk_update([sent], ["ics"])
    assert "shelter" not in raw(OutboxMessage, sent.pk, "ics")
    assert OutboxMessage.objects.get(pk=sent.pk).ics == sent.ics


@pytest.mark.parametrize(
    "lookup",
    [
        {"body": BODY},
        {"body__icontains": "eviction"},
        {"body__startswith": "Your"},
        {"body__in": [BODY]},
        {"body__gt": ""},
        {"body__lower": "x"},
    ],
)
@pytest.mark.django_db
def test_it_refuses_a_filter_on_ciphertext_with_a_clear_error(lookup: dict) -> None:
    message()
    with pytest.raises(EncryptedLookupError) as caught:
        list(OutboxMessage.objects.filter(**lookup))
    assert "referrals.OutboxMessage.body is encrypted at rest" in str(caught.value)


@pytest.mark.parametrize(
    "lookup",
    [
        {"answers__phq9_9": 0},
        {"answers__phq9_9__gt": 0},
        {"answers": {}},
        {"answers__contains": {}},
    ],
)
@pytest.mark.django_db
def test_it_refuses_json_lookups_on_encrypted_answers(lookup: dict) -> None:
    with pytest.raises(EncryptedLookupError, match="screening.Screening.answers"):
        list(Screening.objects.filter(**lookup))


@pytest.mark.django_db
def test_json_values_round_trip_and_the_column_holds_no_answer(resident) -> None:
    answers = {"phq9_9": 2, "free_text": "I think about ending it", "items": [1, "two", None]}
    screening = Screening.objects.create(user=resident, instrument="phq-9", answers=answers)
    stored = raw(Screening, screening.pk, "answers")
    assert "ending" not in stored and "phq9_9" not in stored
    assert Screening.objects.get(pk=screening.pk).answers == answers
    assert Screening.objects.filter(answers__isnull=True).count() == 0


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_error_not_garbage() -> None:
    with override_settings(ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        sent = message()
    with (
        override_settings(ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(encryption.UndecryptableValue) as caught,
    ):
        OutboxMessage.objects.get(pk=sent.pk)
    assert "referrals.OutboxMessage.body" in str(caught.value)
    assert "eviction" not in str(caught.value)


def test_it_deconstructs_for_migrations() -> None:
    name, path, args, kwargs = EncryptedTextField(blank=True).deconstruct()
    assert path == "commonweal.lib.encrypted_fields.EncryptedTextField"
    assert kwargs == {"blank": True}
    _, path, _, kwargs = EncryptedJSONField(default=dict).deconstruct()
    assert path == "commonweal.lib.encrypted_fields.EncryptedJSONField"
    assert kwargs == {"default": dict}


@isolate_apps("commonweal.lib")
def test_the_system_check_refuses_an_index_or_ordering_on_ciphertext() -> None:
    class Indexed(models.Model):  # noqa: DJ008
        note = EncryptedTextField(db_index=True)

        class Meta:
            app_label = "lib"

    class Ordered(models.Model):  # noqa: DJ008
        note = EncryptedTextField()

        class Meta:
            app_label = "lib"
            ordering = ["-note"]

    class Fine(models.Model):  # noqa: DJ008
        note = EncryptedTextField(blank=True)
        data = EncryptedJSONField(null=True)

        class Meta:
            app_label = "lib"

    def ids(model: type[models.Model]) -> list[str]:
        found: list[checks.CheckMessage] = []
        for field in model._meta.local_fields:
            found += field.check()
        return [c.id for c in found]

    assert ids(Indexed) == ["commonweal.E003"]
    assert ids(Ordered) == ["commonweal.E003"]
    assert ids(Fine) == []
