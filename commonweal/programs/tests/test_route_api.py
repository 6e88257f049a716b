"""/api/v1/programs/routes/: public reads of routes, their stops and the next stop near me."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.programs import routes
from commonweal.programs.route_models import Route

BASE = "/api/v1/programs/routes"


@pytest.fixture
def route(organization, partner_staff):
    made = routes.create_route(
        organization=organization,
        by=partner_staff,
        name="Health on wheels",
        kind="mobile_clinic",
        time_zone="America/New_York",
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for name, zip_code in (("Havana", "33135"), ("Homestead", "33030")):
        routes.add_stop(
            made,
            by=partner_staff,
            name=name,
            address="1 Main St",
            postal_code=zip_code,
            starts_on=tomorrow,
            arrives_at=dt.time(9, 0),
            departs_at=dt.time(12, 0),
            rule="FREQ=WEEKLY;COUNT=3",
        )
    return made


@pytest.mark.django_db
def test_it_lists_published_routes_with_their_next_visit(client, route) -> None:
    body = client.get(f"{BASE}/").json()

    (only,) = body
    assert only["name"] == "Health on wheels"
    assert only["next_visit"]["start"].endswith("T09:00:00-05:00") or only["next_visit"][
        "start"
    ].endswith("T09:00:00-04:00")
    assert only["feed_url"] == f"/events/mobile/{route.pk}/feed.ics"


@pytest.mark.django_db
def test_it_reads_one_route_with_its_stops_and_visits(client, route, partner_staff) -> None:
    stop = route.stops.get(name="Havana")
    first = stop.occurrences()[0]
    routes.cancel_visit(stop, occurrence=first.key, by=partner_staff)

    body = client.get(f"{BASE}/{route.pk}").json()

    assert {s["label"] for s in body["stops"]} == {"Havana", "Homestead"}
    assert all(s["approximate"] for s in body["stops"])
    cancelled = [v for v in body["upcoming"] if v["cancelled"]]
    assert [v["key"] for v in cancelled] == [first.key.isoformat()]
    assert body["next_visit"]["stop"] == "Homestead"  # Havana's first visit is cancelled


@pytest.mark.django_db
def test_a_draft_route_is_unknown(client, route) -> None:
    Route.objects.filter(pk=route.pk).update(published=False)

    assert client.get(f"{BASE}/{route.pk}").status_code == 404
    assert client.get(f"{BASE}/").json() == []


@pytest.mark.django_db
def test_next_stops_near_a_zip_code_nearest_first_within_the_radius(client, route) -> None:
    near = client.get(f"{BASE}/next-stops", {"near": "33135"}).json()
    wide = client.get(f"{BASE}/next-stops", {"near": "33135", "radius_km": "100"}).json()
    by_position = client.get(f"{BASE}/next-stops", {"lat": "25.48", "lon": "-80.51"}).json()

    assert [v["stop"] for v in near] == ["Havana"]
    assert near[0]["distance_km"] < 2
    assert [v["stop"] for v in wide] == ["Havana", "Homestead"]
    assert by_position[0]["stop"] == "Homestead"


@pytest.mark.django_db
def test_next_stops_without_a_place_are_the_soonest(client, route) -> None:
    body = client.get(f"{BASE}/next-stops", {"limit": "2"}).json()

    assert len(body) == 2
    assert all(v["distance_km"] is None for v in body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"near": "Qwxzville"}, "near"),
        ({"lat": "25.7"}, "lat"),
        ({"near": "33135", "radius_km": "0"}, "radius_km"),
        ({"limit": "500"}, "limit"),
    ],
)
def test_bad_input_names_the_field(client, route, query, field) -> None:
    response = client.get(f"{BASE}/next-stops", query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
