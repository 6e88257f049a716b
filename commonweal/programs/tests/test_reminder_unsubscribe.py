"""One-click unsubscribe (RFC 8058) from an email reminder: the headers on the sent email, a
POST without cookie, login or CSRF token that stops the address (twice is the same as
once), and a GET that only shows the button."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from commonweal.programs import opt_out, personal_reminders
from commonweal.programs.reminder_models import ReminderOptOut
from commonweal.programs.tests.test_personal_reminders import consent, person, values  # noqa: F401
from commonweal.referrals import outbox

pytestmark = pytest.mark.django_db
ADDRESS = "ana@example.org"


@pytest.fixture(autouse=True)
def local_time(settings):
    settings.TIME_ZONE = "America/New_York"
    settings.COMMONWEAL_SMS_BACKEND = "console"


@pytest.fixture
def plan(person, consent, navigator):  # noqa: F811
    return personal_reminders.create_for_person(
        person=person, values=values(channel="email", address=ADDRESS), by=navigator
    )


def _deliver_first_reminder() -> outbox.OutboxMessage:
    personal_reminders.queue_due()
    message = outbox.OutboxMessage.objects.filter(kind=personal_reminders.KIND).earliest(
        "next_attempt_at"
    )
    assert outbox.deliver_due(now=message.next_attempt_at).sent == 1
    return message


def _one_click_url() -> str:
    [email] = mail.outbox
    header = email.message()["List-Unsubscribe"]
    assert header.startswith("<https://") or header.startswith("<http://")
    return header.strip("<>")


def test_an_email_reminder_carries_the_one_click_headers(plan) -> None:
    _deliver_first_reminder()
    sent = mail.outbox[0].message()
    assert _one_click_url() == personal_reminders.stop_url(plan)
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert personal_reminders.stop_url(plan) in mail.outbox[0].body  # the link in the text too


def test_the_one_click_post_stops_the_address_without_csrf_or_login(plan) -> None:
    _deliver_first_reminder()
    url = _one_click_url()
    mail_app = Client(enforce_csrf_checks=True)  # no cookie, no token: as a mail provider posts
    response = mail_app.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReminderOptOut.objects.filter(address_hash=opt_out.address_hash(ADDRESS)).exists()
    assert personal_reminders.is_address_stopped(plan)
    pending = outbox.OutboxMessage.objects.filter(
        kind=personal_reminders.KIND, status=outbox.OutboxStatus.PENDING
    )
    assert not pending.exists()  # the reminders already queued are withdrawn too

    again = mail_app.post(url, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert ReminderOptOut.objects.count() == 1


def test_a_get_of_the_link_shows_the_button_and_changes_nothing(plan) -> None:
    _deliver_first_reminder()
    page = Client().get(_one_click_url())
    assert page.status_code == 200
    assert b"Stop all reminders" in page.content
    assert not ReminderOptOut.objects.exists()
    assert not personal_reminders.is_address_stopped(plan)


def test_a_guessed_link_stops_nothing(plan) -> None:
    _deliver_first_reminder()
    guessed = _one_click_url().replace(personal_reminders.token_for(plan), "x" * 24)
    response = Client(enforce_csrf_checks=True).post(guessed, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    assert not ReminderOptOut.objects.exists()


def test_a_text_reminder_has_no_headers(person, consent, navigator) -> None:  # noqa: F811
    personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    personal_reminders.queue_due()
    message = outbox.OutboxMessage.objects.filter(kind=personal_reminders.KIND).first()
    assert message.channel == "sms" and message.headers == {}
