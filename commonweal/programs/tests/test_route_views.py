"""Mobile services' pages: the public list and route pages ("next stop near me", cancelled
visits, the iCal feed) and the route manager (who may, who may not, bad input)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from commonweal.programs import routes
from commonweal.programs.route_models import Route, Stop


@pytest.fixture
def route(organization, partner_staff):
    return routes.create_route(
        organization=organization,
        by=partner_staff,
        name="Fresh food truck",
        kind="food_truck",
        time_zone="America/New_York",
        description="Fruit and vegetables, free.",
    )


@pytest.fixture
def stop(route, partner_staff):
    today = timezone.localdate()
    return routes.add_stop(
        route,
        by=partner_staff,
        name="Flagami park",
        address="7200 W Flagler St",
        city="Miami",
        postal_code="33144",
        starts_on=today + dt.timedelta(days=1),
        arrives_at=dt.time(9, 0),
        departs_at=dt.time(11, 30),
        rule="FREQ=WEEKLY;COUNT=6",
    )


def _second_visit(stop):
    return stop.occurrences(window_start=timezone.now())[1].key


@pytest.mark.django_db
def test_the_public_list_shows_each_route_and_its_next_stop(client, stop) -> None:
    page = client.get(reverse("events:mobile_list"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Fresh food truck" in body and "Flagami park" in body
    assert "988" in body  # the crisis lines, on every resident page


@pytest.mark.django_db
def test_next_stop_near_a_zip_code(client, stop) -> None:
    page = client.get(reverse("events:mobile_list"), {"near": "33144"})

    assert page.status_code == 200
    nearby = page.context["nearby"]
    assert [v.stop for v in nearby] == [stop]
    assert nearby[0].distance_km < 1
    assert "miles away" in page.content.decode()


@pytest.mark.django_db
def test_next_stop_near_the_browsers_position(client, stop) -> None:
    page = client.get(
        reverse("events:route_detail", args=[stop.route_id]), {"lat": "25.77", "lon": "-80.31"}
    )

    assert page.status_code == 200
    assert [v.stop for v in page.context["nearby"]] == [stop]


@pytest.mark.django_db
def test_a_place_that_cannot_be_found_is_said_on_the_field(client, stop) -> None:
    page = client.get(reverse("events:mobile_list"), {"near": "Qwxzville"})

    assert page.status_code == 400
    assert "Try a ZIP code" in page.context["form"].errors["near"][0]


@pytest.mark.django_db
def test_nothing_nearby_says_so(client, stop) -> None:
    page = client.get(reverse("events:mobile_list"), {"near": "10001"})  # New York

    assert page.context["nearby"] == []
    assert "No mobile service stops within" in page.content.decode()


@pytest.mark.django_db
def test_a_cancelled_visit_is_shown_cancelled(client, stop, partner_staff) -> None:
    routes.cancel_visit(stop, occurrence=_second_visit(stop), by=partner_staff)

    page = client.get(reverse("events:route_detail", args=[stop.route_id]))

    visits = page.context["visits"]
    assert [v.occurrence.cancelled for v in visits[:3]] == [False, True, False]
    assert "Cancelled" in page.content.decode()


@pytest.mark.django_db
def test_an_unpublished_route_is_unknown_to_the_public_but_not_to_its_staff(
    client, route, stop, partner_staff, other_org_staff
) -> None:
    Route.objects.filter(pk=route.pk).update(published=False)
    url = reverse("events:route_detail", args=[route.pk])

    assert client.get(url).status_code == 404
    assert client.get(reverse("events:route_feed", args=[route.pk])).status_code == 404
    client.force_login(other_org_staff)
    assert client.get(url).status_code == 404
    client.force_login(partner_staff)
    assert client.get(url).status_code == 200
    assert "Fresh food truck" not in client.get(reverse("events:mobile_list")).content.decode()


@pytest.mark.django_db
def test_the_feed_is_a_calendar_with_the_cancelled_visit_marked(
    client, stop, partner_staff
) -> None:
    cancelled = _second_visit(stop)
    routes.cancel_visit(stop, occurrence=cancelled, by=partner_staff)

    response = client.get(reverse("events:route_feed", args=[stop.route_id]))

    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    master, override = events
    assert "FREQ=WEEKLY;COUNT=6" in master["RRULE"].to_ical().decode()
    assert str(master["DTSTART"].params["TZID"]) == "America/New_York"
    assert override["STATUS"] == "CANCELLED"
    assert override["RECURRENCE-ID"].dt.replace(tzinfo=None) == cancelled
    assert master["GEO"].latitude == pytest.approx(stop.latitude)


# --- the manager ----------------------------------------------------------------------------

STOP_FORM = {
    "name": "Church lot",
    "address": "500 NW 2nd Ave",
    "city": "Miami",
    "postal_code": "33136",
    "starts_on": "2030-01-10",
    "arrives_at": "10:00",
    "departs_at": "12:00",
    "rule": "FREQ=WEEKLY;COUNT=4",
}


@pytest.mark.django_db
def test_partner_staff_add_a_stop(client, route, partner_staff) -> None:
    client.force_login(partner_staff)

    response = client.post(reverse("programs:stop_create", args=[route.pk]), STOP_FORM)

    assert response.status_code == 302
    made = Stop.objects.get()
    assert made.approximate and made.point is not None
    page = client.get(reverse("programs:route_manage", args=[route.pk]))
    assert "Church lot" in page.content.decode()


@pytest.mark.django_db
def test_another_organisations_staff_may_not_add_a_stop(client, route, other_org_staff) -> None:
    client.force_login(other_org_staff)

    response = client.post(reverse("programs:stop_create", args=[route.pk]), STOP_FORM)

    assert response.status_code == 403
    assert not Stop.objects.exists()
    assert client.get(reverse("programs:route_manage", args=[route.pk])).status_code == 403


@pytest.mark.django_db
def test_a_navigator_and_a_resident_get_no_route_manager(client, navigator, resident) -> None:
    for user in (navigator, resident):
        client.force_login(user)
        assert client.get(reverse("programs:route_list")).status_code == 403
        assert client.get(reverse("programs:route_create")).status_code == 403


@pytest.mark.django_db
def test_bad_stop_input_is_said_on_its_field_and_nothing_is_saved(
    client, route, partner_staff
) -> None:
    client.force_login(partner_staff)

    page = client.post(
        reverse("programs:stop_create", args=[route.pk]),
        {**STOP_FORM, "departs_at": "09:00", "rule": "FREQ=HOURLY;COUNT=3"},
    )

    assert page.status_code == 200
    errors = page.context["form"].errors
    assert errors["departs_at"] == [str(routes.LEAVES_BEFORE)]
    assert "daily, weekly" in errors["rule"][0]
    assert not Stop.objects.exists()


@pytest.mark.django_db
def test_staff_create_a_route_for_their_organisation_only(
    client, partner_staff, organization, other_organization
) -> None:
    client.force_login(partner_staff)
    form = {
        "name": "Van",
        "kind": "outreach_van",
        "time_zone": "America/New_York",
        "published": "on",
    }

    theirs = client.post(
        reverse("programs:route_create"), {**form, "organization": other_organization.pk}
    )
    ours = client.post(reverse("programs:route_create"), {**form, "organization": organization.pk})

    assert theirs.status_code == 200 and "organization" in theirs.context["form"].errors
    assert ours.status_code == 302
    assert list(Route.objects.values_list("organization_id", flat=True)) == [organization.pk]


@pytest.mark.django_db
def test_cancelling_and_restoring_a_visit_from_the_manager(
    client, stop, partner_staff, other_org_staff
) -> None:
    key = _second_visit(stop).isoformat()
    url = reverse("programs:visit_cancel", args=[stop.pk])

    client.force_login(other_org_staff)
    assert client.post(url, {"occurrence": key}).status_code == 403
    assert not stop.cancellations.exists()

    client.force_login(partner_staff)
    client.post(url, {"occurrence": key, "reason": "Flat tyre"})
    assert stop.cancellations.get().reason == "Flat tyre"
    client.post(reverse("programs:visit_restore", args=[stop.pk]), {"occurrence": key})
    assert not stop.cancellations.exists()


@pytest.mark.django_db
def test_removing_a_stop(client, stop, partner_staff, other_org_staff) -> None:
    url = reverse("programs:stop_delete", args=[stop.pk])
    client.force_login(other_org_staff)
    assert client.post(url).status_code == 403
    client.force_login(partner_staff)

    assert client.post(url).status_code == 302
    assert not Stop.objects.exists()


@pytest.mark.django_db
def test_editing_a_placed_stop_keeps_it_placed_by_the_geocoder(client, stop, partner_staff) -> None:
    client.force_login(partner_staff)
    url = reverse("programs:stop_edit", args=[stop.pk])
    form = client.get(url).context["form"]
    assert form["latitude"].value() is None  # the geocoder's point is not offered as typed

    data = {**STOP_FORM, "name": "Flagami park", "postal_code": "33144", "rule": stop.rule}
    data["starts_on"] = stop.starts_on.isoformat()
    assert client.post(url, data).status_code == 302

    stop.refresh_from_db()
    assert stop.approximate is True
