""" "Next session" and "next stop near you" on search results (HTML card and API) and on the
service page: what is shown, what is left out (drafts, cancelled, past), and that a whole
page of results costs two queries, however many services have programmes or routes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from commonweal.directory.models import Service
from commonweal.directory.search import results_page
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.tests.search_directory import LITTLE_HAVANA, build_search_directory
from commonweal.programs import next_session, routes, schedule
from commonweal.programs.route_models import Route

URL = "/api/v1/search"


@pytest.fixture
def directory(db):
    reset_dictionary()
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def _tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def _programme(service: Service, *, published: bool = True, name: str = "Cooking on a budget"):
    programme = schedule.create_programme(
        organization=service.organization,
        by=None,
        service=service,
        name=name,
        kind="cooking_class",
        starts_on=_tomorrow(),
        time_zone="America/New_York",
        published=published,
    )
    session = schedule.add_session(
        programme,
        by=None,
        starts_on=_tomorrow(),
        start_time=dt.time(18, 0),
        duration_minutes=90,
        rule="FREQ=WEEKLY;COUNT=5",
    )
    return programme, session


def _route(service: Service, *, published: bool = True):
    route = routes.create_route(
        organization=service.organization,
        by=None,
        service=service,
        name="Pantry on wheels",
        kind="mobile_pantry",
        time_zone="America/New_York",
        published=published,
    )
    for name, zip_code in (("Near stop", "33135"), ("Far stop", "33030")):
        routes.add_stop(
            route,
            by=None,
            name=name,
            address="1 Main St",
            postal_code=zip_code,
            starts_on=_tomorrow(),
            arrives_at=dt.time(10, 0),
            departs_at=dt.time(12, 0),
            rule="FREQ=WEEKLY;COUNT=5",
        )
    return route


def test_the_next_session_and_nearest_stop_of_a_service(directory) -> None:
    pantry = directory.havana_pantry
    _unused, session = _programme(pantry)
    _route(pantry)
    now = timezone.now()

    up = next_session.for_services([pantry.id], now=now, near=LITTLE_HAVANA)[pantry.id]

    assert up.session.title == "Cooking on a budget"
    assert up.session.start == session.occurrences(window_start=now)[0].start
    assert up.stop.stop == "Near stop"
    assert up.stop.distance_km < 2
    assert up.stop.approximate is True
    assert up.stop.url == f"/events/mobile/{up.stop.route_id}/"


def test_without_a_place_the_soonest_stop_is_next_and_no_distance(directory) -> None:
    pantry = directory.havana_pantry
    _route(pantry)

    up = next_session.for_services([pantry.id], now=timezone.now())[pantry.id]

    assert up.stop.distance_km is None
    assert up.session is None


def test_drafts_cancelled_and_past_meetings_are_not_next(directory) -> None:
    pantry, dental = directory.havana_pantry, directory.dental
    _programme(dental, published=False)
    _route(dental, published=False)
    _unused, session = _programme(pantry)
    first = session.occurrences()[0]
    schedule.cancel_occurrence(session, occurrence=first.key, by=None)

    found = next_session.for_services([pantry.id, dental.id], now=timezone.now())

    assert dental.id not in found
    assert found[pantry.id].session.start == session.occurrences()[1].start
    later = next_session.for_services([pantry.id], now=first.start + dt.timedelta(days=60))
    assert pantry.id not in later  # the five meetings are over


def test_a_page_of_results_costs_two_queries_however_many_services_have_some(
    directory,
) -> None:
    services = list(Service.objects.all()[:8])
    for service in services:
        _programme(service)
        _route(service)
    ids = [s.id for s in services]

    with CaptureQueriesContext(connection) as queries:
        found = next_session.for_services(ids, now=timezone.now(), near=LITTLE_HAVANA)

    assert len(queries) == 2
    assert set(found) == set(ids)


def test_the_search_page_card_shows_next_session_and_next_stop_near_you(client, directory) -> None:
    _programme(directory.havana_pantry)
    _route(directory.havana_pantry)

    with translation.override("en"):
        page = client.get("/search/", {"q": "food pantry", "near": "33135"})

    body = page.content.decode()
    assert "Next session:" in body
    assert "Next stop near you:" in body
    assert "at Near stop" in body
    card = next(
        c for c in page.context["results"].cards if c.service.id == directory.havana_pantry.id
    )
    assert card.next_up.stop.stop == "Near stop"


def test_the_search_api_adds_the_optional_fields_only_where_there_is_one(client, directory) -> None:
    _programme(directory.havana_pantry)
    _route(directory.havana_pantry)

    body = client.get(URL, {"q": "food pantry", "near": "33135"}).json()

    havana, hialeah = body["results"]
    assert havana["next_session"]["title"] == "Cooking on a budget"
    assert havana["next_session"]["start"].startswith(_tomorrow().isoformat() + "T18:00:00")
    stop = havana["next_stop"]
    assert stop["stop"] == "Near stop" and stop["route"] == "Pantry on wheels"
    assert 0 <= stop["distance_km"] < 2 and stop["approximate"] is True
    assert "next_session" not in hialeah and "next_stop" not in hialeah


def test_results_cards_work_without_any_programme(directory) -> None:
    from commonweal.directory.search.types import Hit

    hits = [
        Hit(
            service_id=directory.legal.id,
            service_at_location_id=None,
            name="x",
            organization_id=directory.organization.id,
            organization_name="",
            distance_km=None,
            open_now=None,
            why=(),
            score=1.0,
        )
    ]

    (card,) = results_page.cards(hits)

    assert card.next_up is None


def test_the_service_page_lists_next_sessions_and_mobile_stops(client, directory) -> None:
    pantry = directory.havana_pantry
    _programme(pantry)
    route = _route(pantry)

    with translation.override("en"):
        body = client.get(pantry.get_absolute_url()).content.decode()

    assert "Next sessions" in body and "Cooking on a budget" in body
    assert "Mobile stops" in body and "Near stop" in body
    assert route.get_absolute_url() in body


def test_the_service_page_shows_no_draft_route(client, directory) -> None:
    pantry = directory.havana_pantry
    _route(pantry, published=False)

    body = client.get(pantry.get_absolute_url()).content.decode()

    assert "Mobile stops" not in body
    assert not Route.objects.published().exists()
