"""Referral notes, event texts, care plan words and outgoing messages are encrypted at rest."""

from __future__ import annotations

import pytest
from django.core import mail

from commonweal.lib.encrypted_fields import EncryptedLookupError
from commonweal.lib.tests.test_encrypted_fields import raw
from commonweal.referrals import care_plans, lifecycle, outbox
from commonweal.referrals.lifecycle import Move
from commonweal.referrals.models import (
    CarePlanGoal,
    CarePlanNote,
    OutboxMessage,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from commonweal.referrals.tests.care_plan_fixtures import goal, plan, screening  # noqa: F401
from commonweal.referrals.tests.referral_fixtures import refer

pytestmark = pytest.mark.django_db


def test_referral_notes_are_ciphertext_in_the_table(person, service, navigator, consent) -> None:
    made = refer(
        person,
        service,
        navigator,
        shared_note="Prefers mornings; Spanish speaker",
        private_note="Disclosed past eviction; do not share.",
    ).referral
    assert "mornings" not in raw(Referral, made.pk, "shared_note")
    assert "eviction" not in raw(Referral, made.pk, "private_note")
    again = Referral.objects.get(pk=made.pk)
    assert again.shared_note == "Prefers mornings; Spanish speaker"
    assert again.private_note == "Disclosed past eviction; do not share."


def test_a_blank_note_stays_an_empty_string(person, service, navigator, consent) -> None:
    made = refer(person, service, navigator, shared_note="", private_note="").referral
    assert raw(Referral, made.pk, "shared_note") == ""
    assert raw(Referral, made.pk, "private_note") == ""


def test_event_text_and_outcome_note_are_ciphertext(referral, other_org_staff) -> None:
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.IN_PROGRESS)
    referral.refresh_from_db()
    done = lifecycle.transition(
        referral=referral,
        move=Move(
            to_status=ReferralStatus.COMPLETED,
            outcome="not-served",
            outcome_note="Moved to her sister's",
            text="Called twice, reached her at the shelter",
        ),
        by=other_org_staff,
        expected_version=referral.version,
    )
    assert "sister" not in raw(Referral, done.pk, "outcome_note")
    event = ReferralEvent.objects.filter(referral=done).last()
    assert "shelter" not in raw(ReferralEvent, event.pk, "text")
    assert event.text == "Called twice, reached her at the shelter"
    assert Referral.objects.get(pk=done.pk).outcome_note == "Moved to her sister's"


def test_care_plan_goal_and_note_are_ciphertext(goal, navigator) -> None:  # noqa: F811
    assert "alone" not in raw(CarePlanGoal, goal.pk, "description")
    assert CarePlanGoal.objects.get(pk=goal.pk).description == "Feel less alone"
    note = care_plans.add_review(plan=goal.plan, by=navigator, text="Joined the walking group")
    assert "walking" not in raw(CarePlanNote, note.pk, "text")
    assert CarePlanNote.objects.get(pk=note.pk).text == "Joined the walking group"


def test_an_outbox_message_is_ciphertext_until_it_is_sent() -> None:
    message, _ = outbox.enqueue(
        kind="test",
        channel="email",
        recipient_kind="person",
        to="maria@example.org",
        key="k1",
        subject="Reminder",
        body="Your appointment at the food bank is tomorrow.",
        ics="BEGIN:VCALENDAR\r\nSUMMARY:Food bank\r\nEND:VCALENDAR",
    )
    assert "food bank" not in raw(OutboxMessage, message.pk, "body")
    assert "Food bank" not in raw(OutboxMessage, message.pk, "ics")
    outbox.deliver_due()
    assert mail.outbox[0].body == "Your appointment at the food bank is tomorrow."


def test_notes_cannot_be_searched_in_the_database() -> None:
    for lookup in ({"shared_note__icontains": "x"}, {"private_note": "x"}):
        with pytest.raises(EncryptedLookupError):
            Referral.objects.filter(**lookup).exists()
    assert not Referral.objects.filter(shared_note="").exists()


def test_safe_times_the_contact_snapshot_and_revocation_reasons_are_ciphertext(
    person, service, navigator, consent
) -> None:
    from commonweal.referrals import consent as consents
    from commonweal.referrals.models import Consent, Person

    Person.objects.filter(pk=person.pk).update(safe_times="Not when he is home")
    person.refresh_from_db()
    assert "home" not in raw(Person, person.pk, "safe_times")
    assert Person.objects.get(pk=person.pk).safe_times == "Not when he is home"

    made = refer(person, service, navigator).referral
    assert "Maria" not in raw(Referral, made.pk, "shared_person")
    assert Referral.objects.get(pk=made.pk).shared_person["safe_times"] == "Not when he is home"

    consents.revoke_consent(
        consent=consent, reason="She fears her partner reads the texts", by=navigator
    )
    assert "partner" not in raw(Consent, consent.pk, "revocation_reason")
    assert "partner" in Consent.objects.get(pk=consent.pk).revocation_reason
