"""Volunteer pages: the public list and sign-up (with its rate limit), the private offer page,
and the coordinator's pages — who sees names (audit-logged) and who is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.programs import volunteers
from commonweal.programs.volunteer_models import SignupStatus, VolunteerHours, VolunteerSignup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def role(organization, partner_staff):
    return volunteers.save_role(
        organization=organization,
        by=partner_staff,
        title="Weekend drivers",
        kind="driver",
        skills=["Driving licence"],
        languages=["es"],
        schedule="weekly",
        slots=["sat-morning", "sun-morning"],
        places=2,
        area="Northside",
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offer(role, name="Ana P.", contact="ana@example.org"):
    return volunteers.sign_up(role, name=name, contact=contact, availability=["sat-morning"])


def test_it_lists_open_roles_and_filters_them(client, role) -> None:
    page = client.get(reverse("volunteer:roles"))
    assert page.status_code == 200 and "Weekend drivers" in page.content.decode()
    filtered = client.get(reverse("volunteer:roles"), {"kind": "interpreter"})
    assert "Weekend drivers" not in filtered.content.decode()
    by_time = client.get(reverse("volunteer:roles"), {"when": "sat-morning", "place": "Northside"})
    assert "Weekend drivers" in by_time.content.decode()


def test_a_resident_offers_help_and_lands_on_their_private_page(client, role) -> None:
    form = {
        "name": "Ana P.",
        "contact": "ana@example.org",
        "languages": "es, en",
        "skills": ["Driving licence"],
        "availability": ["sat-morning"],
    }
    sent = client.post(role.get_absolute_url(), form)
    assert sent.status_code == 302
    signup = VolunteerSignup.objects.get()
    assert signup.skills == ["Driving licence"] and signup.availability == ["sat-morning"]
    page = client.get(sent["Location"])
    assert "We have your offer" in page.content.decode()
    withdrawn = client.post(sent["Location"] + "withdraw/")
    assert withdrawn.status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignupStatus.WITHDRAWN


def test_a_bad_contact_is_shown_on_its_field_and_nothing_is_saved(client, role) -> None:
    sent = client.post(
        role.get_absolute_url(),
        {"name": "Ana", "contact": "ana@nowhere", "availability": ["sat-morning"]},
    )
    assert sent.status_code == 400
    assert "not an email address" in sent.content.decode()
    assert VolunteerSignup.objects.count() == 0


def test_offers_from_one_address_are_limited(client, role) -> None:
    form = {"name": "A", "contact": "a@example.org", "availability": ["sat-morning"]}
    for _n in range(volunteers.SIGNUP_LIMIT):
        assert client.post(role.get_absolute_url(), form).status_code == 302
    refused = client.post(role.get_absolute_url(), form)
    assert refused.status_code == 429
    assert VolunteerSignup.objects.count() == volunteers.SIGNUP_LIMIT
    # Someone else, from another address, is not held back.
    other = client.post(role.get_absolute_url(), form, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_draft_role_is_unknown_to_the_public_but_not_to_its_managers(
    client, role, partner_staff, coalition_admin
) -> None:
    volunteers.save_role(role, by=partner_staff, status="draft")
    assert client.get(role.get_absolute_url()).status_code == 404
    assert signed_in(partner_staff).get(role.get_absolute_url()).status_code == 200
    assert signed_in(coalition_admin).get(role.get_absolute_url()).status_code == 200


def test_the_partners_staff_see_volunteers_ranked_and_the_read_is_logged(
    role, partner_staff
) -> None:
    offer(role, name="Zed Low", contact="zed@example.org")
    volunteers.sign_up(
        role,
        name="Ana Best",
        contact="ana@example.org",
        languages=["es"],
        skills=["Driving licence"],
        availability=["sat-morning", "sun-morning"],
    )
    url = reverse("programs:volunteer_role_manage", args=[role.pk])
    page = signed_in(partner_staff).get(url).content.decode()
    assert page.index("Ana Best") < page.index("Zed Low")
    assert "Skills: has 1 of the 1 asked for" in page
    event = AuditEvent.objects.get(object_id=str(role.pk), action=AuditEvent.Action.VIEW)
    assert event.detail == {"what": "volunteers", "count": 2}
    assert "Ana" not in str(event.detail)


def test_a_coalition_admin_sees_counts_and_hours_but_no_names(
    role, coalition_admin, partner_staff
) -> None:
    signup, _token = offer(role)
    volunteers.decide(signup, confirm=True, by=partner_staff)
    page = signed_in(coalition_admin).get(reverse("programs:volunteer_role_manage", args=[role.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 of 2 places confirmed" in text
    assert "Ana P." not in text and "ana@example.org" not in text
    assert not AuditEvent.objects.filter(object_id=str(role.pk)).exists()
    hours = reverse("programs:volunteer_signup_hours", args=[signup.pk])
    assert signed_in(coalition_admin).get(hours).status_code == 404
    decide = reverse("programs:volunteer_signup_decide", args=[signup.pk])
    assert signed_in(coalition_admin).post(decide, {"decision": "decline"}).status_code == 404
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED


def test_another_organisations_staff_are_refused(role, other_org_staff) -> None:
    signup, _token = offer(role)
    client = signed_in(other_org_staff)
    assert client.get(reverse("programs:volunteer_role_manage", args=[role.pk])).status_code == 403
    assert client.get(reverse("programs:volunteer_role_edit", args=[role.pk])).status_code == 403
    decide = reverse("programs:volunteer_signup_decide", args=[signup.pk])
    assert client.post(decide, {"decision": "confirm"}).status_code == 404
    signup.refresh_from_db()
    assert signup.status == SignupStatus.PENDING


def test_staff_confirm_and_log_hours_and_bad_hours_are_named(role, partner_staff) -> None:
    signup, _token = offer(role)
    client = signed_in(partner_staff)
    decide = reverse("programs:volunteer_signup_decide", args=[signup.pk])
    assert client.post(decide, {"decision": "confirm"}).status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED
    url = reverse("programs:volunteer_signup_hours", args=[signup.pk])
    today = timezone.localdate()
    assert client.post(url, {"on": today.isoformat(), "hours": "3"}).status_code == 302
    too_many = client.post(url, {"on": today.isoformat(), "hours": "25"})
    assert too_many.status_code == 400 and "at most 24 hours" in too_many.content.decode()
    future = client.post(url, {"on": (today + dt.timedelta(days=2)).isoformat(), "hours": "1"})
    assert future.status_code == 400 and "has not come yet" in future.content.decode()
    assert list(VolunteerHours.objects.values_list("hours", flat=True)) == [3]
    page = client.get(url).content.decode()
    assert "3.00 hours in all" in page


def test_places_below_the_confirmed_count_are_refused_on_the_form(role, partner_staff) -> None:
    for n in range(2):
        signup, _token = offer(role, name=f"V{n}", contact=f"v{n}@example.org")
        volunteers.decide(signup, confirm=True, by=partner_staff)
    edit = signed_in(partner_staff).post(
        reverse("programs:volunteer_role_edit", args=[role.pk]),
        {
            "title": role.title,
            "kind": "driver",
            "schedule": "flexible",
            "places": "1",
            "status": "open",
        },
    )
    assert edit.status_code == 200
    assert "2 volunteers are confirmed already" in edit.content.decode()
    role.refresh_from_db()
    assert role.places == 2
