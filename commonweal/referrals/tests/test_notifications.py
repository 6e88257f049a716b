"""Staff notifications: the receiver hears of a new referral, the sender of the answer; never
the private note, the shared note or who the person is; in each reader's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from commonweal.referrals import lifecycle, notifications, outbox
from commonweal.referrals.models import ReasonCode, ReferralStatus
from commonweal.referrals.tests import messaging_fixtures
from commonweal.referrals.tests.messaging_fixtures import (
    PRIVATE_NOTE,
    SHARED_NOTE,
    accept,
    assert_no_person_data,
    messages,
)
from commonweal.referrals.tests.referral_fixtures import refer

pytestmark = pytest.mark.django_db

emails = messaging_fixtures.emails  # a fixture


def test_sending_a_referral_emails_the_receiving_partner_staff(
    person,
    service,
    navigator,
    consent,
    emails,
    third_staff,
):
    third_staff.email = "tina@westside.example"
    third_staff.save()
    referral = refer(person, service, navigator).referral
    [message] = messages("referral-requested")
    assert message.to == "oscar@eastside.example"
    assert message.recipient_kind == "staff" and message.referral_id == referral.pk
    assert "Walk-in clinic" in message.subject
    assert f"/referrals/{referral.pk}/" in message.body
    assert "Northside Food Bank" in message.body
    for text in (message.subject, message.body):
        assert PRIVATE_NOTE not in text and SHARED_NOTE not in text
        assert_no_person_data(text)
    outbox.deliver_due()
    assert [m.to for m in mail.outbox] == [["oscar@eastside.example"]]


def test_a_draft_notifies_nobody_until_it_is_sent(person, service, navigator, consent, emails):
    referral = refer(person, service, navigator, send=False).referral
    assert messages() == []
    lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(to_status=ReferralStatus.REQUESTED),
        by=navigator,
        expected_version=referral.version,
    )
    assert len(messages("referral-requested")) == 1


def test_accepting_emails_the_navigator_who_sent_it(referral, emails, other_org_staff):
    accept(referral, other_org_staff)
    [message] = messages("referral-accepted")
    assert message.to == "nina@northside.example"
    assert str(ReferralStatus.ACCEPTED.label) in message.body
    assert PRIVATE_NOTE not in message.body
    assert_no_person_data(message.body)


def test_declining_tells_the_sender_the_reason_code_but_not_the_free_text(
    referral,
    emails,
    other_org_staff,
):
    lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(
            to_status=ReferralStatus.REJECTED, reason=ReasonCode.OTHER, text="Maria moved away"
        ),
        by=other_org_staff,
        expected_version=referral.version,
    )
    [message] = messages("referral-rejected")
    assert str(ReasonCode.OTHER.label) in message.body
    assert "moved away" not in message.body


def test_completing_tells_the_sender_the_outcome(referral, emails, other_org_staff):
    referral = accept(referral, other_org_staff)
    lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(to_status=ReferralStatus.COMPLETED, outcome="served"),
        by=other_org_staff,
        expected_version=referral.version,
    )
    [message] = messages("referral-completed")
    assert "Served" in message.body


def test_marking_received_sends_nothing(referral, emails, other_org_staff):
    before = len(messages())
    lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(to_status=ReferralStatus.RECEIVED),
        by=other_org_staff,
        expected_version=referral.version,
    )
    assert len(messages()) == before


def test_each_reader_gets_their_own_language(referral, emails, navigator, other_org_staff):
    navigator.preferred_language = "es"
    navigator.save()
    accept(referral, other_org_staff)
    [message] = messages("referral-accepted")
    with translation.override("es"):
        spanish = str(ReferralStatus.ACCEPTED.label)
    assert spanish != str(ReferralStatus.ACCEPTED.label)  # the catalogue has it
    assert message.language == "es" and spanish in message.body


def test_a_refused_move_queues_nothing(referral, emails, navigator):
    before = len(messages())
    with pytest.raises(Exception):  # noqa: B017 - the lifecycle's own error
        accept(referral, navigator)  # the sender cannot accept
    assert len(messages()) == before


def test_no_staff_with_email_queues_nothing_and_logs_no_person(
    person, service, navigator, consent, caplog
):
    refer(person, service, navigator)
    assert messages() == []
    assert "nobody to notify" in caplog.text
    assert_no_person_data(caplog.text)


def test_the_link_uses_the_configured_site_address(referral, settings):
    settings.COMMONWEAL_SITE_URL = "https://help.example.org/"
    assert notifications.referral_link(referral) == (
        f"https://help.example.org/referrals/{referral.pk}/"
    )
