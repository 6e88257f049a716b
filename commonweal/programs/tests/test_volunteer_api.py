"""/api/v1/programs/volunteers/: public roles and offers, the coordinators' endpoints, and
who is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.programs import volunteers
from commonweal.programs.volunteer_models import VolunteerRole, VolunteerSignup

pytestmark = pytest.mark.django_db
API = "/api/v1/programs/volunteers"


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
        title="Interpreters",
        kind="interpreter",
        languages=["ht"],
        places=1,
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_anyone_reads_open_roles_and_offers_help(client, role) -> None:
    listed = client.get(f"{API}/roles", {"language": "ht"}).json()
    assert [r["title"] for r in listed] == ["Interpreters"]
    made = post(
        client,
        f"{API}/roles/{role.pk}/signups",
        {"name": "Jo", "contact": "305-555-0199", "languages": ["ht", "en"]},
    )
    assert made.status_code == 201
    link = made.json()["link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"{API}/offers/{token}").json()["status"] == "pending"
    assert post(client, f"{API}/offers/{token}/withdraw", {}).json()["status"] == "withdrawn"
    assert client.get(f"{API}/offers/not-a-token").status_code == 404


def test_a_bad_offer_names_its_fields_and_saves_nothing(client, role) -> None:
    bad = post(client, f"{API}/roles/{role.pk}/signups", {"name": "", "contact": "nope@"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"name", "contact"}
    extra = post(client, f"{API}/roles/{role.pk}/signups", {"name": "A", "age": 30})
    assert extra.status_code == 400 and "age" in extra.json()["errors"]
    assert VolunteerSignup.objects.count() == 0


def test_a_draft_role_is_not_found(client, role, partner_staff) -> None:
    volunteers.save_role(role, by=partner_staff, status="draft")
    assert client.get(f"{API}/roles/{role.pk}").status_code == 404
    offered = post(client, f"{API}/roles/{role.pk}/signups", {"name": "A", "contact": "a@b.org"})
    assert offered.status_code == 404


def test_posting_a_role_is_for_its_managers(partner_staff, other_org_staff, organization) -> None:
    body = {"organization_id": str(organization.pk), "title": "Mentors", "kind": "mentor"}
    refused = post(as_user(other_org_staff), f"{API}/roles", body)
    assert refused.status_code == 403
    made = post(as_user(partner_staff), f"{API}/roles", {**body, "places": 0})
    assert made.status_code == 400 and "places" in made.json()["errors"]
    made = post(as_user(partner_staff), f"{API}/roles", body)
    assert made.status_code == 201 and made.json()["schedule"] == "flexible"
    assert VolunteerRole.objects.filter(title="Mentors").count() == 1


def test_the_matched_list_is_the_partners_staffs_and_logged(
    role, partner_staff, coalition_admin
) -> None:
    volunteers.sign_up(role, name="Jo", contact="jo@example.org", languages=["ht", "en"])
    refused = as_user(coalition_admin).get(f"{API}/roles/{role.pk}/volunteers")
    assert refused.status_code == 403 and "Jo" not in refused.content.decode()
    found = as_user(partner_staff).get(f"{API}/roles/{role.pk}/volunteers").json()
    assert found[0]["name"] == "Jo" and found[0]["score"] == 100
    assert found[0]["reasons"][1] == "Languages: speaks en, ht."
    assert AuditEvent.objects.filter(object_id=str(role.pk)).count() == 1
    # The coalition admin's view of the same role: counts and hours, no names.
    hours = as_user(coalition_admin).get(f"{API}/roles/{role.pk}/hours").json()
    assert hours["pending"] == 1 and "Jo" not in json.dumps(hours)


def test_deciding_and_logging_hours(role, partner_staff, other_org_staff) -> None:
    signup, _token = volunteers.sign_up(role, name="Jo", contact="jo@example.org")
    decision = f"{API}/signups/{signup.pk}/decision"
    assert post(as_user(other_org_staff), decision, {"decision": "confirm"}).status_code == 404
    staff = as_user(partner_staff)
    assert post(staff, decision, {"decision": "maybe"}).status_code == 400
    assert post(staff, decision, {"decision": "confirm"}).json()["status"] == "confirmed"
    other, _t = volunteers.sign_up(role, name="Kim", contact="kim@example.org")
    full = post(staff, f"{API}/signups/{other.pk}/decision", {"decision": "confirm"})
    assert full.status_code == 400 and "status" in full.json()["errors"]

    hours = f"{API}/signups/{signup.pk}/hours"
    today = timezone.localdate().isoformat()
    negative = post(staff, hours, {"on": today, "hours": -2})
    assert negative.status_code == 400 and "hours" in negative.json()["errors"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "on" in post(staff, hours, {"on": tomorrow, "hours": 2}).json()["errors"]
    logged = post(staff, hours, {"on": today, "hours": 2.5})
    assert logged.status_code == 200 and logged.json()["total_hours"] == "2.50"
    assert post(as_user(other_org_staff), hours, {"on": today, "hours": 9}).status_code == 404
