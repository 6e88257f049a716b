"""The opt-out list: STOP by link or by text is honoured at once, even for a queued reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonweal.lib import sms
from commonweal.programs import opt_out, personal_reminders
from commonweal.programs.reminder_models import ReminderOptOut
from commonweal.programs.tests.test_personal_reminders import E164, values
from commonweal.referrals import outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def texting_on(settings):
    settings.COMMONWEAL_SMS_BACKEND = "console"
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """The numbers the SMS backend was asked to text."""
    numbers: list[str] = []
    monkeypatch.setattr(sms, "send", lambda to, body: numbers.append(to))
    return numbers


@pytest.fixture
def queued():
    """A confirmed resident's plan with its reminders already in the outbox."""
    plan = personal_reminders.create_for_resident(values=values())
    personal_reminders.confirm(plan)
    outbox.OutboxMessage.objects.filter(kind=personal_reminders.CONFIRM_KIND).delete()
    assert personal_reminders.queue_due().queued >= 1
    return plan


def pending():
    return outbox.OutboxMessage.objects.filter(
        kind=personal_reminders.KIND, status=outbox.OutboxStatus.PENDING
    )


def later() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=3)


def test_the_stop_link_cancels_a_queued_reminder_and_the_worker_sends_nothing(queued, sent) -> None:
    token = personal_reminders.token_for(queued)
    page = Client().get(reverse("reminders:stop", kwargs={"token": token}))
    assert page.status_code == 200 and not opt_out.is_opted_out(E164)  # GET changes nothing

    response = Client().post(reverse("reminders:stop", kwargs={"token": token}))

    assert response.status_code == 200
    assert not pending().exists()
    assert outbox.OutboxMessage.objects.filter(status=outbox.OutboxStatus.CANCELLED).exists()
    report = outbox.deliver_due(now=later())
    assert report.sent == 0 and sent == []
    assert personal_reminders.queue_due().queued == 0  # and nothing new is queued


def test_an_opt_out_recorded_after_queueing_is_checked_again_at_send(queued, sent) -> None:
    # As if the STOP landed while the row was on its way to the worker: the row is still
    # pending, but the list says stop.
    ReminderOptOut.objects.create(address_hash=opt_out.address_hash(E164), source="sms")
    assert pending().exists()

    report = outbox.deliver_due(now=later())

    assert report.sent == 0 and report.cancelled >= 1 and sent == []
    assert not outbox.OutboxMessage.objects.filter(status=outbox.OutboxStatus.SENT).exists()


def test_an_opt_out_stops_every_plan_to_that_address(sent) -> None:
    first = personal_reminders.create_for_resident(values=values())
    second = personal_reminders.create_for_resident(values=values(kind="appointment"))
    for plan in (first, second):
        personal_reminders.confirm(plan)
    personal_reminders.queue_due()

    cancelled = opt_out.opt_out(address=E164, source="link")

    assert cancelled >= 2 and not pending().exists()


def test_start_lets_the_job_queue_the_reminders_again(queued) -> None:
    opt_out.opt_out(address=E164, source="sms")
    assert opt_out.opt_in(address=E164)
    assert personal_reminders.queue_due().queued >= 1
    assert pending().exists()


def test_the_list_keeps_only_a_hash_of_the_address(queued) -> None:
    opt_out.opt_out(address=E164, source="link")
    row = ReminderOptOut.objects.get()
    assert "5550142" not in row.address_hash and len(row.address_hash) == 64
    assert "5550142" not in str(row)


def test_a_navigator_cannot_set_reminders_to_an_address_that_said_stop(
    organization, navigator
) -> None:
    from commonweal.referrals import consent as consents
    from commonweal.referrals.models import CareTeamMember, Person

    someone = Person.objects.create(given_name="Bea")
    CareTeamMember.objects.create(person=someone, organization=organization)
    consents.record_consent(
        person=someone,
        organizations=[organization],
        categories=["contact"],
        purpose="Reminders",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=30),
        by=navigator,
    )
    opt_out.opt_out(address=E164, source="sms")
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_person(person=someone, values=values(), by=navigator)
    assert error.value.message_dict["address"] == [str(personal_reminders.ADDRESS_OPTED_OUT)]


def test_confirming_a_new_sign_up_is_a_fresh_opt_in() -> None:
    opt_out.opt_out(address=E164, source="link")
    plan = personal_reminders.create_for_resident(values=values())
    personal_reminders.confirm(plan)
    assert not opt_out.is_opted_out(E164)
