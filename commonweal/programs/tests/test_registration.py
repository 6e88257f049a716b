"""Registration: places and the waiting list, messages queued and withdrawn, bad contacts,
cancelling by the private link, and capacity under concurrent registrations."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from commonweal.programs import registration, schedule
from commonweal.programs.models import Registration, RegistrationStatus
from commonweal.referrals.outbox_models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db
MEETING = dt.datetime(2026, 3, 10, 18, 0)
BEFORE = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _sign_up(session, name="A. B.", contact="ab@example.org", **kwargs):
    return registration.register(
        session, occurrence=MEETING, name=name, contact=contact, now=BEFORE, **kwargs
    )


def test_it_gives_a_place_then_the_waiting_list_when_full(weekly, partner_staff) -> None:
    schedule.update_session(weekly, by=partner_staff, capacity=1)
    weekly.refresh_from_db()
    first = _sign_up(weekly)
    second = _sign_up(weekly, name="C. D.", contact="305-555-0123")
    assert (first.status, second.status) == ("registered", "waitlisted")
    assert second.channel == "sms" and second.contact == "305-555-0123"


def test_it_queues_a_confirmation_and_a_reminder_a_day_before(weekly) -> None:
    made = _sign_up(weekly)
    confirmation = OutboxMessage.objects.get(idempotency_key=f"programme-registered:{made.pk}")
    reminder = OutboxMessage.objects.get(idempotency_key=f"programme-reminder:{made.pk}")
    assert confirmation.to == "ab@example.org"
    assert "You are registered for Tuesday support group" in confirmation.body
    assert "Tuesday 10 March, 6:00 PM" in confirmation.body  # in the programme's own zone
    assert registration.cancel_url(made) in confirmation.body  # the private cancel link
    assert reminder.next_attempt_at == dt.datetime(2026, 3, 9, 22, 0, tzinfo=dt.UTC)


def test_cancelling_withdraws_the_reminder_and_moves_the_waiting_list_up(
    weekly, partner_staff
) -> None:
    schedule.update_session(weekly, by=partner_staff, capacity=1)
    weekly.refresh_from_db()
    first = _sign_up(weekly)
    waiting = _sign_up(weekly, name="C. D.", contact="cd@example.org")
    registration.cancel(first, now=BEFORE)
    reminder = OutboxMessage.objects.get(idempotency_key=f"programme-reminder:{first.pk}")
    assert reminder.status == OutboxStatus.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    assert OutboxMessage.objects.filter(
        idempotency_key=f"programme-place-free:{waiting.pk}"
    ).exists()


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ("", registration.CONTACT_NEEDED),
        ("305-555", "Enter a 10-digit phone number with its area code."),
        ("ab@", "This is not an email address like name@example.org."),
        ("call me", "Enter a phone number using digits only, like 305-555-0123."),
    ],
)
def test_it_names_a_contact_that_cannot_be_used(weekly, contact, message) -> None:
    with pytest.raises(ValidationError) as refused:
        _sign_up(weekly, contact=contact)
    assert refused.value.message_dict["contact"] == [str(message)]
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_it_refuses_a_cancelled_past_or_unknown_meeting(weekly, partner_staff) -> None:
    schedule.cancel_occurrence(weekly, occurrence=MEETING, by=partner_staff)
    with pytest.raises(ValidationError) as refused:
        _sign_up(weekly)
    assert refused.value.message_dict["occurrence"] == [str(registration.MEETING_CANCELLED)]
    with pytest.raises(ValidationError) as refused:
        registration.register(
            weekly, occurrence=dt.datetime(2026, 3, 11, 18, 0), name="A", contact="a@b.org"
        )
    assert refused.value.message_dict["occurrence"] == [str(registration.NO_SUCH_MEETING)]
    with pytest.raises(ValidationError) as refused:
        registration.register(
            weekly, occurrence=dt.datetime(2026, 3, 3, 18, 0), name="", contact="a@b.org"
        )
    assert refused.value.message_dict == {
        "name": [str(registration.NAME_NEEDED)],
        "occurrence": [str(registration.MEETING_PAST)],
    }


def test_it_counts_places_waiting_and_attendance_per_meeting(weekly, partner_staff) -> None:
    schedule.update_session(weekly, by=partner_staff, capacity=2)
    weekly.refresh_from_db()
    made = [_sign_up(weekly, name=f"P{n}", contact=f"p{n}@example.org") for n in range(3)]
    registration.check_in(made[0], attended=True, by=partner_staff)
    assert registration.counts(weekly)["2026-03-10T18:00:00"] == registration.Counts(2, 1, 1)


def test_no_name_or_contact_reaches_the_log(weekly, caplog) -> None:
    with caplog.at_level("DEBUG"):
        made = _sign_up(weekly, name="Zephyrine Q.", contact="zq@example.org")
        registration.cancel(made, now=BEFORE)
    assert "Zephyrine" not in caplog.text and "zq@example.org" not in caplog.text
    assert "Zephyrine" not in str(made)


@pytest.mark.django_db(transaction=True)
def test_capacity_is_never_exceeded_by_concurrent_registrations(weekly, partner_staff) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "LOUD SKIP: the row lock (SELECT … FOR UPDATE) is PostgreSQL's; SQLite has none to "
            "exercise. Run with DATABASE_URL=postgres://… (CI's second run does)."
        )
    schedule.update_session(weekly, by=partner_staff, capacity=3)
    weekly.refresh_from_db()
    people = 12
    barrier = threading.Barrier(people)
    failures: list[BaseException] = []

    def sign_up(n: int) -> None:
        try:
            barrier.wait()
            registration.register(
                weekly, occurrence=MEETING, name=f"P{n}", contact=f"p{n}@example.org", now=BEFORE
            )
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count("registered") == 3
    assert statuses.count("waitlisted") == people - 3


def test_cancelling_a_meeting_tells_the_people_signed_up_and_withdraws_reminders(
    weekly, partner_staff
) -> None:
    made = _sign_up(weekly)
    schedule.cancel_occurrence(weekly, occurrence=MEETING, by=partner_staff)
    reminder = OutboxMessage.objects.get(idempotency_key=f"programme-reminder:{made.pk}")
    assert reminder.status == OutboxStatus.CANCELLED
    told = OutboxMessage.objects.get(idempotency_key=f"programme-meeting-cancelled:{made.pk}")
    assert "is cancelled" in told.body and told.to == "ab@example.org"


def test_a_schedule_change_that_would_strand_sign_ups_is_refused(weekly, partner_staff) -> None:
    _sign_up(weekly)
    with pytest.raises(ValidationError) as refused:
        schedule.update_session(weekly, by=partner_staff, exdates=["2026-03-10T18:00"])
    assert refused.value.message_dict["__all__"] == [
        "1 person signed up for a meeting this change removes. "
        "Cancel those meetings instead, so they are told."
    ]
    with pytest.raises(ValidationError):
        schedule.update_session(weekly, by=partner_staff, start_time=dt.time(19, 0))
    weekly.refresh_from_db()
    assert weekly.exdates == [] and weekly.start_time == dt.time(18, 0)
    # A change that keeps the meeting is fine.
    assert schedule.update_session(weekly, by=partner_staff, capacity=5).capacity == 5
