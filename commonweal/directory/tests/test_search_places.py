from __future__ import annotations

import csv
import math
import statistics

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.directory.models import Address, Location, Organization
from commonweal.directory.search import places
from commonweal.directory.search.places import NEAR_ME
from commonweal.directory.search.types import Place
from commonweal.directory.sources.geocode import zip_centroid


@pytest.fixture(autouse=True)
def fresh_gazetteer():
    places.clear_cache()
    yield
    places.clear_cache()


def add_address(city: str, state: str, postal_code: str, lat=None, lon=None) -> Address:
    organization, _ = Organization.objects.get_or_create(name="Addresses Inc")
    location = Location.objects.create(organization=organization, latitude=lat, longitude=lon)
    return Address.objects.create(
        location=location,
        address_1="1 Main St",
        city=city,
        state_province=state,
        postal_code=postal_code,
        country="US",
    )


# resolve ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["33125", " 33125 ", "33125-1234", "331251234"])
def test_a_zip_code_is_its_census_point(text) -> None:
    place, message = places.resolve(text, None, None)
    lat, lon = zip_centroid("33125")
    assert message is None
    assert place == Place(label="33125", lat=lat, lon=lon, kind="zip")


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["99999", "Atlantis", "zzzz, QQ", "' OR 1=1 --", '" * NEAR( OR -'])
def test_an_unknown_place_says_so_and_suggests_a_zip_code(text) -> None:
    place, message = places.resolve(text, None, None)
    assert place is None
    assert message == f"We could not find the place “{text.strip()}”. Try a ZIP code."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("Hialeah", "Hialeah, FL", "city"),
        ("hialeah fl", "Hialeah, FL", "city"),
        ("HIALEAH, Florida", "Hialeah, FL", "city"),
        ("Miami Beach, FL", "Miami Beach, FL", "city"),
        ("Opa Locka", "Opa-locka, FL", "city"),
        ("Little Havana", "Little Havana, FL", "neighborhood"),
        ("la pequeña habana", "La Pequeña Habana, FL", "neighborhood"),
        ("Hialea", "Hialeah, FL", "city"),  # a slip of the keyboard
    ],
)
def test_city_and_neighbourhood_names_come_from_the_bundled_gazetteer(text, label, kind) -> None:
    place, message = places.resolve(text, None, None)
    assert message is None
    assert (place.label, place.kind) == (label, kind)


@pytest.mark.django_db
def test_a_state_that_does_not_match_is_not_found() -> None:
    place, message = places.resolve("Hialeah, CA", None, None)
    assert place is None and "Hialeah, CA" in message


@pytest.mark.django_db
def test_an_address_resolves_to_its_zip_code_and_says_so() -> None:
    place, message = places.resolve("1550 NW 10th Ave, Miami, FL 33136", None, None)
    assert message is None
    assert place.label == "33136" and place.kind == "zip"
    assert (place.lat, place.lon) == zip_centroid("33136")


@pytest.mark.django_db
def test_an_address_without_a_zip_code_resolves_to_its_city() -> None:
    place, _ = places.resolve("1550 NW 10th Ave, Miami, FL", None, None)
    assert place.label == "Miami, FL" and place.kind == "city"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["444 SW 2nd Ave Miami FL", "12 Main Street Hialeah"])
def test_an_address_without_commas_resolves_to_its_city(text) -> None:
    place, message = places.resolve(text, None, None)
    assert message is None and place.kind == "city"
    assert place.label.split(",")[0] in text


@pytest.mark.django_db
def test_cities_outside_the_bundled_file_come_from_the_directory_addresses() -> None:
    assert places.resolve("Naples", None, None)[0] is None
    add_address("Naples", "FL", "34102", 26.14, -81.79)
    add_address("Naples", "FL", "34103", 26.16, -81.80)
    add_address("Naples", "FL", "34104", 26.50, -81.78)  # an outlier does not move a median
    add_address("Naples", "FL", "34102")  # no coordinates: its ZIP point counts
    place, message = places.resolve("naples, fl", None, None)
    assert message is None
    assert place.label == "Naples, FL" and place.kind == "city"
    zip_lat, zip_lon = zip_centroid("34102")
    assert place.lat == pytest.approx(statistics.median([26.14, 26.16, 26.50, zip_lat]))
    assert -81.80 <= place.lon <= -81.78


def _bulk_address(location: Location, city: str, postal_code: str) -> None:
    # bulk_create sends no signals, as the importer's bulk writes.
    Address.objects.bulk_create(
        [
            Address(
                location=location,
                address_1="2 Main St",
                city=city,
                state_province="FL",
                postal_code=postal_code,
                country="US",
            )
        ]
    )


@pytest.mark.django_db
def test_derived_cities_follow_saves_and_deletes_at_once() -> None:
    address = add_address("Immokalee", "FL", "34142", 26.42, -81.42)
    assert places.resolve("Immokalee", None, None)[0].lat == pytest.approx(26.42)
    add_address("Everglades City", "FL", "34139", 25.86, -81.38)
    assert places.resolve("Everglades City", None, None)[0] is not None
    address.delete()
    assert places.resolve("Immokalee", None, None)[0] is None


@pytest.mark.django_db
def test_bulk_writes_are_noticed_by_clear_cache_or_the_fingerprint(monkeypatch) -> None:
    address = add_address("Immokalee", "FL", "34142", 26.42, -81.42)
    assert places.resolve("Everglades City", None, None)[0] is None
    _bulk_address(address.location, "Everglades City", "34139")
    places.clear_cache()  # what an import does
    assert places.resolve("Everglades City", None, None)[0] is not None
    _bulk_address(address.location, "Chokoloskee", "34138")
    monkeypatch.setattr(places, "CHECK_EVERY_SECONDS", 0.0)
    assert places.resolve("Chokoloskee", None, None)[0] is not None


@pytest.mark.django_db
def test_the_browser_position_is_used_when_no_place_is_typed() -> None:
    place, message = places.resolve("", 25.77, -80.19)
    assert message is None
    assert place == Place(label="your location", lat=25.77, lon=-80.19, kind="coordinates")
    for words in (NEAR_ME, "near me", "Cerca de mí", "my location"):
        assert places.resolve(words, 25.77, -80.19)[0] == place


@pytest.mark.django_db
def test_a_typed_place_wins_over_the_browser_position() -> None:
    place, _ = places.resolve("33125", 40.0, -75.0)
    assert place.kind == "zip"
    # An unknown typed place falls back to the position rather than to nothing.
    place, message = places.resolve("Atlantis", 40.0, -75.0)
    assert place.kind == "coordinates" and message is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lat", "lon"),
    [(200, 0), (0, 181), (-91, 10), (float("nan"), 0), (float("inf"), 0), (25.0, None)],
)
def test_impossible_coordinates_get_a_message(lat, lon) -> None:
    place, message = places.resolve("", lat, lon)
    assert place is None
    assert message == "Your location could not be read. Type a ZIP code or a city instead."


@pytest.mark.django_db
def test_near_me_without_a_position_asks_for_one() -> None:
    place, message = places.resolve(NEAR_ME, None, None)
    assert place is None
    assert "share your location" in message


@pytest.mark.django_db
def test_no_place_at_all_is_not_an_error() -> None:
    assert places.resolve("", None, None) == (None, None)
    assert places.resolve("   ", None, None) == (None, None)


@pytest.mark.django_db
def test_a_very_long_place_text_is_cut_short_not_an_error() -> None:
    place, message = places.resolve("Hialeah " * 2000, None, None)
    assert place is None
    assert len(message) < 300


# extract_place -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("food pantry near 33125", ("food pantry", "33125")),
        ("detox 33130", ("detox", "33130")),
        ("33130 detox", ("detox", "33130")),
        ("food bank 33125 open now", ("food bank open now", "33125")),
        ("rent help 33125-0001", ("rent help", "33125-0001")),
        ("dentista en Hialeah", ("dentista", "Hialeah")),
        ("food pantry hialeah fl", ("food pantry", "hialeah fl")),
        ("clinic near Miami Beach, FL", ("clinic", "Miami Beach, FL")),
        ("therapist in Little Havana", ("therapist", "Little Havana")),
        ("comida cerca de Allapattah", ("comida", "Allapattah")),
        ("food near me", ("food", NEAR_ME)),
        ("comida cerca de mí", ("comida", NEAR_ME)),
        ("shelter nearby", ("shelter", NEAR_ME)),
        ("Hialeah", ("", "Hialeah")),
        ("help in Homestead", ("help", "Homestead")),
        ("food 444 SW 2nd Ave Miami", ("food", "444 SW 2nd Ave, Miami")),
        ("food near 444 SW 2nd Ave, Miami", ("food", "444 SW 2nd Ave, Miami")),
        (
            "comida cerca de 1550 NW 10th Street Miami FL",
            ("comida", "1550 NW 10th Street, Miami FL"),
        ),
        ("help with rent on 5th street Miami", ("help with rent on 5th street", "Miami")),
    ],
)
def test_extract_place_splits_need_from_place(q, expected) -> None:
    assert places.extract_place(q) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "rent help",
        "homestead exemption",  # a place name that is also an everyday word
        "shelter in atlantis",  # not a place we know: the words stay
        "need 10000 dollars",  # five digits that are no ZIP code
        "I owe 10001 dollars in rent",  # a real ZIP code, but an amount here
        "back rent $10001",
        "food 99999",
        "necesito un médico",
        "",
    ],
)
def test_extract_place_leaves_queries_without_a_place_alone(q) -> None:
    assert places.extract_place(q) == (q, "")


# geometry ----------------------------------------------------------------------------------


def test_distance_is_the_great_circle_distance() -> None:
    assert places.distance_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * 6371.0088 / 360)
    assert places.distance_km(25.77, -80.19, 25.77, -80.19) == 0
    # Miami → Fort Lauderdale, both ways.
    there = places.distance_km(25.7617, -80.1918, 26.1224, -80.1373)
    assert there == pytest.approx(40.5, abs=0.5)
    assert places.distance_km(26.1224, -80.1373, 25.7617, -80.1918) == pytest.approx(there)
    assert places.distance_km(90, 0, -90, 0) == pytest.approx(math.pi * 6371.0088)


def _destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    phi, lam, theta, delta = map(math.radians, (lat, lon, bearing, 0))
    delta = km / 6371.0088
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lam2)


@pytest.mark.parametrize(("lat", "lon", "km"), [(25.77, -80.19, 16), (61.2, -149.9, 50), (0, 0, 1)])
def test_the_bounding_box_holds_the_whole_circle(lat, lon, km) -> None:
    min_lat, max_lat, min_lon, max_lon = places.bounding_box(lat, lon, km)
    for bearing in range(0, 360, 5):
        p_lat, p_lon = _destination(lat, lon, bearing, km)
        assert min_lat <= p_lat <= max_lat and min_lon <= p_lon <= max_lon, bearing
    # …and not much more: about the circle's size.
    assert places.distance_km(min_lat, lon, max_lat, lon) == pytest.approx(2 * km)


def test_the_bounding_box_near_a_pole_spans_all_longitudes() -> None:
    box = places.bounding_box(89.9, 10, 50)
    assert box[1:] == (90.0, -180.0, 180.0)
    assert places.distance_km(box[0], 10, 89.9, 10) == pytest.approx(50)
    assert places.bounding_box(10, 10, 0) == (10, 10, 10, 10)
    assert places.bounding_box(10, 10, -5) == (10, 10, 10, 10)


def test_default_radius_depends_on_the_kind_of_place() -> None:
    def at(kind: str) -> Place:
        return Place(label="x", lat=0, lon=0, kind=kind)

    assert places.default_radius_km(at("zip")) == 16
    assert places.default_radius_km(at("coordinates")) == 16
    assert places.default_radius_km(at("city")) == 25
    assert places.default_radius_km(at("neighborhood")) == 10
    assert places.default_radius_km(None) == 16


# the bundled file -------------------------------------------------------------------------


def test_every_bundled_place_is_the_mean_of_its_census_zip_points() -> None:
    with places.PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 50
    names = set()
    for row in rows:
        assert row["kind"] in ("city", "neighborhood"), row
        assert row["state"] == "FL"
        kind, _, zips = row["source"].partition(":")
        assert kind == "zcta"
        points = [zip_centroid(z) for z in zips.split()]
        assert all(points), row
        assert float(row["lat"]) == pytest.approx(sum(p[0] for p in points) / len(points), abs=1e-6)
        assert float(row["lon"]) == pytest.approx(sum(p[1] for p in points) / len(points), abs=1e-6)
        key = places.normalize_name(row["name"])
        assert key not in names, row["name"]
        names.add(key)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300), lat=st.none() | st.floats(), lon=st.none() | st.floats())
def test_any_text_and_numbers_give_a_place_or_a_message_never_an_error(text, lat, lon) -> None:
    need, place_text = places.extract_place(text)
    assert len(need) <= len(text)
    place, message = places.resolve(place_text or text, lat, lon)
    assert place is None or (-90 <= place.lat <= 90 and -180 <= place.lon <= 180)
    assert place is None or message is None
