"""/api/v1/programs/: public reads, managed writes, named errors."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from commonweal.programs import recurrence
from commonweal.programs.models import Programme, Session

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, path: str, body) -> object:
    return client.post(API + path, json.dumps(body), content_type="application/json")


def test_it_lists_and_reads_published_programmes_without_a_token(weekly) -> None:
    listed = _client().get(f"{API}/programmes").json()
    assert [p["name"] for p in listed] == ["Tuesday support group"]
    detail = _client().get(f"{API}/programmes/{weekly.programme.pk}").json()
    assert detail["sessions"][0]["rule"] == "FREQ=WEEKLY;COUNT=10"


def test_it_creates_a_programme_for_the_callers_organisation(partner_staff, organization) -> None:
    response = _post(
        _client(partner_staff),
        "/programmes",
        {
            "organization_id": str(organization.pk),
            "name": "Cooking",
            "kind": "cooking_class",
            "starts_on": "2026-03-01",
            "is_free": False,
            "fee": "$5",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_free"] is False
    assert Programme.objects.get().fee == "$5"


def test_it_refuses_a_programme_of_another_organisation(other_org_staff, organization) -> None:
    response = _post(
        _client(other_org_staff),
        "/programmes",
        {"organization_id": str(organization.pk), "name": "X", "kind": "other"},
    )
    assert response.status_code == 403
    assert not Programme.objects.exists()


def test_it_names_a_never_ending_rule_and_saves_nothing(programme, partner_staff) -> None:
    response = _post(
        _client(partner_staff),
        f"/programmes/{programme.pk}/sessions",
        {"starts_on": "2026-03-03", "start_time": "18:00", "rule": "FREQ=DAILY"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"rule": [recurrence.UNBOUNDED]}
    assert not Session.objects.exists()


def test_it_names_a_session_before_the_programme(programme, partner_staff) -> None:
    response = _post(
        _client(partner_staff),
        f"/programmes/{programme.pk}/sessions",
        {"starts_on": "2026-01-01", "start_time": "18:00", "bogus": 1},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"bogus"}
    response = _post(
        _client(partner_staff),
        f"/programmes/{programme.pk}/sessions",
        {"starts_on": "2026-01-01", "start_time": "18:00"},
    )
    assert set(response.json()["errors"]) == {"starts_on"}


def test_it_refuses_adding_a_session_to_another_organisations_programme(
    programme, other_org_staff
) -> None:
    response = _post(
        _client(other_org_staff),
        f"/programmes/{programme.pk}/sessions",
        {"starts_on": "2026-03-03", "start_time": "18:00"},
    )
    assert response.status_code == 403
    assert _client().post(f"{API}/programmes/{programme.pk}/sessions").status_code == 401


def test_a_draft_is_unknown_to_whoever_may_not_manage_it(weekly, other_org_staff) -> None:
    # A published programme is public, so its refusal says so (403); a draft is not.
    Programme.objects.filter(pk=weekly.programme_id).update(published=False)
    outsider = _client(other_org_staff)
    calls = {
        "sessions": _post(
            outsider,
            f"/programmes/{weekly.programme_id}/sessions",
            {"starts_on": "2026-03-03", "start_time": "18:00"},
        ),
        "attendance": outsider.get(f"{API}/programmes/{weekly.programme_id}/attendance"),
        "cancellations": _post(
            outsider, f"/sessions/{weekly.pk}/cancellations", {"occurrence": "2026-03-17T18:00:00"}
        ),
        "registrants": outsider.get(f"{API}/sessions/{weekly.pk}/registrations"),
    }
    for what, response in calls.items():
        assert response.status_code == 404, what
        assert "Tuesday support group" not in response.content.decode(), what
    assert Session.objects.count() == 1 and not Session.objects.get().exdates


def test_it_cancels_one_meeting(weekly, partner_staff) -> None:
    response = _post(
        _client(partner_staff),
        f"/sessions/{weekly.pk}/cancellations",
        {"occurrence": "2026-03-17T18:00:00", "reason": "Holiday"},
    )
    assert response.status_code == 201
    assert response.json()["cancelled"] is True
    assert response.json()["start"] == "2026-03-17T18:00:00-04:00"


def test_the_events_feed_bounds_its_window(weekly) -> None:
    assert _client().get(f"{API}/events", {"days": 400}).status_code == 400
    found = _client().get(f"{API}/events", {"start": "2026-03-01", "days": 14}).json()
    assert [e["start"] for e in found] == [
        "2026-03-03T18:00:00-05:00",
        "2026-03-10T18:00:00-04:00",  # after the change to daylight time, still 6 pm
    ]


def _future_weekly(organization, partner_staff, capacity=1):
    import datetime as dt

    from commonweal.programs import schedule

    first = dt.date.today() + dt.timedelta(days=3)
    programme = schedule.create_programme(
        organization=organization, by=partner_staff, name="Yoga", kind="other", starts_on=first
    )
    return schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=first,
        start_time=dt.time(9, 0),
        rule="FREQ=WEEKLY;COUNT=2",
        capacity=capacity,
    )


def test_a_resident_signs_up_and_cancels_through_the_api(organization, partner_staff) -> None:
    session = _future_weekly(organization, partner_staff)
    key = session.occurrences()[0].key.isoformat()
    body = {"occurrence": key, "name": "A", "contact": "a@example.org"}
    first = _post(_client(), f"/sessions/{session.pk}/registrations", body)
    second = _post(_client(), f"/sessions/{session.pk}/registrations", {**body, "name": "B"})
    assert (first.status_code, first.json()["status"]) == (201, "registered")
    assert second.json()["status"] == "waitlisted"
    token = first.json()["cancel_url"].rstrip("/").split("/")[-1]
    cancelled = _client().post(f"{API}/registrations/{token}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert _client().post(f"{API}/registrations/guessed/cancel").status_code == 404


def test_the_api_names_a_bad_phone(organization, partner_staff) -> None:
    session = _future_weekly(organization, partner_staff)
    key = session.occurrences()[0].key.isoformat()
    response = _post(
        _client(),
        f"/sessions/{session.pk}/registrations",
        {"occurrence": key, "name": "A", "contact": "12"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"contact"}


def test_registrants_are_for_the_organising_staff_and_audited(
    organization, partner_staff, coalition_admin
) -> None:
    from commonweal.accounts.models import AuditEvent
    from commonweal.programs import registration

    session = _future_weekly(organization, partner_staff)
    found = session.occurrences()[0]
    registration.register(session, occurrence=found.key, name="Zed", contact="z@example.org")
    url = f"{API}/sessions/{session.pk}/registrations"
    assert _client(coalition_admin).get(url).status_code == 403
    assert _client().get(url).status_code == 401
    assert not AuditEvent.objects.filter(action="view").exists()
    people = _client(partner_staff).get(url, {"occurrence": found.key.isoformat()}).json()
    assert [p["name"] for p in people] == ["Zed"]
    assert AuditEvent.objects.filter(action="view", actor=partner_staff).count() == 1
    # Counts, for whoever manages the programme (coalition admins too): no names.
    tallies = _client(coalition_admin).get(f"{API}/programmes/{session.programme_id}/attendance")
    assert tallies.json()[0]["registered"] == 1
    assert "Zed" not in tallies.content.decode()


def test_the_api_refuses_sign_ups_past_the_hourly_limit(organization, partner_staff) -> None:
    from commonweal.programs import registration
    from commonweal.programs.models import Registration

    session = _future_weekly(organization, partner_staff)
    key = session.occurrences()[0].key.isoformat()
    url = f"/sessions/{session.pk}/registrations"
    for n in range(registration.SIGNUP_LIMIT):
        body = {"occurrence": key, "name": f"P{n}", "contact": f"p{n}@example.org"}
        assert _post(_client(), url, body).status_code == 201
    late = _post(_client(), url, {"occurrence": key, "name": "L", "contact": "l@example.org"})
    assert (late.status_code, late.json()["code"]) == (429, "rate-limited")
    assert Registration.objects.count() == registration.SIGNUP_LIMIT
