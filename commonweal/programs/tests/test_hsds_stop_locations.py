"""A stop at a bare address (no directory place) in the HSDS 3.0 export: a `location` row of
the route's organisation and its `address` row, with stable ids made from the stop's id, the
stop's schedule on that location when the route has no service; valid against the official
schema, and round-tripped through the importer without change."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from commonweal.directory.export import export_directory
from commonweal.directory.hsds_reader import read_datapackage
from commonweal.directory.importer import import_tabular
from commonweal.directory.models import Address, Location
from commonweal.programs import hsds_programmes, routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def van(organization, partner_staff):
    """A published route with no service: one stop at a bare address, one at a place."""
    place = Location.objects.create(
        organization=organization, name="Parish hall", latitude=25.77, longitude=-80.2
    )
    Address.objects.create(
        location=place,
        address_1="5 Church St",
        city="Miami",
        state_province="FL",
        postal_code="33135",
        country="US",
        address_type="physical",
    )
    route = routes.create_route(
        organization=organization,
        by=partner_staff,
        name="Health van",
        kind="mobile_clinic",
        time_zone="America/New_York",
    )
    corner = routes.add_stop(
        route,
        by=partner_staff,
        name="Corner of 8th",
        address="800 SW 8th St",
        postal_code="33135",
        starts_on=dt.date(2026, 3, 5),
        arrives_at=dt.time(10, 0),
        departs_at=dt.time(12, 0),
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=6",
        notes="Park behind the pharmacy",
    )
    hall = routes.add_stop(
        route,
        by=partner_staff,
        location=place,
        starts_on=dt.date(2026, 3, 6),
        arrives_at=dt.time(9, 0),
        departs_at=dt.time(11, 0),
    )
    return route, corner, hall, place


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_bare_address_stop_is_a_location_with_an_address_and_its_schedule(van, tmp_path) -> None:
    route, corner, hall, place = van
    location_id = str(hsds_programmes.row_id("stop-location", corner.pk))

    summary = export_directory(tmp_path / "export", validate=True)  # the official schema

    assert summary.problems == []
    (location,) = [r for r in _csv(tmp_path / "export" / "locations.csv") if r["id"] == location_id]
    assert location["organization_id"] == str(route.organization_id)
    assert (location["name"], location["location_type"]) == ("Corner of 8th", "physical")
    assert location["latitude"] and location["longitude"]  # placed by the ZIP code
    (address,) = [
        a for a in _csv(tmp_path / "export" / "addresses.csv") if a["location_id"] == location_id
    ]
    assert address["id"] == str(hsds_programmes.row_id("stop-address", corner.pk))
    assert (address["address_1"], address["postal_code"], address["country"]) == (
        "800 SW 8th St",
        "33135",
        "US",
    )
    assert (address["city"], address["state_province"]) == ("Miami", "FL")  # from the ZIP
    schedules = _csv(tmp_path / "export" / "schedules.csv")
    (on_corner,) = [s for s in schedules if s["location_id"] == location_id]
    assert (on_corner["freq"], on_corner["byday"], on_corner["count"]) == ("WEEKLY", "TH", "6")
    # A stop at a directory place keeps its schedule there, and makes no location of its own.
    assert [s for s in schedules if s["location_id"] == str(place.pk)]
    assert hsds_programmes.row_id("stop-location", hall.pk) not in {
        r["id"] for r in hsds_programmes.records("location")
    }


def test_the_ids_are_the_same_in_every_export(van) -> None:
    _route, corner, _hall, _place = van
    first = hsds_programmes.records("location")
    again = hsds_programmes.records("location")
    assert [r["id"] for r in first] == [r["id"] for r in again]
    assert [r["id"] for r in first] == [hsds_programmes.row_id("stop-location", corner.pk)]


def test_an_unpublished_routes_stops_are_not_exported(van, partner_staff) -> None:
    route, *_rest = van
    routes.update_route(route, by=partner_staff, published=False)
    assert hsds_programmes.records("location") == []
    assert hsds_programmes.records("address") == []


def test_the_stop_locations_round_trip_through_the_importer(van, tmp_path) -> None:
    first = tmp_path / "first"
    export_directory(first, validate=True)

    imported = import_tabular(read_datapackage(first), source="first")
    assert imported.total.rejected == 0
    _route, corner, _hall, _place = van
    stored = Location.objects.get(pk=hsds_programmes.row_id("stop-location", corner.pk))
    assert stored.name == "Corner of 8th" and stored.addresses.get().address_1 == "800 SW 8th St"

    second = tmp_path / "second"
    assert export_directory(second, validate=True).problems == []
    for name in ("locations.csv", "addresses.csv", "schedules.csv"):
        assert sorted(map(_sorted, _csv(first / name))) == sorted(map(_sorted, _csv(second / name)))
    again = import_tabular(read_datapackage(second), source="second")
    assert (again.total.created, again.total.updated, again.total.rejected) == (0, 0, 0)


def _sorted(row: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(row.items()))


def test_a_stop_whose_zip_the_directory_does_not_know_has_no_address_row(
    organization, partner_staff, tmp_path
) -> None:
    route = routes.create_route(
        organization=organization, by=partner_staff, name="Food truck", kind="food_truck"
    )
    stop = routes.add_stop(
        route,
        by=partner_staff,
        address="1 Main St",
        postal_code="33030",
        starts_on=dt.date(2026, 3, 5),
        arrives_at=dt.time(10, 0),
        departs_at=dt.time(12, 0),
    )
    # HSDS requires a city and a state: with neither known, no address row, and the
    # location still carries the street address in words and the point on the map.
    assert hsds_programmes.records("address") == []
    (location,) = hsds_programmes.records("location")
    assert location["id"] == hsds_programmes.row_id("stop-location", stop.pk)
    assert "1 Main St, 33030" in location["description"] and location["latitude"] is not None
    assert export_directory(tmp_path / "export", validate=True).problems == []


def test_hsda_shows_the_stop_location_in_its_organisation_and_it_validates(client, van) -> None:
    from commonweal.directory.schema_validation import validate_record

    route, corner, _hall, _place = van
    record = client.get(f"/api/hsda/organizations/{route.organization_id}").json()

    assert validate_record("organization", record) == []
    made = str(hsds_programmes.row_id("stop-location", corner.pk))
    (location,) = [loc for loc in record["locations"] if loc["id"] == made]
    assert location["addresses"][0]["address_1"] == "800 SW 8th St"
    assert location["schedules"][0]["byday"] == "TH"
