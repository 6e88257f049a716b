"""Who sees a referral: the sending and receiving organisations, nobody else; notes kept apart."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from commonweal import policy
from commonweal.accounts.models import AuditEvent
from commonweal.referrals import referring


@pytest.mark.django_db
def test_both_sides_see_the_referral(referral, navigator, other_org_staff) -> None:
    assert policy.can_view_referral(navigator, referral)
    assert policy.can_view_referral(other_org_staff, referral)
    assert list(policy.visible_referrals(navigator, "sent")) == [referral]
    assert list(policy.visible_referrals(other_org_staff, "received")) == [referral]


@pytest.mark.django_db
def test_boxes_keep_sent_and_received_apart(referral, navigator, other_org_staff) -> None:
    assert not policy.visible_referrals(navigator, "received").exists()
    assert not policy.visible_referrals(other_org_staff, "sent").exists()


@pytest.mark.django_db
def test_a_third_organisation_sees_nothing(referral, third_staff) -> None:
    assert not policy.can_view_referral(third_staff, referral)
    for box in ("sent", "received", "all"):
        assert not policy.visible_referrals(third_staff, box).exists()
    assert not referring.referrals_for(third_staff).exists()


@pytest.mark.django_db
def test_coalition_admins_analysts_residents_and_visitors_see_nothing(
    referral, coalition_admin, analyst, resident
) -> None:
    for user in (coalition_admin, analyst, resident, AnonymousUser()):
        assert not policy.can_view_referral(user, referral)
        assert not policy.visible_referrals(user).exists()


@pytest.mark.django_db
def test_the_receiver_never_gets_the_private_note_or_the_record(
    referral, other_org_staff, person
) -> None:
    seen = referring.view(referral, other_org_staff)
    assert "private_note" not in seen and "person_id" not in seen
    assert "Disclosed past eviction" not in str(seen)
    assert seen["shared_note"] == "Prefers mornings."
    assert seen["person"]["name"] == person.display_name
    # The referral opens no door to the person's record.
    assert not policy.can_view_person(other_org_staff, person)


@pytest.mark.django_db
def test_the_sender_sees_its_private_note(referral, navigator, person) -> None:
    seen = referring.view(referral, navigator)
    assert seen["private_note"] == "Disclosed past eviction; do not share."
    assert seen["person_id"] == str(person.pk)


@pytest.mark.django_db
def test_a_superuser_reads_without_the_private_note_and_is_flagged(referral, superuser) -> None:
    assert policy.can_view_referral(superuser, referral)
    assert "private_note" not in referring.view(referral, superuser)
    referring.record_read(referral=referral, by=superuser)
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.pk)).get()
    assert event.detail == {"read": "referral", "as_superuser": True}


@pytest.mark.django_db
def test_every_read_is_audit_logged(referral, other_org_staff, person) -> None:
    referring.record_read(referral=referral, by=other_org_staff)
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.pk)).get()
    assert (event.actor, event.person_id) == (other_org_staff, str(person.pk))
    referring.record_list_read(referrals=[referral], by=other_org_staff)
    listed = AuditEvent.objects.filter(action="view", object_id="list").get()
    assert listed.detail["referrals"] == [str(referral.pk)]


@pytest.mark.django_db
def test_a_draft_is_the_senders_alone_until_it_is_sent(
    person, service, navigator, consent, other_org_staff
) -> None:
    from commonweal.referrals.tests.referral_fixtures import refer

    draft = refer(person, service, navigator, send=False).referral
    assert draft.status == "draft"
    assert policy.can_view_referral(navigator, draft)
    assert not policy.can_view_referral(other_org_staff, draft)
    assert draft not in policy.visible_referrals(other_org_staff, "received")
    assert draft in policy.visible_referrals(navigator, "sent")
