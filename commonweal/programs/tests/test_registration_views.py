"""Registration pages: a resident signs up and cancels by the private link; the check-in list
is for the organising partner's staff only, and every view of it is audit-logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.programs import registration, schedule
from commonweal.programs.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(organization, partner_staff):
    """A weekly group whose first meeting is in three days."""
    first = dt.date.today() + dt.timedelta(days=3)
    programme = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Walking group",
        kind="support_group",
        starts_on=first,
    )
    return schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=first,
        start_time=dt.time(9, 0),
        rule="FREQ=WEEKLY;COUNT=4",
        capacity=1,
    )


def _key(session) -> str:
    return session.occurrences()[0].key.strftime("%Y%m%dT%H%M%S")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_resident_signs_up_then_cancels_with_the_private_link(upcoming) -> None:
    url = reverse("events:register", args=[upcoming.pk, _key(upcoming)])
    response = Client().post(url, {"name": "R. M.", "contact": "305-555-0123"})
    made = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == registration.cancel_url(made)
    assert made.status == "registered"
    cancel = response["Location"] + "cancel/"
    assert Client().post(cancel).status_code == 302
    made.refresh_from_db()
    assert made.status == "cancelled"


def test_the_form_names_a_bad_phone_and_saves_nothing(upcoming) -> None:
    url = reverse("events:register", args=[upcoming.pk, _key(upcoming)])
    response = Client().post(url, {"name": "R. M.", "contact": "555"})
    assert response.status_code == 400
    assert response.context["form"].errors["contact"]
    assert not Registration.objects.exists()


def test_a_full_meeting_offers_the_waiting_list(upcoming) -> None:
    url = reverse("events:register", args=[upcoming.pk, _key(upcoming)])
    Client().post(url, {"name": "A", "contact": "a@example.org"})
    page = Client().get(url)
    assert page.context["full"] is True
    assert "Join the waiting list" in page.content.decode()


def test_a_guessed_token_finds_nothing(upcoming) -> None:
    assert Client().get(reverse("events:registration", args=["guess"])).status_code == 404


def test_the_check_in_list_is_the_organising_staffs_and_is_audited(
    upcoming, partner_staff, coalition_admin, other_org_staff
) -> None:
    found = upcoming.occurrences()[0]
    registration.register(upcoming, occurrence=found.key, name="Zed Q.", contact="z@example.org")
    url = reverse("programs:check_in", args=[upcoming.pk, _key(upcoming)])
    for refused in (coalition_admin, other_org_staff):
        assert _client(refused).get(url).status_code == 403
    assert _client().get(url).status_code == 302  # to sign in
    assert not AuditEvent.objects.filter(action="view").exists()
    page = _client(partner_staff).get(url)
    assert page.status_code == 200
    assert "Zed Q." in page.content.decode()
    event = AuditEvent.objects.get(action="view")
    assert event.actor == partner_staff and event.object_id == str(upcoming.pk)
    assert "Zed" not in str(event.detail)


def test_staff_mark_someone_here(upcoming, partner_staff, other_org_staff) -> None:
    found = upcoming.occurrences()[0]
    made = registration.register(upcoming, occurrence=found.key, name="A", contact="a@b.org")
    url = reverse("programs:check_in", args=[upcoming.pk, _key(upcoming)])
    assert (
        _client(other_org_staff).post(url, {"registration": made.pk, "attended": "1"}).status_code
        == 403
    )
    made.refresh_from_db()
    assert made.attended is False
    assert (
        _client(partner_staff).post(url, {"registration": made.pk, "attended": "1"}).status_code
        == 302
    )
    made.refresh_from_db()
    assert made.attended is True


def test_a_malformed_or_foreign_registration_is_not_found_at_check_in(
    upcoming, partner_staff
) -> None:
    url = reverse("programs:check_in", args=[upcoming.pk, _key(upcoming)])
    for value in ["not-a-uuid", "", "8c3e5d4e-0000-4000-8000-000000000000"]:
        response = _client(partner_staff).post(url, {"registration": value, "attended": "1"})
        assert response.status_code == 404


def test_sign_ups_past_the_hourly_limit_from_one_address_are_refused_and_not_saved(
    upcoming,
) -> None:
    url = reverse("events:register", args=[upcoming.pk, _key(upcoming)])
    statuses = [
        Client().post(url, {"name": f"P{n}", "contact": f"p{n}@example.org"}).status_code
        for n in range(registration.SIGNUP_LIMIT)
    ]
    assert statuses == [302] * registration.SIGNUP_LIMIT  # the first is placed, the rest wait
    refused = Client().post(url, {"name": "Late", "contact": "late@example.org"})
    assert refused.status_code == 429
    assert "Too many sign-ups" in refused.content.decode()
    assert Registration.objects.count() == registration.SIGNUP_LIMIT
    other = Client(REMOTE_ADDR="198.51.100.7")  # another address is not held back
    assert other.post(url, {"name": "Q", "contact": "q@example.org"}).status_code == 302
