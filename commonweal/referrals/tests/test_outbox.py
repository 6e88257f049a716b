"""The outbox: stored in the caller's transaction, delivered once by the worker, retried with
backoff when the provider refuses, never resent after a crash mid-send."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from commonweal.lib.tests import test_sms
from commonweal.referrals import outbox
from commonweal.referrals.outbox_models import Channel, OutboxMessage, OutboxStatus
from commonweal.referrals.tests.messaging_fixtures import E164, EMAIL, assert_no_person_data

pytestmark = pytest.mark.django_db

twilio = test_sms.twilio  # the fake Twilio server fixture

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def put(key: str = "k1", channel: str = Channel.EMAIL, to: str = EMAIL, **values):
    values.setdefault("kind", "test")
    values.setdefault("body", "Your appointment is tomorrow.")
    values.setdefault("subject", "Reminder")
    return outbox.enqueue(channel=channel, recipient_kind="person", to=to, key=key, **values)[0]


class Refusing(BaseEmailBackend):
    """An SMTP server that refuses every message, naming the address as real ones do."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, b"mailbox unavailable")})


def test_a_message_is_sent_once_and_marked_sent():
    message = put()
    report = outbox.deliver_due()
    assert report.sent == 1
    [email] = mail.outbox
    assert email.to == [EMAIL] and email.subject == "Reminder"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert message.sent_at is not None
    assert outbox.deliver_due().sent == 0
    assert len(mail.outbox) == 1


def test_the_same_key_stores_one_message():
    first = put("same")
    second, created = outbox.enqueue(
        kind="test", channel="email", recipient_kind="person", to=EMAIL, key="same", body="x"
    )
    assert second.pk == first.pk and not created
    assert OutboxMessage.objects.count() == 1


def test_a_rolled_back_transaction_stores_and_sends_nothing(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                put()
                raise RuntimeError("the referral change failed")
    assert callbacks == [] and OutboxMessage.objects.count() == 0 and mail.outbox == []


def test_the_commit_asks_the_worker_and_the_immediate_backend_delivers(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        put()
        assert mail.outbox == []  # never from inside the caller's transaction
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


# The worker closes connections a test transaction holds: it needs a real commit (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_what_the_commit_enqueued(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        put()
    assert DBTaskResult.objects.count() == 1 and mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_a_message_for_later_waits_until_it_is_due():
    later = timezone.now() + dt.timedelta(hours=5)
    put(send_after=later)
    assert outbox.deliver_due().sent == 0
    assert outbox.deliver_due(now=later).sent == 1


def test_an_ics_attachment_goes_with_the_email():
    put(ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    outbox.deliver_due()
    [(name, content, mimetype)] = mail.outbox[0].attachments
    assert name == "appointment.ics" and "VCALENDAR" in content
    assert mimetype.startswith("text/calendar")


def test_a_refused_message_is_retried_with_exponential_backoff(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = put()
    start = timezone.now()
    assert outbox.deliver_due(now=start).retrying == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at == start + dt.timedelta(seconds=60)
    # The error keeps the kind of failure, never the address the server repeated.
    assert message.last_error == "SMTPRecipientsRefused"

    assert outbox.deliver_due(now=start + dt.timedelta(seconds=59)).retrying == 0
    second = start + dt.timedelta(seconds=61)
    assert outbox.deliver_due(now=second).retrying == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == second + dt.timedelta(seconds=120)

    assert outbox.deliver_due(now=second + dt.timedelta(seconds=121)).failed == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert outbox.deliver_due(now=second + dt.timedelta(days=1)).failed == 0
    assert_no_person_data(caplog.text)


def test_backoff_doubles_and_is_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.backoff(40) == outbox.MAX_BACKOFF


def test_a_row_is_claimed_by_one_worker_only():
    put()
    now = timezone.now()
    assert len(outbox.claim(now=now)) == 1
    assert outbox.claim(now=now) == []


def test_a_crash_between_claim_and_send_is_never_resent_automatically(settings, caplog):
    settings.OUTBOX_LEASE_SECONDS = 300
    message = put()
    now = timezone.now()
    outbox.claim(now=now)  # … and the worker dies here, before or during the provider call

    assert outbox.deliver_due(now=now + dt.timedelta(seconds=299)).unknown == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING  # another worker keeps its hands off

    assert outbox.deliver_due(now=now + dt.timedelta(seconds=301)).unknown == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.UNKNOWN
    for later in (dt.timedelta(hours=1), dt.timedelta(days=2)):
        outbox.deliver_due(now=now + later)
    assert mail.outbox == []
    assert str(message.pk) in caplog.text
    assert_no_person_data(caplog.text)

    # A person checked the provider's log: it did not go out. Now it is sent, once.
    assert outbox.resend(message)
    assert outbox.deliver_due().sent == 1
    assert len(mail.outbox) == 1
    assert not outbox.resend(message)  # a sent message cannot be queued again


def test_a_crash_after_the_provider_took_it_sends_it_only_once(settings, monkeypatch):
    settings.OUTBOX_LEASE_SECONDS = 300
    message = put()

    def crash(_message):
        raise SystemExit("worker killed")

    monkeypatch.setattr(outbox, "mark_sent", crash)
    now = timezone.now()
    with pytest.raises(SystemExit):
        outbox.deliver_due(now=now)
    monkeypatch.undo()
    assert len(mail.outbox) == 1  # the provider has it; our record still says "sending"

    outbox.deliver_due(now=now + dt.timedelta(seconds=301))
    outbox.deliver_due(now=now + dt.timedelta(days=1))
    message.refresh_from_db()
    assert message.status == OutboxStatus.UNKNOWN
    assert len(mail.outbox) == 1


def test_a_text_goes_through_twilio(twilio, caplog):
    message = put(channel=Channel.SMS, to=E164, body="Appointment tomorrow at 10:00")
    assert outbox.deliver_due().sent == 1
    [request] = twilio.requests
    assert request["form"]["To"] == E164
    assert request["form"]["Body"] == "Appointment tomorrow at 10:00"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert_no_person_data(caplog.text)


def test_a_text_twilio_refuses_is_retried_without_the_number_in_the_error(twilio, caplog):
    twilio.status = 400
    message = put(channel=Channel.SMS, to=E164)
    assert outbox.deliver_due().retrying == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert "refused" in message.last_error
    assert_no_person_data(message.last_error)
    assert_no_person_data(caplog.text)


def test_an_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        outbox.enqueue(
            kind="test", channel="fax", recipient_kind="person", to="x", key="k", body="b"
        )


@pytest.mark.parametrize(
    ("stored", "code"),
    [("es", "es"), ("es-MX", "es"), ("Spanish", "es"), ("EN", "en"), ("", "en"), ("fr", "en")],
)
def test_a_stored_language_preference_maps_to_a_site_language(stored, code):
    assert outbox.language_code(stored) == code


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_take_the_same_row():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip(
            "SKIPPED LOUDLY: concurrent claims need PostgreSQL (SQLite serialises writers; "
            "CI runs this on PostgreSQL)"
        )
    for n in range(40):
        put(f"k{n}", send_after=timezone.now())
    now = timezone.now()

    def worker(_: int) -> list[str]:
        try:
            return [str(m.pk) for m in outbox.claim(now=now, limit=25)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(worker, range(2))
    assert not set(first) & set(second)
    assert len(first) + len(second) == 40
