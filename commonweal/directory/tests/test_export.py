from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonweal.directory import export
from commonweal.directory.export import ExportError, export_directory
from commonweal.directory.models import Organization, Service
from commonweal.directory.schema_validation import (
    datapackage_descriptor,
    resource_specs,
    validate_export,
)
from commonweal.directory.tests.directory_builder import build_full_service, build_taxonomy


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def small_directory(db) -> list[Service]:
    _, _, term = build_taxonomy()
    return [
        build_full_service(name=f"Pantry {i}", term=term, postal_code=f"3310{i}") for i in range(3)
    ]


@pytest.mark.django_db
def test_it_writes_one_csv_per_hsds_table_with_exactly_its_columns(
    small_directory, tmp_path
) -> None:
    summary = export_directory(tmp_path / "out")

    out = tmp_path / "out"
    expected = {spec.path for spec in resource_specs().values()} | {
        "datapackage.json",
        "services.json",
    }
    assert {p.name for p in out.iterdir()} == expected
    for table, spec in resource_specs().items():
        with (out / spec.path).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == spec.field_names, table
    assert summary.rows["service"] == 3
    assert len(_rows(out / "services.csv")) == 3
    assert summary.rows["phone"] == len(_rows(out / "phones.csv")) == 15
    assert summary.rows["meta_table_description"] == 1


@pytest.mark.django_db
def test_it_passes_validation_against_the_official_schemas(small_directory, tmp_path) -> None:
    summary = export_directory(tmp_path / "out", validate=True)

    assert summary.validated
    assert summary.problems == []
    assert validate_export(tmp_path / "out") == []


@pytest.mark.django_db
def test_it_writes_every_service_as_a_full_record_in_services_json(
    small_directory, tmp_path
) -> None:
    export_directory(tmp_path / "out")

    records = json.loads((tmp_path / "out" / "services.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in records) == sorted(str(s.id) for s in small_directory)
    assert all(r["service_at_locations"][0]["location"]["addresses"] for r in records)


@pytest.mark.django_db
def test_it_derives_datapackage_json_from_the_official_descriptor(
    small_directory, tmp_path, settings
) -> None:
    settings.SITE_NAME = "Miami Health Partners"
    export_directory(tmp_path / "out")

    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    official = datapackage_descriptor()
    assert [(r["name"], r["path"]) for r in package["resources"]] == [
        (r["name"], r["path"]) for r in official["resources"]
    ]
    assert [r["schema"] for r in package["resources"]] == [
        r["schema"] for r in official["resources"]
    ]
    assert package["name"] == "miami-health-partners-directory"
    assert package["title"] == "Miami Health Partners directory"
    assert package["licenses"][0]["name"] == "CC-BY-SA-4.0"
    assert package["version"] == "3.0.0"


@pytest.mark.django_db
def test_it_writes_times_as_hours_and_minutes_and_dates_as_iso(small_directory, tmp_path) -> None:
    export_directory(tmp_path / "out")

    schedules = _rows(tmp_path / "out" / "schedules.csv")
    weekend = next(s for s in schedules if s["byday"] == "SA,SU")
    assert (weekend["opens_at"], weekend["closes_at"], weekend["valid_from"]) == (
        "09:00",
        "13:30",
        "2024-01-01",
    )
    service = _rows(tmp_path / "out" / "services.csv")[0]
    assert service["last_modified"] == "2024-05-01T12:30:15.250Z"
    assert (service["minimum_age"], service["maximum_age"]) == ("18", "99.5")
    terms = {t["code"]: t for t in _rows(tmp_path / "out" / "taxonomy_terms.csv")}
    assert terms["1103"]["taxonomy"] == "Open Eligibility"
    assert terms["1103"]["parent_id"] == terms["1102"]["id"]


@pytest.mark.django_db
def test_it_replaces_an_earlier_export(small_directory, tmp_path) -> None:
    export_directory(tmp_path / "out")
    Service.objects.filter(pk=small_directory[0].pk).delete()

    export_directory(tmp_path / "out")

    assert len(_rows(tmp_path / "out" / "services.csv")) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.django_db
def test_it_refuses_a_folder_holding_other_files_and_leaves_it_alone(
    small_directory, tmp_path
) -> None:
    target = tmp_path / "documents"
    target.mkdir()
    (target / "thesis.txt").write_text("precious")

    with pytest.raises(ExportError, match="holds other files"):
        export_directory(target)

    assert [p.name for p in target.iterdir()] == ["thesis.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["documents"]


@pytest.mark.django_db
def test_it_never_leaves_a_half_written_export(small_directory, tmp_path, monkeypatch) -> None:
    export_directory(tmp_path / "out")
    before = (tmp_path / "out" / "services.csv").read_bytes()
    Organization.objects.create(name="New since", description="")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export, "_write_services_json", fail)
    with pytest.raises(OSError, match="disk full"):
        export_directory(tmp_path / "out")

    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (tmp_path / "out" / "services.csv").read_bytes() == before


@pytest.mark.django_db
def test_the_command_exports_and_validates(small_directory, tmp_path) -> None:
    out = StringIO()

    call_command("export_hsds", str(tmp_path / "out"), "--validate", stdout=out)

    text = out.getvalue()
    assert "services.json" in text and "Validated" in text
    assert (tmp_path / "out" / "datapackage.json").exists()


@pytest.mark.django_db
def test_the_command_reports_each_problem_with_file_line_and_column(
    small_directory, tmp_path
) -> None:
    Service.objects.filter(pk=small_directory[0].pk).update(url="www.example.org")
    out = StringIO()

    with pytest.raises(CommandError, match="do(es)? not conform") as raised:
        call_command("export_hsds", str(tmp_path / "out"), "--validate", stdout=out)

    assert raised.value.returncode == 1
    text = out.getvalue()
    assert "services.csv, line " in text and "column url" in text and "www.example.org" in text
    assert "services.json[" in text


@pytest.mark.django_db
def test_the_command_explains_a_destination_it_will_not_overwrite(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(CommandError, match="holds other files"):
        call_command("export_hsds", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_it_still_validates_after_a_partner_sets_a_field_that_was_empty(
    small_directory, tmp_path, partner_staff
) -> None:
    from commonweal.accounts.models import Membership
    from commonweal.directory import editing

    service = small_directory[0]
    Membership.objects.create(
        user=partner_staff, organization=service.organization, role="partner_staff"
    )
    service.alert = ""
    service.save()
    editing.update_service(service, by=partner_staff, changes={"alert": "Closed Friday."})

    summary = export_directory(tmp_path / "out", validate=True)
    metadata = _rows(tmp_path / "out" / "metadata.csv")
    assert any(row["field_name"] == "alert" and row["previous_value"] == "" for row in metadata)
    assert summary.problems == []
