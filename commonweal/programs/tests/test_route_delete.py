"""Deleting a route from the manager's pages: a confirmation page first, then a POST that
deletes the route and its stops, audit-logged; only those who manage the route may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.programs import routes
from commonweal.programs.route_models import Route, Stop

pytestmark = pytest.mark.django_db


@pytest.fixture
def route(organization, partner_staff):
    made = routes.create_route(
        organization=organization, by=partner_staff, name="Fresh food bus", kind="food_truck"
    )
    routes.add_stop(
        made,
        by=partner_staff,
        name="Church lot",
        address="1 Main St",
        postal_code="33135",
        starts_on=dt.date(2030, 1, 10),
        arrives_at=dt.time(10, 0),
        departs_at=dt.time(12, 0),
    )
    return made


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_confirmation_page_names_what_goes_and_deletes_nothing(route, partner_staff) -> None:
    url = reverse("programs:route_delete", args=[route.pk])
    page = _as(partner_staff).get(url)
    assert page.status_code == 200
    assert "Fresh food bus" in page.content.decode() and page.context["stops"] == 1
    assert Route.objects.filter(pk=route.pk).exists()


def test_posting_deletes_the_route_and_its_stops_and_is_audited(route, partner_staff) -> None:
    response = _as(partner_staff).post(reverse("programs:route_delete", args=[route.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:route_list")
    assert not Route.objects.filter(pk=route.pk).exists() and not Stop.objects.exists()
    event = AuditEvent.objects.get(action="delete", object_type="programs.route")
    assert event.object_id == str(route.pk) and event.actor_id == partner_staff.pk
    assert event.detail == {
        "name": "Fresh food bus",
        "organization": str(route.organization_id),
        "stops": 1,
    }


def test_those_who_do_not_manage_it_cannot_delete_it(
    route, other_org_staff, navigator, coalition_admin
) -> None:
    url = reverse("programs:route_delete", args=[route.pk])
    for user in (other_org_staff, navigator):
        assert _as(user).get(url).status_code == 403
        assert _as(user).post(url).status_code == 403
    assert Client().post(url).status_code == 302  # to sign in
    assert Route.objects.filter(pk=route.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()
    assert _as(coalition_admin).post(url).status_code == 302  # coalition admins manage all
    assert not Route.objects.filter(pk=route.pk).exists()


def test_removing_a_stop_is_audited_too(route, partner_staff) -> None:
    stop = route.stops.get()
    _as(partner_staff).post(reverse("programs:stop_delete", args=[stop.pk]))
    assert not Stop.objects.filter(pk=stop.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(stop.pk)).exists()
