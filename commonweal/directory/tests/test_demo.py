from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from commonweal.directory import demo
from commonweal.directory.sources import open_eligibility as oe
from commonweal.directory.sources.ids import hsds_row
from commonweal.directory.tabular import SourceRef
from conftest import shared_data_path

PACKAGE_DIR = Path(demo.__file__).resolve().parent


@pytest.mark.django_db
def test_it_loads_the_demo_with_no_rejects_and_a_second_load_changes_nothing() -> None:
    from commonweal.accounts.models import AuditEvent
    from commonweal.directory.models import Attribute, Metadata, Service

    assert not demo.demo_is_loaded()
    out = io.StringIO()

    call_command("load_demo", stdout=out, stderr=io.StringIO())

    assert "Import summary" in out.getvalue()
    event = AuditEvent.objects.get(action="import", object_id="demo")
    assert demo.demo_is_loaded()
    services = Service.objects.count()
    categorized = (
        Attribute.objects.filter(link_entity="service", link_type=oe.CATEGORY_LINK_TYPE)
        .values("link_id")
        .distinct()
        .count()
    )
    facilities = Service.objects.filter(description__contains="OEPS")
    assert services > 4_000
    assert categorized / services > 0.8  # measured: 3,782 of 4,438 (85%)
    assert facilities.count() == 224 + 56 + 5 + 64  # HRSA, mental health, opioid, substance use
    assert all(s.attributes().filter(link_type=oe.CATEGORY_LINK_TYPE).exists() for s in facilities)

    again = demo.load_demo()

    assert again.rejected == []
    assert again.total.created == again.total.updated == 0
    assert again.total.unchanged == event.detail["total"]["created"] > 80_000
    assert Service.objects.count() == services
    assert Metadata.objects.count() == 0
    partner, other = demo.partner_organizations()
    assert partner.services.count() >= other.services.count() > 0


@pytest.mark.django_db
def test_it_says_the_demo_is_not_loaded_in_an_empty_directory() -> None:
    assert not demo.demo_is_loaded()
    with pytest.raises(LookupError):
        demo.partner_organizations()


def test_it_reads_only_bundled_files() -> None:
    data = demo.read_demo()
    files = {Path(row.ref.file) for rows in data.values() for row in rows}

    assert all(
        PACKAGE_DIR in f.resolve().parents or str(f).startswith(str(PACKAGE_DIR)) for f in files
    )
    assert len(data["service"]) == 4_089 + 349
    ids = [(table, r.values["id"]) for table, rows in data.items() for r in rows]
    assert len(ids) == len(set(ids))


def test_it_keeps_repeated_identical_rows_once_and_clashing_rows_twice() -> None:
    ref = SourceRef("a.csv", 2)
    same = hsds_row("taxonomy", {"id": oe.TAXONOMY_ID, "name": "x", "description": "y"}, ref)
    clash = hsds_row(
        "taxonomy",
        {"id": oe.TAXONOMY_ID, "name": "other", "description": "y"},
        SourceRef("b.csv", 5),
    )

    merged = demo.merge({"taxonomy": [same]}, {"taxonomy": [same]}, {"taxonomy": [clash]})

    assert merged["taxonomy"] == [same, clash]


def test_it_ships_a_bundle_rebuilt_byte_for_byte_from_shared_data(tmp_path: Path) -> None:
    shared = shared_data_path("hsds-miami-211").parent

    counts = demo.build_bundle(shared, tmp_path)

    assert counts == {
        "miami-211.zip": 14,
        "hrsa_fqhc_sites.csv.gz": 225,
        "mental_health_facilities.csv.gz": 56,
        "opioid_treatment_programs.csv.gz": 5,
        "substance_use_treatment_facilities.csv.gz": 64,
    }
    for built in sorted(tmp_path.rglob("*.*")):
        shipped = demo.DEMO_DIR / built.relative_to(tmp_path)
        assert shipped.read_bytes() == built.read_bytes(), shipped


def test_it_bundles_the_miami_package_unchanged() -> None:
    folder = shared_data_path("hsds-miami-211")

    with zipfile.ZipFile(demo.MIAMI_ZIP) as archive:
        names = sorted(archive.namelist())
        assert names == ["data/" + p.name for p in sorted((folder / "data").glob("*.csv"))] + [
            "datapackage.json"
        ]
        for name in names:
            assert archive.read(name) == (folder / name).read_bytes()


def test_it_bundles_facility_files_in_their_original_layout() -> None:
    original = shared_data_path("samhsa-treatment-facilities", "mental_health_facilities.csv")

    bundled = gzip.decompress(
        (demo.FACILITIES_DIR / "mental_health_facilities.csv.gz").read_bytes()
    ).decode()

    header = bundled.splitlines()[0]
    assert header == original.read_text(encoding="utf-8").splitlines()[0].replace('"', "")
    assert all(",FL," in line and "Miami-Dade" in line for line in bundled.splitlines()[1:])
