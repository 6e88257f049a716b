"""Per-message email headers: stored encrypted with the message, sent with the email, kept
when a cancelled key is revived; a text message has none to send."""

from __future__ import annotations

import pytest
from django.core import mail

from commonweal.lib.tests.test_encrypted_fields import raw
from commonweal.referrals import outbox
from commonweal.referrals.outbox_models import OutboxMessage, OutboxStatus
from commonweal.referrals.tests.messaging_fixtures import EMAIL

pytestmark = pytest.mark.django_db

STOP = "https://commonweal.example/reminders/m/secret-token/stop/"


def _put(key: str = "h1", **values):
    return outbox.enqueue(
        kind="test",
        channel="email",
        recipient_kind="person",
        to=EMAIL,
        key=key,
        subject="Reminder",
        body="Your appointment is tomorrow.",
        **values,
    )[0]


def test_the_one_click_unsubscribe_headers_follow_rfc_8058() -> None:
    assert outbox.unsubscribe_headers(STOP) == {
        "List-Unsubscribe": f"<{STOP}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_a_messages_headers_go_out_with_its_email() -> None:
    _put(headers=outbox.unsubscribe_headers(STOP))
    assert outbox.deliver_due().sent == 1
    [email] = mail.outbox
    sent = email.message()
    assert sent["List-Unsubscribe"] == f"<{STOP}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_message_without_headers_sends_none() -> None:
    _put()
    outbox.deliver_due()
    assert mail.outbox[0].message()["List-Unsubscribe"] is None


def test_the_headers_are_encrypted_at_rest_like_the_body() -> None:
    message = _put(headers=outbox.unsubscribe_headers(STOP))
    assert "secret-token" not in raw(OutboxMessage, message.pk, "headers")
    assert OutboxMessage.objects.get(pk=message.pk).headers["List-Unsubscribe"] == f"<{STOP}>"


def test_a_revived_key_carries_the_new_headers() -> None:
    message = _put(headers=outbox.unsubscribe_headers(STOP))
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.CANCELLED)
    other = STOP.replace("secret-token", "another-token")
    revived, created = outbox.enqueue(
        kind="test",
        channel="email",
        recipient_kind="person",
        to=EMAIL,
        key="h1",
        body="Moved.",
        headers=outbox.unsubscribe_headers(other),
    )
    assert created and revived.pk == message.pk
    assert revived.headers["List-Unsubscribe"] == f"<{other}>"
