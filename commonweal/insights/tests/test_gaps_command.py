"""Supply from the directory and the `commonweal gaps` command."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonweal.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from commonweal.insights.supply import UnknownCategory, supply_for_category


def _service(
    term: TaxonomyTerm,
    *,
    at: tuple[float, float] | None,
    status: str = "active",
    location: Location | None = None,
    location_type: str = "physical",
) -> Location:
    organization = Organization.objects.create(name="Org")
    service = Service.objects.create(organization=organization, name="Counselling", status=status)
    Attribute.objects.create(link_id=service.id, link_entity="service", taxonomy_term=term)
    if location is None:
        location = Location.objects.create(
            organization=organization,
            location_type=location_type,
            latitude=at[0] if at else None,
            longitude=at[1] if at else None,
        )
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


@pytest.fixture
def mental_health(db) -> TaxonomyTerm:
    parent = TaxonomyTerm.objects.create(code="MH", name="Mental health")
    child = TaxonomyTerm.objects.create(code="MH-OUT", name="Outpatient", parent=parent)
    shared = _service(parent, at=(25.7743, -80.1937))  # downtown Miami
    _service(child, at=(25.7743, -80.1937), location=shared)  # a second service there
    _service(child, at=(25.9420, -80.2456))  # Miami Gardens
    _service(child, at=(25.5000, -80.4000), status="inactive")
    _service(child, at=None)  # not geocoded
    _service(child, at=(0.0, 0.0), location_type="virtual")
    TaxonomyTerm.objects.create(code="SHELTER", name="Shelter")
    return parent


def test_supply_counts_each_service_at_a_geocoded_location_once(mental_health) -> None:
    supply = supply_for_category("MH")
    assert len(supply.sites) == 2
    assert sorted(supply.sites.capacity) == [1.0, 2.0]  # two services share downtown
    assert supply.without_coordinates == 1
    assert supply.services == 5  # active ones: the inactive service is not supply
    only_child = supply_for_category("MH-OUT")
    assert sorted(only_child.sites.capacity) == [1.0, 1.0]
    with pytest.raises(UnknownCategory):
        supply_for_category("NOPE")


def test_the_command_ranks_tracts_and_writes_csv_and_geojson(mental_health, tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "gaps", "--category", "MH", "--method", "e2sfca", "--top", "5",
        "--csv", str(tmp_path / "g.csv"), "--geojson", str(tmp_path / "g.geojson"), stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Least-served areas (e2sfca, cut-off 30)" in text
    assert "6 services" not in text and "5 services at 2 places; 1 without coordinates" in text
    with open(tmp_path / "g.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1153
    assert rows[0]["rank"] == "1" and float(rows[0]["score"]) == 0.0  # Monroe: out of reach
    assert float(rows[-1]["score"]) > 0
    assert [float(r["score"]) for r in rows] == sorted(float(r["score"]) for r in rows)
    collection = json.loads((tmp_path / "g.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1153
    first = collection["features"][0]
    assert first["geometry"]["type"] == "Point"
    lon, lat = first["geometry"]["coordinates"]
    assert 24 < lat < 27 and -83 < lon < -79
    assert set(first["properties"]) >= {"score", "population", "rank"}


def test_the_command_rolls_up_to_counties(mental_health) -> None:
    out = StringIO()
    call_command("gaps", "--category", "MH", "--by", "county", "--radius-km", "20", stdout=out)
    text = out.getvalue()
    assert "Least-served regions" in text
    for county in ("12086", "12011", "12087"):
        assert county in text


def test_a_category_with_no_services_says_so_instead_of_scoring_zero(
    mental_health, tmp_path: Path
) -> None:
    out = StringIO()
    call_command("gaps", "--category", "SHELTER", "--csv", str(tmp_path / "e.csv"), stdout=out)
    assert "No services of this category." in out.getvalue()
    assert (tmp_path / "e.csv").read_text(encoding="utf-8").strip().count("\n") == 0  # header only
    far = TaxonomyTerm.objects.create(code="FAR", name="Far away")
    _service(far, at=(47.6, -122.3))  # Seattle
    out = StringIO()
    call_command("gaps", "--category", "FAR", "--geojson", str(tmp_path / "e.geojson"), stdout=out)
    assert "No services of this category in range." in out.getvalue()
    collection = json.loads((tmp_path / "e.geojson").read_text(encoding="utf-8"))
    assert collection["features"] == [] and "in range" in collection["message"]


def test_the_command_reads_an_area_file_and_a_travel_time_matrix(
    mental_health, tmp_path: Path
) -> None:
    supply = supply_for_category("MH")
    downtown = [i for i, c in zip(supply.sites.ids, supply.sites.capacity, strict=True) if c == 2][
        0
    ]
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "id,name,latitude,longitude,population\nn1,Overtown,25.78,-80.20,1000\nn2,Homestead,25.47,-80.48,3000\n",
        encoding="utf-8",
    )
    times = tmp_path / "times.csv"
    times.write_text(
        f"origin,destination,cost\nn1,{downtown},10\nn2,{downtown},70\n", encoding="utf-8"
    )
    out = StringIO()
    call_command(
        "gaps", "--category", "MH", "--areas", str(areas), "--travel-times", str(times),
        "--max-cost", "45", "--csv", str(tmp_path / "t.csv"), stdout=out,
    )  # fmt: skip
    with open(tmp_path / "t.csv", encoding="utf-8") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert float(rows["n1"]["score"]) == pytest.approx(2 / 1000)  # capacity 2, only n1 in reach
    assert float(rows["n2"]["score"]) == 0.0 and rows["n2"]["rank"] == "1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "NOPE"], "No taxonomy term has the code 'NOPE'"),
        (["--category", "MH", "--top", "0"], "--top must be at least 1"),
        (["--category", "MH", "--by", "zip"], "--by zip needs --zips"),
        (["--category", "MH", "--method", "e2sfca", "--steps", "10-1"], "is not BOUND:WEIGHT"),
        (["--category", "MH", "--radius-km", "-5"], "cut-off must be positive"),
        (["--category", "MH", "--areas", "/nonexistent/areas.csv"], "cannot read"),
    ],
)
def test_bad_options_are_command_errors_not_tracebacks(mental_health, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("gaps", *args, stdout=StringIO())


def test_a_bad_area_file_is_named_by_line_and_field(mental_health, tmp_path: Path) -> None:
    areas = tmp_path / "areas.csv"
    areas.write_text("id,name,latitude,longitude,population\nn1,X,125,-80,10\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"areas.csv, line 2, latitude: 125.0 is outside the world"
    ):
        call_command("gaps", "--category", "MH", "--areas", str(areas), stdout=StringIO())


def test_the_help_text_renders() -> None:
    from commonweal.insights.management.commands.gaps import Command

    text = Command().create_parser("commonweal", "gaps").format_help()
    assert "Rank areas by spatial access" in text and "--travel-times" in text
