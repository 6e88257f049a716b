"""HSDA's `search`, `postcode` and `proximity` rank with the same engine as the resident
search, in HSDA's own response shapes."""

from __future__ import annotations

import pytest
from django.utils import translation

from commonweal.directory.schema_validation import validate_record
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.tests.search_directory import build_search_directory

API = "/api/hsda"


@pytest.fixture
def directory(db):
    reset_dictionary()
    # English labels ("Spanish", "1.2 mi"), whatever language an earlier test left active.
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def _names(response) -> list[str]:
    return [r["name"] for r in response.json()["contents"]]


def _sal_names(response) -> list[str]:
    return [r["service"]["name"] for r in response.json()["contents"]]


def test_services_search_understands_everyday_words(client, directory) -> None:
    # No service says "rent" or "desalojo": the need vocabulary and categories find it.
    assert _names(client.get(f"{API}/services", {"search": "can't pay rent"}))[0] == (
        "Rent Relief Program"
    )
    assert _names(client.get(f"{API}/services", {"search": "desalojo"}))[0] == (
        "Rent Relief Program"
    )
    body = client.get(f"{API}/services", {"search": "dentsit"}).json()
    assert [c["name"] for c in body["contents"]] == ["Downtown Smiles"]
    assert validate_record("service_list", body["contents"][0]) == []
    assert body["total_items"] == 1


def test_services_search_keeps_the_other_filters(client, directory) -> None:
    response = client.get(
        f"{API}/services",
        {"search": "food pantry", "organization_id": str(directory.organization.id)},
    )
    assert sorted(_names(response)) == ["Hialeah Community Pantry", "Little Havana Food Pantry"]
    other = client.get(
        f"{API}/services",
        {"search": "food pantry", "organization_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert _names(other) == []


def test_services_search_never_lists_defunct_services(client, directory) -> None:
    assert "Old Food Pantry" not in _names(client.get(f"{API}/services", {"search": "pantry"}))


def test_proximity_ranks_by_the_engine_nearest_first_among_equals(client, directory) -> None:
    near_havana = client.get(
        f"{API}/service_at_locations",
        {"postcode": "33135", "proximity": "20000", "search": "food pantry"},
    )
    assert _sal_names(near_havana) == ["Little Havana Food Pantry", "Hialeah Community Pantry"]
    near_hialeah = client.get(
        f"{API}/service_at_locations",
        {"postcode": "33010", "proximity": "20000", "search": "food pantry"},
    )
    assert _sal_names(near_hialeah) == ["Hialeah Community Pantry", "Little Havana Food Pantry"]
    # Metres: 2 km around 33135 holds only the Little Havana pantry.
    close = client.get(
        f"{API}/service_at_locations",
        {"postcode": "33135", "proximity": "2000", "search": "food pantry"},
    )
    assert _sal_names(close) == ["Little Havana Food Pantry"]


def test_proximity_without_search_lists_nearest_first(client, directory) -> None:
    names = _sal_names(
        client.get(f"{API}/service_at_locations", {"postcode": "33010", "proximity": "3000"})
    )
    assert set(names) == {"Hialeah Community Pantry", "Family Wellness Center"}


def test_service_at_locations_search_without_a_postcode(client, directory) -> None:
    response = client.get(f"{API}/service_at_locations", {"search": "me cortaron la luz"})
    assert _sal_names(response) == ["Keep the Lights On"]
    assert validate_record("service_at_location", response.json()["contents"][0]) == []
