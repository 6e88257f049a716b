"""The reminder pages and API: a resident's sign-up and link, a navigator's on a person."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import ApiToken, AuditEvent
from commonweal.programs import personal_reminders
from commonweal.programs.reminder_models import PlanStatus, ReminderPlan
from commonweal.referrals import consent as consents
from commonweal.referrals import outbox
from commonweal.referrals.models import CareTeamMember, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(settings):
    settings.COMMONWEAL_SMS_BACKEND = "console"
    settings.TIME_ZONE = "America/New_York"
    cache.clear()  # the sign-up limit counts per address, and tests share 127.0.0.1


def form(**changes) -> dict[str, str]:
    day = timezone.localdate() + dt.timedelta(days=2)
    base = {
        "kind": "appointment",
        "label": "Dr Ruiz",
        "starts_on": day.isoformat(),
        "times": "3:00 PM",
        "repeat": "once",
        "lead_minutes": "1440",
        "time_zone": "America/New_York",
        "channel": "sms",
        "address": "(305) 555-0142",
        "language": "en",
        "window_start": "08:00",
        "window_end": "21:00",
    }
    return {**base, **changes}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the resident's own -------------------------------------------------------------------------


def test_the_sign_up_page_shows_the_form_and_the_crisis_lines() -> None:
    response = Client().get(reverse("reminders:new"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "988" in text and 'name="address"' in text and 'name="window_start"' in text


def test_signing_up_sends_a_confirmation_and_nothing_else() -> None:
    response = Client().post(reverse("reminders:new"), form())
    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:sent")
    plan = ReminderPlan.objects.get()
    assert plan.status == PlanStatus.UNCONFIRMED and plan.person is None
    kinds = list(outbox.OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == [personal_reminders.CONFIRM_KIND]


def test_a_bad_number_is_shown_on_its_field_and_nothing_is_saved() -> None:
    response = Client().post(reverse("reminders:new"), form(address="555-01"))
    assert response.status_code == 400
    assert "10-digit" in response.content.decode()
    assert not ReminderPlan.objects.exists() and not outbox.OutboxMessage.objects.exists()


def test_a_bad_time_is_shown_on_its_field() -> None:
    response = Client().post(reverse("reminders:new"), form(times="quarter past"))
    assert response.status_code == 400
    assert "is not a time" in response.content.decode()
    assert not ReminderPlan.objects.exists()


def test_the_link_shows_the_plan_and_opening_it_does_not_confirm() -> None:
    Client().post(reverse("reminders:new"), form())
    plan = ReminderPlan.objects.get()
    url = reverse("reminders:manage", kwargs={"token": personal_reminders.token_for(plan)})
    response = Client().get(url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Confirm" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNCONFIRMED  # mail scanners open links; only a POST acts


def test_confirm_pause_resume_and_stop_from_the_link() -> None:
    Client().post(reverse("reminders:new"), form())
    plan = ReminderPlan.objects.get()
    url = reverse("reminders:manage", kwargs={"token": personal_reminders.token_for(plan)})
    client = Client()
    for action, status in (
        ("pause", PlanStatus.UNCONFIRMED),  # nothing to pause before it is confirmed
        ("confirm", PlanStatus.ACTIVE),
        ("pause", PlanStatus.PAUSED),
        ("resume", PlanStatus.ACTIVE),
        ("stop", PlanStatus.STOPPED),
        ("resume", PlanStatus.STOPPED),  # stopped is for good
    ):
        client.post(url, {"action": action})
        plan.refresh_from_db()
        assert plan.status == status, action


def test_an_unknown_token_is_not_found() -> None:
    url = reverse("reminders:manage", kwargs={"token": "x" * 24})
    assert Client().get(url).status_code == 404
    assert Client().post(url, {"action": "stop"}).status_code == 404


# --- a navigator's ------------------------------------------------------------------------------


@pytest.fixture
def person(organization):
    person = Person.objects.create(given_name="Ana", phone="305-555-0142", text_ok=True)
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


def test_a_navigator_sets_a_reminder_for_a_person_with_consent(person, consent, navigator):
    url = reverse("programs:reminder_person", kwargs={"person_id": person.pk})
    page = signed_in(navigator).get(url)
    assert page.status_code == 200
    assert 'value="305-555-0142"' in page.content.decode()  # from the record: texts are OK
    response = signed_in(navigator).post(url, form())
    assert response.status_code == 302
    plan = ReminderPlan.objects.get(person=person)
    assert plan.status == PlanStatus.ACTIVE and plan.created_by == navigator
    assert AuditEvent.objects.filter(person_id=str(person.pk), detail__read="reminders").exists()


def test_without_consent_the_page_says_so_and_saves_nothing(person, navigator) -> None:
    url = reverse("programs:reminder_person", kwargs={"person_id": person.pk})
    response = signed_in(navigator).post(url, form())
    assert response.status_code == 400
    assert "no active consent" in response.content.decode()
    assert not ReminderPlan.objects.exists()


def test_someone_outside_the_care_team_finds_no_such_person(person, other_org_staff) -> None:
    url = reverse("programs:reminder_person", kwargs={"person_id": person.pk})
    assert signed_in(other_org_staff).get(url).status_code == 404
    assert signed_in(other_org_staff).post(url, form()).status_code == 404
    assert not ReminderPlan.objects.exists()


def test_a_navigator_pauses_and_stops_a_persons_reminder(person, consent, navigator) -> None:
    signed_in(navigator).post(
        reverse("programs:reminder_person", kwargs={"person_id": person.pk}), form()
    )
    plan = ReminderPlan.objects.get()
    url = reverse(
        "programs:reminder_person_status", kwargs={"person_id": person.pk, "plan_id": plan.pk}
    )
    signed_in(navigator).post(url, {"action": "pause"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED


def test_the_person_page_links_to_their_reminders(person, navigator) -> None:
    page = signed_in(navigator).get(person.get_absolute_url())
    assert reverse("programs:reminder_person", kwargs={"person_id": person.pk}) in (
        page.content.decode()
    )


# --- the API ------------------------------------------------------------------------------------


def bearer(user) -> dict[str, str]:
    _token, secret = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api_body(**changes):
    body = form(**changes)
    body["times"] = ["15:00"]
    body["lead_minutes"] = 1440
    return body


def test_the_api_sets_and_lists_a_persons_reminders(person, consent, navigator) -> None:
    url = f"/api/v1/programs/reminders/people/{person.pk}"
    headers = bearer(navigator)
    made = Client().post(url, json.dumps(api_body()), content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    listed = Client().get(url, **headers).json()
    assert [p["id"] for p in listed] == [made.json()["id"]]
    assert listed[0]["address_ending"] == "0142"
    assert "5550142" not in json.dumps(listed)


def test_the_api_names_the_bad_field(person, consent, navigator) -> None:
    url = f"/api/v1/programs/reminders/people/{person.pk}"
    response = Client().post(
        url,
        json.dumps(api_body(address="not a number")),
        content_type="application/json",
        **bearer(navigator),
    )
    assert response.status_code == 400
    assert "address" in response.json()["errors"]
    assert not ReminderPlan.objects.exists()


def test_the_api_refuses_without_consent(person, navigator) -> None:
    url = f"/api/v1/programs/reminders/people/{person.pk}"
    response = Client().post(
        url, json.dumps(api_body()), content_type="application/json", **bearer(navigator)
    )
    assert response.status_code == 400
    assert "__all__" in response.json()["errors"]


def test_the_api_hides_the_person_from_other_organisations(person, other_org_staff) -> None:
    url = f"/api/v1/programs/reminders/people/{person.pk}"
    assert Client().get(url, **bearer(other_org_staff)).status_code == 404


def test_a_remind_me_link_fills_in_the_form() -> None:
    response = Client().get(reverse("reminders:new") + "?kind=session&date=2030-05-04&time=18:00")
    text = response.content.decode()
    assert 'value="2030-05-04"' in text and "6:00 PM" in text
    assert re.search(r'<input[^>]*value="session"[^>]*checked', text)


def test_a_malformed_remind_me_link_is_ignored() -> None:
    response = Client().get(reverse("reminders:new") + "?kind=x&date=soon&time=noonish")
    assert response.status_code == 200


def test_an_old_confirmation_link_no_longer_starts_the_reminder() -> None:
    Client().post(reverse("reminders:new"), form())
    plan = ReminderPlan.objects.get()
    ReminderPlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.now() - personal_reminders.CONFIRM_WITHIN - dt.timedelta(minutes=1)
    )
    url = reverse("reminders:manage", kwargs={"token": personal_reminders.token_for(plan)})
    response = Client().post(url, {"action": "confirm"}, follow=True)
    assert "too old" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNCONFIRMED


def test_the_navigators_form_starts_from_the_persons_safe_times(person, navigator) -> None:
    Person.objects.filter(pk=person.pk).update(safe_times="after 6pm")
    url = reverse("programs:reminder_person", kwargs={"person_id": person.pk})
    text = signed_in(navigator).get(url).content.decode()
    assert 'name="window_start" value="18:00"' in text


def test_too_many_sign_ups_from_one_visitor_are_refused(settings, monkeypatch) -> None:
    monkeypatch.setattr(personal_reminders, "SIGNUP_LIMIT", 1)
    Client().post(reverse("reminders:new"), form())
    response = Client().post(reverse("reminders:new"), form(address="305-555-0143"))
    assert response.status_code == 429
    assert ReminderPlan.objects.count() == 1
