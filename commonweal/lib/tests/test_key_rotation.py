"""Key rotation: a new key first, `rotate-keys`, then the old key can go."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from commonweal.lib import encrypted_columns, encryption, key_rotation
from commonweal.referrals.models import (
    CarePlanGoal,
    CarePlanNote,
    OutboxMessage,
    Referral,
    ReferralEvent,
)
from commonweal.referrals.tests.care_plan_fixtures import goal, plan, screening  # noqa: F401
from commonweal.referrals.tests.people_fixtures import person  # noqa: F401
from commonweal.referrals.tests.referral_fixtures import (  # noqa: F401
    consent,
    referral,
    service,
)
from commonweal.screening.models import SafetyStep, Screening

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_it_finds_every_encrypted_field_in_the_model_registry() -> None:
    found = {
        model._meta.label: sorted(f.name for f in fields)
        for model, fields in key_rotation.encrypted_models()
    }
    assert found == {
        "partnerships.Feedback": ["text"],
        "programs.Registration": ["contact", "name"],
        "programs.ReminderPlan": ["address", "label"],
        "programs.TrainingRecord": ["email", "name"],
        "programs.VolunteerSignup": ["contact", "name", "other_skills"],
        "referrals.CarePlanGoal": ["description"],
        "referrals.CarePlanNote": ["text"],
        "referrals.Consent": ["revocation_reason"],
        "referrals.OutboxMessage": ["body", "headers", "ics"],
        "referrals.Person": ["safe_times"],
        "referrals.Referral": ["outcome_note", "private_note", "shared_note", "shared_person"],
        "referrals.ReferralEvent": ["text"],
        "screening.SafetyStep": ["note"],
        "screening.Screening": ["answers"],
    }


@pytest.fixture
def world(referral, goal, navigator):  # noqa: F811
    """One of each kind of encrypted value, written with the old key only."""
    from commonweal.referrals import care_plans

    Referral.objects.filter(pk=referral.pk).update(
        shared_note="Prefers mornings", outcome_note="Moved away"
    )
    ReferralEvent.objects.create(referral=referral, to_status="draft", text="Rang", version=1)
    care_plans.add_review(plan=goal.plan, by=navigator, text="Went to the group twice")
    Screening.objects.update(answers={"q1": "sleeping badly"})
    OutboxMessage.objects.create(
        kind="t",
        channel="sms",
        recipient_kind="person",
        to="x",
        body="See you Tuesday",
        ics="BEGIN:VCALENDAR",
        idempotency_key="k1",
    )
    # Everything above was written with the tests' development key: re-write it with OLD.
    current = [
        (model, obj.pk, {f.name: getattr(obj, f.name) for f in fields})
        for model, fields in key_rotation.encrypted_models()
        for obj in model._default_manager.all()
    ]
    with override_settings(ENCRYPTION_KEYS=[OLD]):
        for model, pk, values in current:
            model._default_manager.filter(pk=pk).update(**values)
    return referral


def tokens() -> list[str]:
    """Every non-empty raw encrypted value in the database."""
    found = []
    for model, fields in key_rotation.encrypted_models():
        columns = [f.column for f in fields]
        for rows in encrypted_columns.batches(
            connection, model._meta.db_table, model._meta.pk.column, columns, 100
        ):
            found += [value for row in rows for value in row[1:] if value]
    return found


def plain_values() -> dict[str, list]:
    return {
        model._meta.label: sorted(
            str(getattr(obj, f.name)) for obj in model._default_manager.all() for f in fields
        )
        for model, fields in key_rotation.encrypted_models()
    }


def opens(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@pytest.mark.django_db
def test_rotation_keeps_every_value_and_frees_the_old_key(world) -> None:
    with override_settings(ENCRYPTION_KEYS=[OLD]):
        before = plain_values()
    assert len(tokens()) >= 9 and all(opens(OLD, t) and not opens(NEW, t) for t in tokens())

    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        assert plain_values() == before  # a new key first: everything still reads
        results = key_rotation.rotate_all(batch_size=2)
        assert plain_values() == before
    assert sum(r.counts.changed for r in results) == len(tokens())

    assert all(opens(NEW, t) and not opens(OLD, t) for t in tokens())
    with override_settings(ENCRYPTION_KEYS=[NEW]):
        assert plain_values() == before  # the old key can now be dropped
    with override_settings(ENCRYPTION_KEYS=[OLD]), pytest.raises(encryption.UndecryptableValue):
        plain_values()


@pytest.mark.django_db
def test_rotating_twice_changes_nothing_the_second_time(world) -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        key_rotation.rotate_all()
        after_first = tokens()
        again = key_rotation.rotate_all()
    assert sum(r.counts.changed for r in again) == 0
    assert tokens() == after_first


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing(world) -> None:
    before = tokens()
    out = io.StringIO()
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("rotate_keys", "--dry-run", stdout=out)
    assert tokens() == before
    text = out.getvalue()
    assert (
        "referrals.Referral (shared_note, private_note, shared_person, outcome_note): 1 rows"
        in text
    )
    assert f"Dry run: would re-encrypt {len(before)} values in total." in text


@pytest.mark.django_db
def test_the_command_reports_counts_per_model_and_never_a_value(world) -> None:
    out = io.StringIO()
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("rotate_keys", "--batch-size", "1", stdout=out)
    text = out.getvalue()
    for label in ("referrals.OutboxMessage", "screening.Screening", "referrals.CarePlanNote"):
        assert label in text
    assert "screening.SafetyStep (note): 0 rows, 0 encrypted values, re-encrypted 0" in text
    for secret in ("mornings", "Moved away", "sleeping", "Tuesday", "twice"):
        assert secret not in text
    assert all(opens(NEW, t) for t in tokens())


@pytest.mark.django_db
def test_the_command_stops_clearly_when_a_key_is_missing(world) -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW]), pytest.raises(CommandError) as caught:
        call_command("rotate_keys", stdout=io.StringIO())
    assert "could not be decrypted with any key in COMMONWEAL_ENCRYPTION_KEYS" in str(caught.value)
    assert "add the missing key back" in str(caught.value)


@pytest.mark.django_db
def test_the_command_refuses_a_batch_size_below_one() -> None:
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_keys", "--batch-size", "0", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_value_changed_after_it_was_read_is_not_overwritten(world) -> None:
    table, pk = Referral._meta.db_table, Referral._meta.pk.column
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        [rows] = list(encrypted_columns.batches(connection, table, pk, ["shared_note"], 10))
        # The application writes a new note between the read and the rotation's write.
        Referral.objects.filter(pk=world.pk).update(shared_note="Now prefers evenings")
        counts = encrypted_columns.rewrite_batch(
            connection, table, pk, ["shared_note"], rows, encrypted_columns.rotate_token
        )
        assert counts.changed == 1  # it tried ...
        assert Referral.objects.get(pk=world.pk).shared_note == "Now prefers evenings"  # ... safely


@pytest.mark.django_db
def test_the_models_listed_are_the_ones_rotated(world) -> None:
    with override_settings(ENCRYPTION_KEYS=[NEW, OLD]):
        results = key_rotation.rotate_all()
    labels = [r.label for r in results]
    assert labels == sorted(m._meta.label for m, _ in key_rotation.encrypted_models())
    by_label = {r.label: r.counts for r in results}
    assert by_label["referrals.Referral"].rows == 1
    assert by_label["referrals.CarePlanGoal"].values == CarePlanGoal.objects.count()
    assert by_label["referrals.CarePlanNote"].values == CarePlanNote.objects.count()
    assert by_label["screening.SafetyStep"].rows == SafetyStep.objects.count()
