"""Gaps found by trying issue 5 as its users would: odd dates and the paths around a person.

Each test here failed (a 500, or a read not logged) before its fix; the privacy ones pin
denials that were only implied elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.referrals.tests.care_plan_fixtures import goal, plan, screening  # noqa: F401 (fixtures)
from commonweal.referrals.tests.referral_fixtures import bearer


def _accepted(client, referral, receiver) -> dict[str, str]:
    auth = bearer(receiver)
    for status in ("received", "accepted"):
        referral.refresh_from_db()
        response = client.post(
            f"/api/v1/referrals/{referral.pk}/transition",
            json.dumps({"status": status}),
            content_type="application/json",
            HTTP_IF_MATCH=referral.etag,
            **auth,
        )
        assert response.status_code == 200, response.content
    referral.refresh_from_db()
    return auth


def _appointment(client, referral, auth, at):
    return client.post(
        f"/api/v1/referrals/{referral.pk}/appointment",
        json.dumps({"at": at}),
        content_type="application/json",
        HTTP_IF_MATCH=referral.etag,
        **auth,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "at",
    [
        "2026-13-01T10:00:00Z",  # well formed, impossible: parse_datetime raises
        "2030-02-30T10:00:00+01:00",
        "9999-12-31T23:59:59Z",  # overflowed on the way to local time
        "9999-12-31T20:00:00-08:00",
        "0001-01-01T00:30:00+05:00",
        "1900-01-01T09:00:00Z",  # a typing slip, not an appointment
    ],
)
def test_an_impossible_or_implausible_appointment_is_a_400_and_writes_nothing(
    client, referral, other_org_staff, at
) -> None:
    auth = _accepted(client, referral, other_org_staff)
    version = referral.version
    response = _appointment(client, referral, auth, at)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    referral.refresh_from_db()
    assert referral.version == version and referral.appointment_at is None


@pytest.mark.django_db
def test_an_appointment_next_month_is_kept(client, referral, other_org_staff) -> None:
    auth = _accepted(client, referral, other_org_staff)
    at = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    assert _appointment(client, referral, auth, at.isoformat()).status_code == 200
    referral.refresh_from_db()
    assert referral.appointment_at == at


@pytest.mark.django_db
def test_the_appointment_form_refuses_year_9999_with_a_message(
    client, referral, other_org_staff
) -> None:
    _accepted(client, referral, other_org_staff)
    client.force_login(other_org_staff)
    response = client.post(
        reverse("referral:appointment", args=[referral.pk]),
        {"version": referral.version, "day": "9999-12-31", "time": "23:59"},
    )
    assert response.status_code == 400
    assert "five years ahead" in response.content.decode()
    referral.refresh_from_db()
    assert referral.appointment_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"end": "0001-01-01"}, {"end": "0001-01-05", "start": ""}])
def test_metrics_at_the_start_of_the_calendar_is_not_a_server_error(
    client, coalition_admin, query
) -> None:
    client.force_login(coalition_admin)
    assert client.get(reverse("referral:metrics"), query).status_code in (200, 400)


# --- privacy: the receiver and a third organisation around the person ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "third_staff"])
def test_searching_people_never_finds_a_person_outside_the_care_team(
    client, request, referral, person, who
) -> None:
    # The receiver holds a referral for this person, yet the person's record stays closed.
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("referrals:person_list"), {"q": "Lopez"})
    assert response.status_code == 200
    assert str(person.pk) not in response.content.decode()
    # The page echoes the search words; the given name would only come from the record.
    assert "Maria" not in response.content.decode()
    logged = AuditEvent.objects.filter(object_id="list").latest("at")
    assert str(person.pk) not in logged.detail["people"]


@pytest.mark.django_db
def test_searching_people_finds_the_care_teams_person(client, navigator, person) -> None:
    # The control for the test above: the same search does find her in her care team.
    client.force_login(navigator)
    response = client.get(reverse("referrals:person_list"), {"q": "Lopez"})
    assert str(person.pk) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "third_staff"])
def test_the_care_plan_export_is_not_found_outside_the_care_team(
    client, request, referral, person, who
) -> None:
    request.getfixturevalue("goal")  # a plan with a goal, so only the caller is wrong
    auth = bearer(request.getfixturevalue(who))
    response = client.get(f"/api/v1/referrals/people/{person.pk}/care-plan/fhir", **auth)
    assert response.status_code == 404
    assert "Lopez" not in response.content.decode()
    assert "eviction" not in response.content.decode()


@pytest.mark.django_db
def test_choosing_whom_to_refer_lists_only_my_care_team_and_logs_the_read(
    client, other_org_staff, navigator, person, other_person, service
) -> None:
    client.force_login(other_org_staff)
    html = client.get(reverse("referral:new"), {"service": service.pk}).content.decode()
    assert "Lopez" not in html and "Oliver Other" in html
    client.force_login(navigator)
    html = client.get(reverse("referral:new"), {"service": service.pk}).content.decode()
    assert "Maria Lopez" in html and "Oliver" not in html
    logged = AuditEvent.objects.filter(object_id="list", actor=navigator).latest("at")
    assert logged.detail["people"] == [str(person.pk)]
