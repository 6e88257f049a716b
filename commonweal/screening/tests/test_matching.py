from __future__ import annotations

import pytest

from commonweal.screening import matching
from commonweal.screening.tests.directory_fixtures import make_food_pantry


@pytest.mark.django_db
def test_it_finds_services_in_the_domains_categories_nearest_first() -> None:
    # Created farthest first, so the order comes from distance, not from insertion.
    farthest = make_food_pantry("Homestead Pantry", latitude=25.4687, longitude=-80.4776)
    farther = make_food_pantry("Allapattah Pantry", latitude=25.8150, longitude=-80.2250)
    nearer = make_food_pantry("Little River Pantry", latitude=25.8500, longitude=-80.1850)
    found = matching.services_for(("1102",), near="33138")
    ids = [s.service_id for s in found]
    # How far the engine looks is its own rule (it widens when little is near); the
    # order nearest first and the distances are what the results page shows.
    assert ids[:2] == [nearer.id, farther.id]
    assert set(ids) <= {nearer.id, farther.id, farthest.id}
    distances = [s.distance_km for s in found]
    assert distances == sorted(distances) and distances[0] < 5
    assert found[0].distance_miles == pytest.approx(found[0].distance_km / 1.609344)


@pytest.mark.django_db
def test_it_lists_services_without_a_zip_code() -> None:
    pantry = make_food_pantry()
    assert [s.service_id for s in matching.services_for(("1102",))] == [pantry.id]


@pytest.mark.django_db
def test_it_ignores_what_is_not_a_zip_code() -> None:
    pantry = make_food_pantry()
    found = matching.services_for(("1102",), near="<script>")
    assert [s.service_id for s in found] == [pantry.id]
    assert found[0].distance_km is None


@pytest.mark.django_db
def test_no_categories_means_no_services() -> None:
    make_food_pantry()
    assert matching.services_for(()) == []


def test_clean_zip_keeps_five_digits_only() -> None:
    assert matching.clean_zip(" 33130-1234 ") == "33130"
    assert matching.clean_zip("3313") == ""
    assert matching.clean_zip("Miami") == ""
