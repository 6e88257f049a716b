"""/api/v1/programs/routes/ writes: create, change and delete routes and stops, with the
manager pages' permission (denials too), a token or a session with its CSRF token, and bad
input named by field with nothing saved."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from commonweal.accounts.models import AuditEvent
from commonweal.programs.route_models import Route, Stop
from commonweal.web.tests.attack_world import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programs/routes"
STOP = {
    "name": "Library lot",
    "address": "3 Main St",
    "postal_code": "33135",
    "starts_on": "2030-01-17",
    "arrives_at": "10:00",
    "departs_at": "11:30",
    "rule": "FREQ=WEEKLY;COUNT=4",
}


def _send(method: str, path: str, user, body=None) -> object:
    headers = bearer(user) if user is not None else {}
    data = None if body is None else json.dumps(body)
    return Client().generic(method, path, data=data, content_type="application/json", **headers)


def _new_route(organization, user, **extra):
    body = {"organization_id": str(organization.pk), "name": "Care van", "kind": "mobile_clinic"}
    return _send("POST", f"{BASE}/", user, {**body, **extra})


def test_a_partner_creates_a_route_and_adds_changes_and_removes_a_stop(
    organization, partner_staff
) -> None:
    made = _new_route(organization, partner_staff, published=False)
    assert made.status_code == 201, made.content
    route = Route.objects.get(pk=made.json()["id"])
    assert (route.name, route.published) == ("Care van", False)

    added = _send("POST", f"{BASE}/{route.pk}/stops", partner_staff, STOP)
    assert added.status_code == 201, added.content
    stop = Stop.objects.get(pk=added.json()["id"])
    assert stop.approximate and stop.latitude is not None  # placed at the ZIP code's point

    changed = _send("PATCH", f"{BASE}/stops/{stop.pk}", partner_staff, {"notes": "Behind it"})
    assert changed.status_code == 200, changed.content
    stop.refresh_from_db()
    assert stop.notes == "Behind it" and stop.rule == "FREQ=WEEKLY;COUNT=4"  # the rest kept

    assert _send("DELETE", f"{BASE}/stops/{stop.pk}", partner_staff).status_code == 204
    assert not Stop.objects.filter(pk=stop.pk).exists()


def test_patching_a_route_changes_only_what_it_names(organization, partner_staff) -> None:
    route_id = _new_route(organization, partner_staff, description="Blood pressure").json()["id"]
    response = _send("PATCH", f"{BASE}/{route_id}", partner_staff, {"published": False})
    assert response.status_code == 200, response.content
    route = Route.objects.get(pk=route_id)
    assert (route.published, route.description, route.name) == (False, "Blood pressure", "Care van")


def test_deleting_a_route_takes_its_stops_and_is_audited(organization, partner_staff) -> None:
    route_id = _new_route(organization, partner_staff).json()["id"]
    _send("POST", f"{BASE}/{route_id}/stops", partner_staff, STOP)
    assert _send("DELETE", f"{BASE}/{route_id}", partner_staff).status_code == 204
    assert not Route.objects.filter(pk=route_id).exists() and not Stop.objects.exists()
    event = AuditEvent.objects.get(action="delete", object_id=str(route_id))
    assert event.actor_id == partner_staff.pk
    assert event.detail["stops"] == 1 and event.detail["name"] == "Care van"
    assert _send("DELETE", f"{BASE}/{route_id}", partner_staff).status_code == 404


def test_others_are_refused_and_nothing_changes(
    organization, partner_staff, other_org_staff, navigator
) -> None:
    published = _new_route(organization, partner_staff).json()["id"]
    draft = _new_route(organization, partner_staff, published=False).json()["id"]
    stop_id = _send("POST", f"{BASE}/{draft}/stops", partner_staff, STOP).json()["id"]

    assert _new_route(organization, other_org_staff).status_code == 403  # not their org
    assert _new_route(organization, navigator).status_code == 403
    for user in (other_org_staff, navigator):
        # A published route is public, so the refusal says so; a draft is unknown to them.
        assert _send("PATCH", f"{BASE}/{published}", user, {"name": "X"}).status_code == 403
        assert _send("DELETE", f"{BASE}/{published}", user).status_code == 403
        assert _send("PATCH", f"{BASE}/{draft}", user, {"name": "X"}).status_code == 404
        assert _send("DELETE", f"{BASE}/{draft}", user).status_code == 404
        assert _send("POST", f"{BASE}/{draft}/stops", user, STOP).status_code == 404
        assert _send("PATCH", f"{BASE}/stops/{stop_id}", user, {"notes": "X"}).status_code == 404
        assert _send("DELETE", f"{BASE}/stops/{stop_id}", user).status_code == 404
    assert _send("DELETE", f"{BASE}/{published}", None).status_code == 401
    assert Route.objects.filter(name="Care van").count() == 2
    assert Stop.objects.get(pk=stop_id).notes == ""
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_a_coalition_admin_manages_any_route(organization, partner_staff, coalition_admin) -> None:
    route_id = _new_route(organization, partner_staff).json()["id"]
    response = _send("PATCH", f"{BASE}/{route_id}", coalition_admin, {"name": "Renamed"})
    assert response.status_code == 200 and response.json()["name"] == "Renamed"


def test_bad_input_is_named_and_saves_nothing(organization, partner_staff) -> None:
    route_id = _new_route(organization, partner_staff).json()["id"]
    bad_time = _send(
        "POST", f"{BASE}/{route_id}/stops", partner_staff, {**STOP, "departs_at": "09:00"}
    )
    assert bad_time.status_code == 400
    assert "departs_at" in bad_time.json()["errors"]
    endless = _send(
        "POST", f"{BASE}/{route_id}/stops", partner_staff, {**STOP, "rule": "FREQ=DAILY"}
    )
    assert endless.status_code == 400 and "rule" in endless.json()["errors"]
    unknown = _send("PATCH", f"{BASE}/{route_id}", partner_staff, {"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.json()["errors"]
    not_json = Client().generic(
        "POST",
        f"{BASE}/{route_id}/stops",
        "{",
        content_type="application/json",
        **bearer(partner_staff),
    )
    assert not_json.status_code == 400
    assert not Stop.objects.exists()


def test_a_signed_in_session_writes_only_with_its_csrf_token(organization, partner_staff) -> None:
    route_id = _new_route(organization, partner_staff).json()["id"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_staff)
    forged = client.delete(f"{BASE}/{route_id}")
    assert forged.status_code == 403
    assert Route.objects.filter(pk=route_id).exists()
    client.get("/programs/routes/")  # a page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert client.delete(f"{BASE}/{route_id}", HTTP_X_CSRFTOKEN=token).status_code == 204
