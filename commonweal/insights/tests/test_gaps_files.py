"""Reading area files, Census tract centres and travel-time matrices; bad files named."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from commonweal.insights import areas as files
from commonweal.insights import gaps
from commonweal.insights.gaps import GapInputError
from conftest import shared_data_path

HEADER = "id,name,latitude,longitude,population,need_weight\n"


def _write(tmp_path: Path, text: str, name: str = "areas.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reads_an_area_file_with_optional_need_weights(tmp_path: Path) -> None:
    path = _write(
        tmp_path, HEADER + "a,Allapattah,25.81,-80.22,1200,1.5\nb,Brickell,25.76,-80.19,800,\n"
    )
    areas = files.read_area_csv(path)
    assert list(areas.ids) == ["a", "b"]
    assert list(areas.names) == ["Allapattah", "Brickell"]
    assert list(areas.demand) == [1800.0, 800.0]
    no_column = _write(tmp_path, "id,name,latitude,longitude,population\nc,,0,0,5\n", "plain.csv")
    assert list(files.read_area_csv(no_column).need_weight) == [1.0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("a,A,25.8,-80.2,,1\n", r"areas.csv, line 2, population: missing"),
        ("a,A,25.8,-80.2,many,1\n", r"line 2, population: 'many' is not a number"),
        (
            "a,A,25.8,-80.2,10,1\na,B,25.7,-80.1,10,1\n",
            r"line 3, id: duplicate 'a' \(first on line 2\)",
        ),
        ("a,A,95,-80.2,10,1\n", r"line 2, latitude: 95.0 is outside the world"),
        ("a,A,25.8,-200,10,1\n", r"line 2, longitude: -200.0 is outside the world"),
        ("a,A,25.8,-80.2,-3,1\n", r"line 2, population: -3.0 is negative"),
        ("a,A,25.8,-80.2,3,nan\n", r"line 2, need_weight: 'nan' is not a number"),
        (",A,25.8,-80.2,3,1\n", r"line 2, id: missing"),
        ("", r"no areas in the file"),
    ],
)
def test_a_bad_area_file_names_file_line_and_field(tmp_path: Path, rows: str, message: str) -> None:
    with pytest.raises(GapInputError, match=message):
        files.read_area_csv(_write(tmp_path, HEADER + rows))


def test_a_file_without_the_columns_or_not_a_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GapInputError, match="line 1: missing column.s. population"):
        files.read_area_csv(_write(tmp_path, "id,name,latitude,longitude\n"))
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(GapInputError, match="not a readable CSV|missing column"):
        files.read_area_csv(binary)
    with pytest.raises(GapInputError, match="cannot read"):
        files.read_area_csv(tmp_path / "absent.csv")


def test_the_bundled_tracts_are_miami_dade_broward_and_monroe() -> None:
    tracts = files.read_census_tracts()
    counties = {str(i)[:5] for i in tracts.ids}
    assert counties == {"12086", "12011", "12087"}
    assert len(tracts) == 1153
    # Census 2020: Miami-Dade 2,701,767 people, Broward 1,944,375, Monroe 82,874.
    assert tracts.population.sum() == 2_701_767 + 1_944_375 + 82_874
    only = files.read_census_tracts(counties={"12087"})
    assert {str(i)[:5] for i in only.ids} == {"12087"}


def test_the_bundled_tracts_are_the_census_files_rows() -> None:
    source = shared_data_path("census-tract-pop-centers-2020", "CenPop2020_Mean_TR.txt")
    national = files.read_census_tracts(source, counties={"12086", "12011", "12087"})
    bundled = files.read_census_tracts()
    assert list(national.ids) == list(bundled.ids)
    assert np.array_equal(national.population, bundled.population)
    assert np.array_equal(national.latitude, bundled.latitude)


def test_a_census_file_with_a_bad_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tracts.txt.gz"
    text = "\ufeffSTATEFP,COUNTYFP,TRACTCE,POPULATION,LATITUDE,LONGITUDE\n12,086,000100,,+25.7,-080.2\n"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    with pytest.raises(GapInputError, match=r"tracts.txt.gz, line 2, POPULATION: missing"):
        files.read_census_tracts(path)


def _small() -> tuple[gaps.Areas, gaps.Sites]:
    areas = gaps.Areas.build(ids=["a", "b"], latitude=[0, 0], longitude=[0, 0], population=[10, 30])
    sites = gaps.Sites.build(ids=["s", "t"], latitude=[0, 0], longitude=[0, 0])
    return areas, sites


def test_a_travel_time_matrix_replaces_distances(tmp_path: Path) -> None:
    areas, sites = _small()
    path = _write(tmp_path, "origin,destination,cost\na,s,5\nb,s,25\nb,t,45\n", "times.csv")
    costs = files.read_travel_times(path, areas, sites)
    result = gaps.compute(areas, sites, max_cost=30, costs=costs)
    # Within 30 minutes: s serves a and b (D = 40); t (45 min) is out of reach.
    assert list(result.score) == [1 / 40, 1 / 40]
    assert list(result.sites_in_range) == [1, 1]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("x,s,5\n", r"times.csv, line 2, origin: unknown area id 'x'"),
        ("a,s,5\na,z,5\n", r"line 3, destination: unknown site id 'z'"),
        ("a,s,-5\n", r"line 2, cost: -5.0 is negative"),
        ("a,s,soon\n", r"line 2, cost: 'soon' is not a number"),
        ("a,s,5\na,s,6\n", r"line 3: pair 'a' → 's' repeats line 2"),
    ],
)
def test_a_bad_travel_time_matrix_names_file_line_and_field(
    tmp_path: Path, rows: str, message: str
) -> None:
    areas, sites = _small()
    path = _write(tmp_path, "origin,destination,cost\n" + rows, "times.csv")
    with pytest.raises(GapInputError, match=message):
        files.read_travel_times(path, areas, sites)


def test_a_zip_map_pads_codes_and_refuses_nonsense(tmp_path: Path) -> None:
    good = _write(tmp_path, "area_id,zip\n12086000100,33101\n09001000100,6708\n", "zips.csv")
    assert files.read_zip_map(good) == {"12086000100": "33101", "09001000100": "06708"}
    bad = _write(tmp_path, "area_id,zip\n12086000100,Miami\n", "bad.csv")
    with pytest.raises(GapInputError, match=r"bad.csv, line 2, zip: 'Miami' is not a ZIP code"):
        files.read_zip_map(bad)
