"""The private cancel link: derived from SECRET_KEY and a nonce, only its hash stored; the same
link in every message; SECRET_KEY rotation; links sent before migration 0010 still cancel."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse

from commonweal.programs import registration
from commonweal.programs.models import Registration
from commonweal.referrals.outbox_models import OutboxMessage

MEETING = dt.datetime(2026, 3, 10, 18, 0)
BEFORE = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
BEFORE_HASHING = [("programs", "0009_education_pages")]
WITH_HASHING = [("programs", "0010_registration_token_hash")]


def _link_fields(made: Registration) -> Registration:
    # Only the link's columns: names and contacts are encrypted with a key derived from
    # SECRET_KEY in tests, which these tests change.
    return Registration.objects.only("token_hash", "token_nonce", "previous_token_hash").get(
        pk=made.pk
    )


def _sign_up(session) -> Registration:
    return registration.register(
        session, occurrence=MEETING, name="A. B.", contact="ab@example.org", now=BEFORE
    )


def _stored_row(made: Registration) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Registration._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [made.pk.hex])
        row = cursor.fetchone() or ()
        if not row:  # PostgreSQL stores a UUID as itself, SQLite as 32 hex digits
            cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [made.pk])
            row = cursor.fetchone()
    return " ".join(str(value) for value in row)


@pytest.mark.django_db
def test_only_the_links_hash_is_stored(weekly) -> None:
    made = _sign_up(weekly)
    token = registration.token_for(made)
    assert made.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in _stored_row(made)
    assert registration.find(token) == made


@pytest.mark.django_db
def test_every_message_carries_the_same_link(weekly) -> None:
    made = _sign_up(weekly)
    link = registration.cancel_url(made)
    bodies = OutboxMessage.objects.filter(idempotency_key__endswith=str(made.pk))
    assert bodies.count() == 2  # the confirmation and the reminder
    assert all(link in message.body for message in bodies)
    again = Registration.objects.get(pk=made.pk)
    assert registration.cancel_url(again) == link
    assert again.previous_token_hash is None  # no re-key was needed


@pytest.mark.django_db
def test_a_guessed_an_empty_or_an_overlong_token_finds_nothing(weekly) -> None:
    made = _sign_up(weekly)
    token = registration.token_for(made)
    assert registration.find(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert registration.find("") is None
    assert registration.find(token + "x" * 64) is None
    assert registration.find(made.token_hash) is None  # the stored hash is not a link


@pytest.mark.django_db
def test_a_rotated_secret_key_kept_as_a_fallback_keeps_the_link(weekly, settings) -> None:
    made = _sign_up(weekly)
    token = registration.token_for(made)
    with override_settings(SECRET_KEY="a-new-key", SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        assert registration.token_for(made) == token
    made.refresh_from_db()
    assert made.previous_token_hash is None


@pytest.mark.django_db
def test_a_retired_secret_key_re_keys_and_the_old_link_still_cancels(weekly) -> None:
    made = _sign_up(weekly)
    old = registration.token_for(made)
    with override_settings(SECRET_KEY="a-new-key", SECRET_KEY_FALLBACKS=[]):
        new = registration.token_for(_link_fields(made))
        assert new != old
        assert registration.token_for(_link_fields(made)) == new
    assert registration.find(new) == made
    response = Client().post(reverse("events:registration_cancel", args=[old]))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "cancelled"


@pytest.mark.django_db
def test_a_re_key_raced_by_another_keeps_one_link(weekly) -> None:
    made = _sign_up(weekly)
    with override_settings(SECRET_KEY="a-new-key", SECRET_KEY_FALLBACKS=[]):
        stale = _link_fields(made)
        first = registration.token_for(_link_fields(made))
        second = registration.token_for(stale)  # read before the first re-key was written
    assert first == second
    assert registration.find(first) == made


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_link_sent_before_the_hashing_still_shows_and_cancels(weekly) -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate(BEFORE_HASHING)
        OldRegistration = executor.loader.project_state(BEFORE_HASHING).apps.get_model(
            "programs", "Registration"
        )
        legacy = OldRegistration.objects.create(
            session_id=weekly.pk,
            occurrence="2026-03-10T18:00:00",
            name="A. B.",
            contact="ab@example.org",
            token="a-link-sent-in-2025-xyz",
        )
        _migrate(WITH_HASHING)
    finally:
        _migrate(latest)  # the full schema again, whatever happened, for the tests that follow

    made = Registration.objects.get(pk=legacy.pk)
    assert made.token_hash == hashlib.sha256(b"a-link-sent-in-2025-xyz").hexdigest()
    assert "a-link-sent-in-2025-xyz" not in _stored_row(made)
    page = Client().get(reverse("events:registration", args=["a-link-sent-in-2025-xyz"]))
    assert page.status_code == 200

    # The next message gets a derived link; the old one keeps working beside it.
    new = registration.token_for(made)
    assert new != "a-link-sent-in-2025-xyz"
    assert registration.find(new) == made
    response = Client().post(
        reverse("events:registration_cancel", args=["a-link-sent-in-2025-xyz"])
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_reversing_the_hashing_gives_each_row_a_token_again(weekly) -> None:
    made = _sign_up(weekly)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate(BEFORE_HASHING)
        OldRegistration = executor.loader.project_state(BEFORE_HASHING).apps.get_model(
            "programs", "Registration"
        )
        assert len(OldRegistration.objects.get(pk=made.pk).token) >= 32
    finally:
        _migrate(latest)
