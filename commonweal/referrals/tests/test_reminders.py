"""Appointment reminders (channel, safe time, language, .ics, missing contact method) and the
overdue follow-up of referrals nobody answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from commonweal.lib.tests import test_sms
from commonweal.referrals import followup, outbox, reminders
from commonweal.referrals.models import ReferralStatus
from commonweal.referrals.outbox_models import OutboxMessage, OutboxStatus
from commonweal.referrals.tests import messaging_fixtures
from commonweal.referrals.tests.messaging_fixtures import (
    E164,
    EMAIL,
    accept,
    assert_no_person_data,
    local,
    messages,
    reachable,
    schedule,
)

pytestmark = pytest.mark.django_db

emails = messaging_fixtures.emails  # a fixture
twilio = test_sms.twilio  # the fake Twilio server fixture

FAR = dt.timedelta(days=30)


@pytest.fixture
def accepted(referral, other_org_staff):
    return accept(referral, other_org_staff)


def future(days: int = 30, hour: int = 10) -> dt.datetime:
    """A weekday-independent future local time at a fixed hour."""
    day = (dt.datetime.now(local(2030, 1, 1).tzinfo) + dt.timedelta(days=days)).date()
    return local(day.year, day.month, day.day, hour)


# --- safe times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "window"),
    [
        ("9-5", ((9, 0), (17, 0))),
        ("weekdays 10:00-14:00", ((10, 0), (14, 0))),
        ("9am to 12pm", ((9, 0), (12, 0))),
        ("1-4", ((13, 0), (16, 0))),
        ("de 10 a 2", ((10, 0), (14, 0))),
        ("after 6pm", ((18, 0), (21, 0))),
        ("después de las 5", ((17, 0), (21, 0))),
        ("before 11am", ((8, 0), (11, 0))),
        ("mornings only", ((9, 0), (12, 0))),
        ("por la tarde", ((12, 0), (17, 0))),
        ("", ((9, 0), (18, 0))),
        ("whenever her partner is out", ((9, 0), (18, 0))),
        ("25-99", ((9, 0), (18, 0))),
    ],
)
def test_safe_times_are_read_from_the_persons_own_words(said, window):
    (h1, m1), (h2, m2) = window
    assert reminders.safe_window(said) == (dt.time(h1, m1), dt.time(h2, m2))


def test_the_reminder_goes_the_day_before_at_the_start_of_the_safe_window():
    appointment = local(2030, 1, 15, 10)  # a Tuesday
    now = local(2030, 1, 10, 12)
    assert reminders.send_time(appointment, "", now) == local(2030, 1, 14, 9)
    assert reminders.send_time(appointment, "after 6pm", now) == local(2030, 1, 14, 18)


def test_a_late_booking_gets_the_next_safe_moment_or_none():
    appointment = local(2030, 1, 15, 10)
    # Booked the evening before, after the window closed: the morning of, an hour ahead.
    assert reminders.send_time(appointment, "", local(2030, 1, 14, 20)) == local(2030, 1, 15, 9)
    # Booked within the window the day before: now.
    now = local(2030, 1, 14, 15)
    assert reminders.send_time(appointment, "", now) == now
    # Too close to an early appointment: no safe moment is left.
    early = local(2030, 1, 15, 9, 30)
    assert reminders.send_time(early, "", local(2030, 1, 14, 20)) is None


# --- queuing ------------------------------------------------------------------------------------


def test_scheduling_queues_a_text_for_the_safe_time(accepted, person, other_org_staff):
    reachable(person, safe_times="after 6pm")
    at = future()
    schedule(accepted, other_org_staff, at)
    [message] = messages(reminders.KIND)
    assert message.channel == "sms" and message.to == E164
    assert message.recipient_kind == "person" and message.ics == ""
    expected = reminders.send_time(at, "after 6pm", message.created_at)
    assert message.next_attempt_at == expected
    assert message.next_attempt_at.astimezone(at.tzinfo).hour == 18
    assert "Eastside Clinic" in message.body
    # Not yet: it waits for its time, then goes once.
    assert outbox.deliver_due().sent == 0
    assert outbox.deliver_due(now=message.next_attempt_at).sent == 1


def test_the_reminder_is_in_the_persons_language(accepted, person, other_org_staff):
    reachable(person, preferred_language="es")
    at = local(2031, 1, 14, 10)  # a Tuesday in January
    schedule(accepted, other_org_staff, at)
    [message] = messages(reminders.KIND)
    assert message.language == "es"
    body = message.body.lower()
    assert "martes" in body and "enero" in body  # Django's own Spanish dates
    assert "tuesday" not in body and "january" not in body


def test_without_texts_an_email_goes_with_an_ics_invitation(accepted, person, other_org_staff):
    reachable(person, text_ok=False, email_ok=True, email=EMAIL)
    at = future()
    schedule(accepted, other_org_staff, at)
    [message] = messages(reminders.KIND)
    assert message.channel == "email" and message.to == EMAIL
    assert "Eastside Clinic" in message.subject
    event = Calendar.from_ical(message.ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == at
    assert event.decoded("dtend") == at + dt.timedelta(hours=1)
    assert "Walk-in clinic" in str(event.get("summary"))
    outbox.deliver_due(now=message.next_attempt_at)
    [email] = mail.outbox
    assert email.attachments[0][0] == "appointment.ics"


def test_a_text_ok_person_with_texting_off_gets_email_if_they_agreed(
    accepted, person, other_org_staff, settings
):
    settings.COMMONWEAL_SMS_BACKEND = ""
    reachable(person, email_ok=True, email=EMAIL)
    schedule(accepted, other_org_staff, future())
    assert messages(reminders.KIND)[0].channel == "email"


@pytest.mark.parametrize(
    "values",
    [
        {"text_ok": False, "email_ok": False, "email": EMAIL},  # agreed to neither
        {"text_ok": True, "phone": ""},  # texts OK but no number
        {"text_ok": False, "email_ok": True, "email": ""},  # email OK but no address
    ],
)
def test_no_usable_contact_method_queues_nothing_and_says_why(
    accepted, person, other_org_staff, values
):
    reachable(person, **values)
    referral = schedule(accepted, other_org_staff, future())
    assert referral.appointment_at is not None  # the appointment itself stands
    assert messages(reminders.KIND) == []
    problem = reminders.problem_for(referral)
    assert problem.startswith("No reminder will be sent")
    with pytest.raises(reminders.NoContactMethod):
        reminders.contact_for(person)


def test_staff_see_the_reason_on_the_page(accepted, person, other_org_staff, client):
    client.force_login(other_org_staff)
    at = future()
    response = client.post(
        reverse("referral:appointment", args=[accepted.pk]),
        {"day": at.date().isoformat(), "time": "10:00", "version": accepted.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "No reminder will be sent" in response.content.decode()
    assert messages(reminders.KIND) == []


def test_moving_the_appointment_replaces_the_reminder_and_clearing_cancels_it(
    accepted, person, other_org_staff
):
    reachable(person)
    first = future(days=20)
    referral = schedule(accepted, other_org_staff, first)
    referral = schedule(referral, other_org_staff, future(days=25))
    old, new = messages(reminders.KIND)
    assert old.status == OutboxStatus.CANCELLED and new.status == OutboxStatus.PENDING
    referral = schedule(referral, other_org_staff, None)
    assert {m.status for m in messages(reminders.KIND)} == {OutboxStatus.CANCELLED}
    # Back to the first time: its reminder lives again, still one row for that time.
    schedule(referral, other_org_staff, first)
    statuses = sorted(m.status for m in messages(reminders.KIND))
    assert statuses == [OutboxStatus.CANCELLED, OutboxStatus.PENDING]


def test_the_periodic_job_is_idempotent_and_catches_fixed_contact_details(
    accepted, person, other_org_staff
):
    at = future(days=2)
    referral = schedule(accepted, other_org_staff, at)  # no contact method yet
    assert messages(reminders.KIND) == []
    reachable(person)
    assert reminders.queue_upcoming().queued == 1
    assert reminders.queue_upcoming().queued == 0
    assert len(messages(reminders.KIND)) == 1
    assert messages(reminders.KIND)[0].referral_id == referral.pk


def test_a_reminder_goes_through_twilio_and_logs_no_number(
    accepted,
    person,
    other_org_staff,
    twilio,
    caplog,
):
    reachable(person)
    schedule(accepted, other_org_staff, future())
    [message] = messages(reminders.KIND)
    outbox.deliver_due(now=message.next_attempt_at)
    [request] = twilio.requests
    assert request["form"]["To"] == E164
    assert "Eastside Clinic" in request["form"]["Body"]
    assert_no_person_data(caplog.text)


# --- overdue follow-up --------------------------------------------------------------------------


def test_business_days_skip_weekends():
    friday = dt.date(2030, 1, 11)
    assert followup.business_days_between(friday, dt.date(2030, 1, 13)) == 0  # Sunday
    assert followup.business_days_between(friday, dt.date(2030, 1, 14)) == 1  # Monday
    assert followup.business_days_between(friday, dt.date(2030, 1, 18)) == 5
    assert followup.business_days_between(friday, dt.date(2030, 1, 25)) == 10
    assert followup.business_days_between(friday, friday) == 0


def test_no_response_reminds_the_receiver_then_alerts_the_sender_each_once(
    referral,
    emails,
    settings,
):
    settings.REFERRAL_NO_RESPONSE_DAYS = 3
    sent = local(2030, 1, 11, 10)  # a Friday
    referral.__class__.objects.filter(pk=referral.pk).update(sent_at=sent)

    assert followup.check_overdue(now=local(2030, 1, 15, 12)).receiver_reminders == 0  # Tue: 2
    summary = followup.check_overdue(now=local(2030, 1, 16, 12))  # Wednesday: 3 business days
    assert (summary.receiver_reminders, summary.sender_alerts) == (1, 0)
    [reminder] = messages("overdue-receiver")
    assert reminder.to == "oscar@eastside.example"
    assert_no_person_data(reminder.body)

    assert followup.check_overdue(now=local(2030, 1, 16, 13)).receiver_reminders == 0
    summary = followup.check_overdue(now=local(2030, 1, 21, 12))  # next Monday: 6
    assert (summary.receiver_reminders, summary.sender_alerts) == (0, 1)
    [alert] = messages("overdue-sender")
    assert alert.to == "nina@northside.example"
    followup.check_overdue(now=local(2030, 2, 21, 12))
    assert len(messages("overdue-receiver")) == 1 and len(messages("overdue-sender")) == 1


def test_an_answered_referral_is_not_overdue(referral, emails, other_org_staff):
    accept(referral, other_org_staff)
    referral.__class__.objects.filter(pk=referral.pk).update(sent_at=local(2030, 1, 1, 10))
    summary = followup.check_overdue(now=local(2030, 3, 1, 10))
    assert summary.receiver_reminders == summary.sender_alerts == 0
    assert OutboxMessage.objects.filter(kind__startswith="overdue").count() == 0
    assert referral.status == ReferralStatus.REQUESTED  # the fixture object, untouched
