"""GET /api/v1/search: the shape the issue specifies, anonymous use, and 400s for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.tests.search_directory import build_search_directory

URL = "/api/v1/search"


@pytest.fixture
def directory(db):
    reset_dictionary()
    # English labels ("Spanish", "1.2 mi"), whatever language an earlier test left active.
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def test_anonymous_search_answers_in_the_documented_shape(client, directory) -> None:
    response = client.get(URL, {"q": "food pantry", "near": "33135"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"crisis", "interpretation", "total", "page", "results"}
    assert body["crisis"] is False
    assert body["total"] == 2
    assert body["page"] == 1
    interpretation = body["interpretation"]
    assert interpretation["categories"][0]["code"] == "1130"
    assert interpretation["categories"][0]["name"] == "Food Pantry"
    assert interpretation["place"]["label"] == "33135"
    assert isinstance(interpretation["place"]["lat"], float)
    first = body["results"][0]
    assert set(first) == {
        "service_id",
        "service_at_location_id",
        "name",
        "organization",
        "distance_km",
        "open_now",
        "why",
    }
    assert first["name"] == "Little Havana Food Pantry"
    assert first["service_id"] == str(directory.havana_pantry.id)
    assert first["organization"] == {
        "id": str(directory.organization.id),
        "name": "Catholic Charities of Miami",
    }
    assert isinstance(first["distance_km"], float)
    assert isinstance(first["open_now"], bool)
    assert "matches: Food Pantry" in first["why"]
    assert body["results"][1]["open_now"] is None  # no schedule to say


def test_without_a_place_place_and_distance_are_null(client, directory) -> None:
    body = client.get(URL, {"q": "dentist"}).json()
    assert body["interpretation"]["place"] is None
    assert body["results"][0]["distance_km"] is None


def test_results_are_returned_in_a_crisis_too(client, directory) -> None:
    body = client.get(URL, {"q": "quiero matarme, necesito un consejero"}).json()
    assert body["crisis"] is True
    assert body["crisis_level"] == "emergency"
    assert body["results"]


def test_filters_and_paging(client, directory) -> None:
    assert [
        r["name"] for r in client.get(URL, {"q": "pantry", "free": "true"}).json()["results"]
    ] == ["Little Havana Food Pantry"]
    body = client.get(URL, {"q": "counseling", "language": "vi"}).json()
    assert [r["name"] for r in body["results"]] == ["Family Wellness Center"]
    body = client.get(URL, {"q": "pantry", "per_page": "1", "page": "2"}).json()
    assert (body["total"], body["page"], len(body["results"])) == (2, 2, 1)
    body = client.get(URL, {"category": "1102"}).json()
    assert body["total"] == 2
    today = timezone.localdate()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    body = client.get(URL, {"q": "pantry", "open_at": f"{monday.isoformat()}T12:00"}).json()
    assert [r["name"] for r in body["results"]] == ["Little Havana Food Pantry"]
    body = client.get(URL, {"lat": "25.8332", "lon": "-80.2787", "radius_km": "2"}).json()
    assert {r["name"] for r in body["results"]} == {
        "Hialeah Community Pantry",
        "Family Wellness Center",
    }


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"lat": "200", "lon": "-80"}, "lat"),
        ({"lat": "25.7", "lon": "-500"}, "lon"),
        ({"lat": "25.7"}, "lon"),
        ({"lat": "north", "lon": "-80"}, "lat"),
        ({"radius_km": "0"}, "radius_km"),
        ({"radius_km": "-5"}, "radius_km"),
        ({"radius_km": "nan"}, "radius_km"),
        ({"radius_km": "100000"}, "radius_km"),
        ({"open_at": "tomorrow at noon"}, "open_at"),
        ({"open_at": "2026-13-45T99:00"}, "open_at"),
        ({"open_at": "0001-01-01T00:00"}, "open_at"),
        ({"open_at": "9999-12-31T23:59"}, "open_at"),
        ({"open_now": "maybe"}, "open_now"),
        ({"free": "2"}, "free"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"language": "Vietnamese!"}, "language"),
        ({"q": "food\x00"}, "q"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, directory, params, parameter) -> None:
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert isinstance(body["detail"], str) and body["detail"]


def test_a_bad_parameter_never_hides_a_crisis(client, directory) -> None:
    response = client.get(URL, {"q": "I want to kill myself", "lat": "abc", "lon": "-80"})
    assert response.status_code == 400
    assert response.json()["crisis"] is True and response.json()["crisis_level"] == "emergency"
    calm = client.get(URL, {"q": "food", "lat": "abc", "lon": "-80"}).json()
    assert calm["crisis"] is False


def test_crisis_words_late_in_a_long_query_are_still_read(client, directory) -> None:
    long_story = "we lost the apartment and " * 40 + "quiero morir"  # past the 500 searched
    body = client.get(URL, {"q": long_story}).json()
    assert body["crisis"] is True and body["crisis_level"] == "emergency"


def test_a_parameter_given_twice_is_refused(client, directory) -> None:
    response = client.get(f"{URL}?q=food&q=rent")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": '" * NEAR( OR -'},
        {"q": "x" * 10_000},
        {"near": "99999", "q": "food"},
        {"near": "Atlantis", "q": "food"},
        {"category": "no-such-category"},
    ],
)
def test_odd_but_valid_input_answers_200_with_messages(client, directory, params) -> None:
    response = client.get(URL, params)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["results"], list)
    assert isinstance(body["interpretation"]["messages"], list)


def test_unknown_place_is_said_not_silently_ignored(client, directory) -> None:
    body = client.get(URL, {"q": "food pantry", "near": "99999"}).json()
    assert body["interpretation"]["place"] is None
    assert body["interpretation"]["messages"]


def test_the_api_is_rate_limited_for_anonymous_callers(client, directory, settings) -> None:
    settings.HSDA_ANON_RATE = "2/min"
    from django.core.cache import cache

    cache.clear()
    codes = [client.get(URL, {"q": "food"}).status_code for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


def test_the_search_is_in_the_openapi_document(client, db) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {
        "q",
        "near",
        "lat",
        "lon",
        "radius_km",
        "category",
        "open_now",
        "open_at",
        "language",
        "free",
        "page",
        "per_page",
    }
