"""Personal reminder plans: consent, double opt-in, bad input, delivery through the outbox."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.programs import personal_reminders
from commonweal.programs.reminder_models import PlanStatus, ReminderPlan
from commonweal.referrals import consent as consents
from commonweal.referrals import outbox
from commonweal.referrals.models import CareTeamMember, Person

pytestmark = pytest.mark.django_db

NUMBER = "305-555-0142"
E164 = "+13055550142"


@pytest.fixture(autouse=True)
def texting_on(settings):
    settings.COMMONWEAL_SMS_BACKEND = "console"
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def person(organization, navigator):
    person = Person.objects.create(given_name="Ana", phone=NUMBER, text_ok=True)
    CareTeamMember.objects.create(person=person, organization=organization)
    return person


@pytest.fixture
def consent(person, organization, navigator):
    return consents.record_consent(
        person=person,
        organizations=[organization],
        categories=["contact"],
        purpose="Reminders",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=90),
        by=navigator,
    )


def values(**changes):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    base = {
        "kind": "medication",
        "label": "blue pill",
        "show_label": False,
        "starts_on": tomorrow,
        "times": [dt.time(10, 0)],
        "repeat": "daily",
        "weekdays": [],
        "ends_on": tomorrow + dt.timedelta(days=6),
        "lead_minutes": 0,
        "time_zone": "America/New_York",
        "channel": "sms",
        "address": NUMBER,
        "language": "en",
        "window_start": dt.time(8, 0),
        "window_end": dt.time(21, 0),
    }
    return {**base, **changes}


def reminders():
    return outbox.OutboxMessage.objects.filter(kind=personal_reminders.KIND)


def test_a_navigator_cannot_set_reminders_without_consent(person, navigator) -> None:
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    assert str(personal_reminders.CONSENT_NEEDED) in error.value.message_dict["__all__"]
    assert not ReminderPlan.objects.exists()


def test_consent_to_share_other_data_is_not_consent_to_be_contacted(
    person, organization, navigator
) -> None:
    consents.record_consent(
        person=person,
        organizations=[organization],
        categories=["needs"],
        purpose="Food",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=90),
        by=navigator,
    )
    with pytest.raises(ValidationError):
        personal_reminders.create_for_person(person=person, values=values(), by=navigator)


def test_someone_outside_the_care_team_cannot_set_reminders(
    person, consent, other_org_staff
) -> None:
    with pytest.raises(personal_reminders.NotAllowed):
        personal_reminders.create_for_person(person=person, values=values(), by=other_org_staff)
    assert not ReminderPlan.objects.exists()


def test_a_navigator_sets_a_reminder_with_consent_and_it_is_audited(
    person, consent, navigator
) -> None:
    plan = personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.address == E164
    event = AuditEvent.objects.get(object_type=personal_reminders.PLAN_TYPE)
    assert event.person_id == str(person.pk)
    assert E164 not in str(event.detail) and "blue pill" not in str(event.detail)


def test_the_job_queues_each_occurrence_once(person, consent, navigator) -> None:
    plan = personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    first = personal_reminders.queue_due()
    again = personal_reminders.queue_due()
    assert first.queued >= 1 and again.queued == 0 and again.already == first.queued
    message = reminders().first()
    assert message.to == E164
    assert message.idempotency_key.startswith(f"personal-reminder:{plan.pk}:")


def test_a_text_is_generic_and_ends_with_the_opt_out(person, consent, navigator) -> None:
    personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    personal_reminders.queue_due()
    body = reminders().first().body
    assert "blue pill" not in body  # a lock screen is not private
    assert "10:00 AM" in body
    assert "Reply STOP to stop." in body
    assert "/reminders/m/" in body


def test_the_note_is_shown_only_when_asked(person, consent, navigator) -> None:
    personal_reminders.create_for_person(
        person=person, values=values(show_label=True), by=navigator
    )
    personal_reminders.queue_due()
    assert "blue pill" in reminders().first().body


def test_an_email_carries_an_unsubscribe_link(person, consent, navigator) -> None:
    personal_reminders.create_for_person(
        person=person, values=values(channel="email", address="Ana@Example.org"), by=navigator
    )
    personal_reminders.queue_due()
    message = reminders().first()
    assert message.to == "ana@example.org"
    assert "unsubscribe" in message.body and "/stop/" in message.body


def test_a_spanish_reminder_is_written_in_spanish(person, consent, navigator) -> None:
    plan = personal_reminders.create_for_person(
        person=person, values=values(language="es", repeat="once"), by=navigator
    )
    personal_reminders.queue_due()
    message = reminders().get()
    assert message.language == "es"
    day = timezone.localdate() + dt.timedelta(days=1)
    names = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    assert names[day.weekday()] in message.body.lower()
    assert plan.language == "es"


def test_withdrawn_consent_stops_a_queued_reminder_and_the_next_ones(
    person, consent, navigator
) -> None:
    plan = personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    personal_reminders.queue_due()
    consents.revoke_consent(consent=consent, by=navigator)
    report = outbox.deliver_due(now=timezone.now() + dt.timedelta(days=3))
    assert report.sent == 0 and report.cancelled >= 1
    assert not reminders().filter(status=outbox.OutboxStatus.SENT).exists()
    assert personal_reminders.queue_due().skipped == 1
    assert ReminderPlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE


def test_pausing_cancels_the_queued_reminders_and_resuming_queues_them_again(
    person, consent, navigator
) -> None:
    plan = personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    personal_reminders.queue_due()
    personal_reminders.set_status(plan, status=PlanStatus.PAUSED, by=navigator)
    assert not reminders().filter(status=outbox.OutboxStatus.PENDING).exists()
    personal_reminders.set_status(plan, status=PlanStatus.ACTIVE, by=navigator)
    assert personal_reminders.queue_due().queued >= 1


def test_an_invalid_phone_number_is_a_field_error_and_nothing_is_saved() -> None:
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(values=values(address="305-555-01"))
    assert "10-digit" in error.value.message_dict["address"][0]
    assert not ReminderPlan.objects.exists()
    assert not outbox.OutboxMessage.objects.exists()


def test_a_number_that_does_not_exist_is_refused(db) -> None:
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(values=values(address="123-456-7890"))
    assert "address" in error.value.message_dict
    assert not ReminderPlan.objects.exists()


def test_an_invalid_email_is_a_field_error_and_nothing_is_saved() -> None:
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(
            values=values(channel="email", address="ana@example")
        )
    assert error.value.message_dict["address"] == [str(personal_reminders.BAD_EMAIL)]
    assert not ReminderPlan.objects.exists() and not outbox.OutboxMessage.objects.exists()


def test_a_time_outside_the_safe_hours_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(values=values(times=[dt.time(22, 0)]))
    assert "safe hours" in error.value.message_dict["times"][0]


def test_a_repeat_without_a_last_day_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(values=values(ends_on=None))
    assert error.value.message_dict["ends_on"] == [str(personal_reminders.NEED_END)]


def test_texts_are_refused_when_texting_is_off(settings) -> None:
    settings.COMMONWEAL_SMS_BACKEND = ""
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(values=values())
    assert "channel" in error.value.message_dict


def test_a_residents_plan_waits_for_confirmation_from_the_address() -> None:
    plan = personal_reminders.create_for_resident(values=values())
    assert plan.status == PlanStatus.UNCONFIRMED
    confirmation = outbox.OutboxMessage.objects.get(kind=personal_reminders.CONFIRM_KIND)
    token = personal_reminders.token_for(plan)
    assert token in confirmation.body and confirmation.to == E164
    assert token not in plan.token_hash  # only a hash is stored
    assert personal_reminders.queue_due().queued == 0

    assert personal_reminders.find_by_token(token) == plan
    personal_reminders.confirm(plan)
    assert personal_reminders.queue_due().queued >= 1


def test_a_rotated_secret_key_kept_as_a_fallback_keeps_the_link(settings) -> None:
    plan = personal_reminders.create_for_resident(values=values())
    token = personal_reminders.token_for(plan)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key", [old_key]
    assert personal_reminders.token_for(plan) == token  # later messages: the same link
    settings.SECRET_KEY_FALLBACKS = []
    assert personal_reminders.token_for(plan) != token  # the old key dropped: a new link
    # The link already sent still opens the plan: found by its hash, with no key involved
    # (only the columns of the lookup: in tests the encryption key derives from SECRET_KEY).
    found = ReminderPlan.objects.filter(token_hash=personal_reminders.hash_token(token))
    assert list(found.values_list("pk", flat=True)) == [plan.pk]


def test_a_guessed_token_finds_nothing() -> None:
    personal_reminders.create_for_resident(values=values())
    assert personal_reminders.find_by_token("not-the-token") is None
    assert personal_reminders.find_by_token("") is None


def test_an_address_gets_at_most_three_confirmations_a_day() -> None:
    for _ in range(personal_reminders.MAX_UNCONFIRMED_PER_ADDRESS):
        personal_reminders.create_for_resident(values=values())
    with pytest.raises(ValidationError) as error:
        personal_reminders.create_for_resident(values=values())
    assert "address" in error.value.message_dict


def test_no_number_or_note_reaches_the_logs(person, consent, navigator, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    plan = personal_reminders.create_for_person(
        person=person, values=values(show_label=True), by=navigator
    )
    personal_reminders.queue_due()
    outbox.deliver_due(now=timezone.now() + dt.timedelta(days=3))
    assert reminders().filter(status=outbox.OutboxStatus.SENT).exists()
    logged = caplog.text + capsys.readouterr().out.split("\n", 1)[0]
    for secret in (E164, NUMBER, "5550142", "blue pill"):
        assert secret not in logged
    assert E164 not in str(plan) and "blue pill" not in str(plan)


def test_erasing_the_person_leaves_no_message_with_their_address(
    person, consent, navigator
) -> None:
    personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    personal_reminders.queue_due()
    person.delete()
    assert not ReminderPlan.objects.exists()
    assert not outbox.OutboxMessage.objects.filter(to=E164).exists()


def test_the_worker_runs_the_job(person, consent, navigator) -> None:
    from commonweal.referrals import schedule

    personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    assert schedule.run_job("personal-reminders")["queued"] >= 1


def test_the_job_forgets_unconfirmed_and_long_finished_plans(person, consent, navigator) -> None:
    now = timezone.now()
    kept = personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    stopped = personal_reminders.create_for_person(
        person=person, values=values(kind="appointment"), by=navigator
    )
    personal_reminders.set_status(stopped, status=PlanStatus.STOPPED, by=navigator)
    unconfirmed = personal_reminders.create_for_resident(values=values(address="305-555-0143"))
    later = now + personal_reminders.KEEP_AFTER_END - dt.timedelta(days=30)
    assert personal_reminders.forget_old(now=later) == 1  # the unconfirmed sign-up
    assert not ReminderPlan.objects.filter(pk=unconfirmed.pk).exists()
    assert not outbox.OutboxMessage.objects.filter(kind=personal_reminders.CONFIRM_KIND).exists()
    much_later = now + personal_reminders.KEEP_AFTER_END + dt.timedelta(days=10)
    assert personal_reminders.forget_old(now=much_later) == 2  # stopped, and past its last day
    assert not ReminderPlan.objects.filter(pk__in=[kept.pk, stopped.pk]).exists()


def test_the_persons_copy_of_their_data_holds_their_reminders(person, consent, navigator) -> None:
    from commonweal.referrals import person_rights

    personal_reminders.create_for_person(person=person, values=values(), by=navigator)
    (held,) = person_rights.export_json(person)["reminders"]
    assert (held["kind"], held["note"], held["address"]) == ("medication", "blue pill", E164)
    assert (held["times"], held["repeat"], held["status"]) == (["10:00"], "daily", "active")
