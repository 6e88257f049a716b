from __future__ import annotations

import gzip

import pytest

from commonweal.directory.sources import geocode
from conftest import shared_data_path


def test_it_places_a_miami_zip_at_its_zcta_point() -> None:
    lat, lon = geocode.zip_centroid("33157")

    assert lat == pytest.approx(25.606126)
    assert lon == pytest.approx(-80.343496)


@pytest.mark.parametrize("written", ["33157", " 33157\t", "33157-1234", "33157 1234", "331571234"])
def test_it_reads_zip_plus_four_and_whitespace(written: str) -> None:
    assert geocode.zip_centroid(written) == geocode.zip_centroid("33157")


def test_it_restores_leading_zeros_lost_by_a_spreadsheet() -> None:
    assert geocode.normalize_zip("6708") == "06708"
    assert geocode.normalize_zip("601") == "00601"
    assert geocode.zip_centroid("6708") == geocode.zip_centroid("06708") is not None


@pytest.mark.parametrize(
    "written", ["", "   ", "K1A 0B1", "ABCDE", "12", "123456", "33157-12", "3315a"]
)
def test_it_gives_none_for_what_is_not_a_zip(written: str) -> None:
    assert geocode.zip_centroid(written) is None


def test_it_gives_none_for_a_zip_without_a_zcta() -> None:
    # 00000 is never a ZIP; PO-box-only ZIPs like Miami's 33102 have no ZCTA either.
    assert geocode.zip_centroid("00000") is None
    assert geocode.zip_centroid("33102") is None


def test_it_bundles_the_whole_country_in_under_600_kb() -> None:
    assert geocode.ZCTA_FILE.stat().st_size < 600_000
    with gzip.open(geocode.ZCTA_FILE, "rt", encoding="utf-8") as handle:
        assert sum(1 for _ in handle) - 1 == 33_120
    assert geocode.zip_centroid("99501") is not None  # Anchorage
    assert geocode.zip_centroid("00601") is not None  # Adjuntas, Puerto Rico


def test_it_rebuilds_the_bundled_file_identically(tmp_path) -> None:
    gazetteer = shared_data_path("census-zcta-gazetteer", "Gaz_zcta_national.txt")
    dest = tmp_path / "zcta.csv.gz"

    count = geocode.build_zcta_file(gazetteer, dest)

    assert count == 33_120
    assert dest.read_bytes() == geocode.ZCTA_FILE.read_bytes()
