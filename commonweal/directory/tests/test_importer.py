from __future__ import annotations

import datetime as dt
import re
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from commonweal.directory import importer, sources
from commonweal.directory.hsds_json_reader import read_hsds_json
from commonweal.directory.importer import import_tabular
from commonweal.directory.models import (
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)
from commonweal.directory.tabular import ImportFailed
from commonweal.directory.tests.hsds_fixtures import (
    HSDS3,
    HSDS3_CSV,
    LOCATION_ID,
    ORGANIZATION_ID,
    SERVICE_ID,
    add_row,
    copy_package,
    drop_column,
    read_table,
    set_cell,
    write_table,
)
from commonweal.directory.validation import MODELS
from conftest import shared_data_path

pytestmark = pytest.mark.django_db

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def directory_counts() -> dict[str, int]:
    return {table: model.objects.count() for table, model in MODELS.items()}


def import_path(path: Path, **options):
    return import_tabular(sources.read(path), source=str(path), **options)


def test_it_imports_the_hsds_3_example_package() -> None:
    summary = import_path(HSDS3_CSV)

    assert summary.total.created == 21
    assert summary.rejected == []
    service = Service.objects.get()
    assert str(service.id) == SERVICE_ID
    assert str(service.organization_id) == ORGANIZATION_ID
    assert service.minimum_age == Decimal("12")
    assert service.last_modified == dt.datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=dt.UTC)
    assert Location.objects.get().latitude == 10.0
    schedule = Schedule.objects.get()
    assert (schedule.opens_at, schedule.byday, schedule.timezone) == (dt.time(10), "TH,FR", 3.0)
    assert TaxonomyTerm.objects.get().taxonomy_name == "taxonomy"
    assert Phone.objects.get().number == '"+44 1234 234567"'


def test_it_imports_the_json_form_of_the_example() -> None:
    summary = import_tabular(read_hsds_json(HSDS3 / "service_full.json"), source="json")

    assert summary.total.created == 20
    assert Service.objects.get().name == "Community Counselling"


def test_the_csv_and_json_forms_are_the_same_records() -> None:
    import_path(HSDS3_CSV)

    for name in ("service_full.json", "organization_full.json", "service_at_location_full.json"):
        summary = import_tabular(read_hsds_json(HSDS3 / name), source=name)
        assert summary.total.created == summary.total.updated == 0, name


def test_reimporting_the_same_data_changes_nothing() -> None:
    import_path(HSDS3_CSV)
    before = directory_counts()
    modified = Service.objects.get().last_modified

    summary = import_path(HSDS3_CSV)

    assert (summary.total.created, summary.total.updated, summary.total.unchanged) == (0, 0, 21)
    assert summary.metadata_written == 0
    assert directory_counts() == before
    assert Service.objects.get().last_modified == modified


def test_a_changed_field_updates_in_place_and_is_logged_in_metadata(tmp_path: Path) -> None:
    import_path(HSDS3_CSV)
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "name", "Community Counselling Service")
    set_cell(package, "locations.csv", "latitude", "10.5")

    summary = import_path(package, updated_by="nightly sync")

    assert summary.counts("service").updated == 1
    assert summary.counts("location").updated == 1
    assert summary.total.unchanged == 19
    assert Service.objects.get().name == "Community Counselling Service"
    change = Metadata.objects.get(resource_type="service", updated_by="nightly sync")
    assert (
        change.resource_id,
        change.field_name,
        change.previous_value,
        change.replacement_value,
    ) == (
        uuid.UUID(SERVICE_ID),
        "name",
        "Community Counselling",
        "Community Counselling Service",
    )
    assert (change.last_action_type, change.updated_by) == ("update", "nightly sync")
    assert change.last_action_date == timezone.localdate()
    moved = Metadata.objects.get(resource_type="location", updated_by="nightly sync")
    assert (moved.resource_id, moved.previous_value, moved.replacement_value) == (
        uuid.UUID(LOCATION_ID),
        "10.0",
        "10.5",
    )


def test_a_cleared_field_is_an_update_too(tmp_path: Path) -> None:
    import_path(HSDS3_CSV)
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "alternate_name", "")
    set_cell(package, "services.csv", "minimum_age", "")
    set_cell(package, "services.csv", "program_id", "")

    import_path(package)

    service = Service.objects.get()
    assert (service.alternate_name, service.minimum_age, service.program_id) == ("", None, None)
    logged = Metadata.objects.filter(updated_by="import").values_list(
        "field_name", "replacement_value"
    )
    assert set(logged) == {("alternate_name", ""), ("minimum_age", ""), ("program_id", "")}


def test_an_update_without_last_modified_stamps_the_service(tmp_path: Path) -> None:
    import_path(HSDS3_CSV)
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "last_modified", "")
    set_cell(package, "services.csv", "name", "Renamed")
    started = timezone.now()

    import_path(package)

    assert Service.objects.get().last_modified >= started


def test_a_missing_column_leaves_that_field_alone(tmp_path: Path) -> None:
    import_path(HSDS3_CSV)
    package = copy_package(tmp_path)
    drop_column(package, "services.csv", "alert")

    summary = import_path(package)

    assert summary.total.updated == 0
    assert Service.objects.get().alert.startswith("Following COVID-19")


def test_it_links_to_records_already_in_the_directory(tmp_path: Path) -> None:
    import_path(HSDS3_CSV)
    package = tmp_path / "more"
    package.mkdir()
    rows = read_table(HSDS3_CSV / "services.csv")
    new_service = dict.fromkeys(rows[0], "")
    new_service.update(
        id=str(uuid.uuid4()), organization_id=ORGANIZATION_ID, name="Food pantry", status="active"
    )
    write_table(package / "services.csv", [rows[0], [new_service[c] for c in rows[0]]])

    summary = import_path(package, dry_run=False)

    assert summary.counts("service").created == 1
    assert Organization.objects.get().services.count() == 2


# --- bad input: a specific error and nothing written --------------------------------------


def corrupt_missing_column(package: Path) -> Path:
    drop_column(package, "services.csv", "status")
    return package


def corrupt_bad_uuid(package: Path) -> Path:
    set_cell(package, "services.csv", "id", "136")
    return package


def corrupt_dangling_foreign_key(package: Path) -> Path:
    set_cell(
        package, "service_at_location.csv", "location_id", "6f1c5b0e-8d57-4e43-9a8e-0c1d2b3a4f5e"
    )
    return package


def corrupt_latitude(package: Path) -> Path:
    set_cell(package, "locations.csv", "latitude", "100")
    return package


def corrupt_longitude(package: Path) -> Path:
    set_cell(package, "locations.csv", "longitude", "-181")
    return package


def corrupt_time(package: Path) -> Path:
    set_cell(package, "schedules.csv", "opens_at", "25:00")
    return package


def corrupt_duplicate_id(package: Path) -> Path:
    phone = read_table(package / "phones.csv")
    add_row(package, "phones.csv", **dict(zip(phone[0], phone[1], strict=True)))
    return package


def corrupt_encoding(package: Path) -> Path:
    path = package / "organizations.csv"
    path.write_bytes(path.read_bytes().replace(b"Example Org is", b"Example Org\xe9 is"))
    return package


def corrupt_zip(package: Path) -> Path:
    archive = package.parent / "example.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(package.iterdir()):
            out.write(path, path.name)
    archive.write_bytes(archive.read_bytes()[:-100])
    return archive


def corrupt_empty_file(package: Path) -> Path:
    (package / "phones.csv").write_bytes(b"")
    return package


BAD_INPUTS = [
    (corrupt_missing_column, "services.csv, line 1, column status: required column is missing"),
    (corrupt_bad_uuid, "services.csv, line 2, column id: '136' is not a UUID"),
    (
        corrupt_dangling_foreign_key,
        "service_at_location.csv, line 2, column location_id: no location has id",
    ),
    (corrupt_latitude, "locations.csv, line 2, column latitude: latitude 100 is outside -90..90"),
    (
        corrupt_longitude,
        "locations.csv, line 2, column longitude: longitude -181 is outside -180..180",
    ),
    (corrupt_time, "schedules.csv, line 2, column opens_at: '25:00' is not a time"),
    (corrupt_duplicate_id, "phones.csv, line 3, column id: duplicate id 1554f2e2"),
    (corrupt_encoding, "organizations.csv, line 2, column description: not valid UTF-8 (byte 0xe9"),
    (corrupt_zip, "example.zip: not a readable zip archive (truncated or corrupt"),
    (corrupt_empty_file, "phones.csv: file is empty"),
]


@pytest.mark.parametrize(
    ("corrupt", "expected"), BAD_INPUTS, ids=[c.__name__ for c, _ in BAD_INPUTS]
)
def test_bad_input_gives_its_specific_error_and_writes_nothing(
    tmp_path: Path, corrupt, expected: str
) -> None:
    import_path(HSDS3_CSV)
    before = directory_counts()
    package = copy_package(tmp_path)
    set_cell(package, "services.csv", "name", "This change must not be written")

    with pytest.raises(ImportFailed) as failed:
        import_path(corrupt(package))

    assert any(str(issue).startswith(expected) for issue in failed.value.issues), (
        failed.value.issues
    )
    assert directory_counts() == before
    assert Service.objects.get().name == "Community Counselling"


def test_bad_input_into_an_empty_directory_writes_nothing(tmp_path: Path) -> None:
    package = corrupt_latitude(copy_package(tmp_path))

    with pytest.raises(ImportFailed):
        import_path(package)

    assert set(directory_counts().values()) == {0}


def test_a_database_error_mid_import_rolls_everything_back(monkeypatch: pytest.MonkeyPatch) -> None:
    real_insert = importer._insert

    def failing_insert(model, rows):
        if model is Phone:
            raise RuntimeError("disk full")
        real_insert(model, rows)

    monkeypatch.setattr(importer, "_insert", failing_insert)

    with pytest.raises(RuntimeError):
        import_path(HSDS3_CSV)

    assert set(directory_counts().values()) == {0}


def test_skip_invalid_imports_the_good_rows_and_returns_the_rejects(tmp_path: Path) -> None:
    package = corrupt_latitude(copy_package(tmp_path))

    summary = import_path(package, skip_invalid=True)

    # The location, and what hangs off it (service_at_location, address, accessibility,
    # and in turn phone, contact, schedule, language) are rejected; the rest imports.
    assert Location.objects.count() == 0
    assert Service.objects.count() == 1
    assert summary.counts("location").rejected == 1
    rejected_tables = {t for t, c in summary.tables.items() if c.rejected}
    assert rejected_tables == {
        "location", "service_at_location", "contact", "phone", "address", "schedule", "language", "accessibility",
    }  # fmt: skip
    assert summary.total.created + summary.total.rejected == 21
    assert str(summary.rejected[0]).startswith(
        "accessibility.csv, line 2, column location_id: points at location"
    )


def test_a_dry_run_counts_but_writes_nothing() -> None:
    summary = import_path(HSDS3_CSV, dry_run=True)

    assert summary.total.created == 21
    assert set(directory_counts().values()) == {0}


def test_the_summary_serialises_for_the_audit_log() -> None:
    detail = import_path(HSDS3_CSV).as_dict()

    assert detail["total"] == {"created": 21, "updated": 0, "unchanged": 0, "rejected": 0}
    assert detail["tables"]["service"]["created"] == 1


def test_existing_ids_finds_stored_rows_only() -> None:
    import_path(HSDS3_CSV)
    other = uuid.uuid4()

    assert importer.existing_ids("service", [uuid.UUID(SERVICE_ID), other]) == {
        uuid.UUID(SERVICE_ID)
    }
    assert importer.existing_ids("program", [other]) == set()


def test_it_imports_a_zip_of_the_example(tmp_path: Path) -> None:
    archive = tmp_path / "example.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in HSDS3_CSV.iterdir():
            out.write(path, path.name)

    assert import_path(archive).total.created == 21


def test_the_published_example_is_rejected_for_its_own_defects() -> None:
    # See fixtures/hsds3/README.md: the official example points at records it does not contain.
    with pytest.raises(ImportFailed) as failed:
        import_path(HSDS3 / "official" / "csv")

    first_causes = {str(i) for i in failed.value.issues if "which was rejected" not in i.message}
    assert first_causes == {
        "locations.csv, line 2, column latitude: latitude 100 is outside -90..90",
        "organizations.csv, line 2, column parent_organization_id: no organization has id cd09a387-91f4-4555-94ec-e799c35344cd, in this import or in the directory",
        "contacts.csv, line 2, column organization_id: no organization has id ae67a707-5893-4225-b0b1-320ab9cb596b, in this import or in the directory",
        "contacts.csv, line 2, column service_at_location_id: no service_at_location has id 93eaf18d-1cd2-4ec7-bffb-3c9172ee5070, in this import or in the directory",
        "taxonomy_terms.csv, line 2, column parent_id: no taxonomy_term has id 0bc248fa-dc27-4650-9ba4-8f1a24ef16a2, in this import or in the directory",
        "taxonomy_terms.csv, line 2, column taxonomy_id: no taxonomy has id 07ff6aee-a219-438c-b694-d2fcb6c5373b, in this import or in the directory",
        "attributes.csv, line 2, column link_entity: 'link_entity' is not an HSDS table that attributes can link to",
    }
    assert set(directory_counts().values()) == {0}


@pytest.mark.shared_data
def test_the_fixture_is_a_faithful_copy_of_the_published_example() -> None:
    published = shared_data_path("hsds-3.0-examples")
    official = HSDS3 / "official"
    for copy in sorted(official.rglob("*.*")):
        assert copy.read_bytes() == (published / copy.relative_to(official)).read_bytes(), copy.name


def test_a_bad_json_value_is_reported_by_record_number_and_json_path(tmp_path: Path) -> None:
    text = (HSDS3 / "service_full.json").read_text(encoding="utf-8")
    # A second, unrelated service: every id replaced, and an opening time that is not a time.
    other = re.sub(UUID_PATTERN, lambda m: str(uuid.uuid5(uuid.NAMESPACE_URL, m[0])), text)
    path = tmp_path / "services.json"
    path.write_text(f"[{text}, {other.replace('10:00:00', '10 am')}]", encoding="utf-8")

    with pytest.raises(ImportFailed) as failed:
        import_tabular(read_hsds_json(path), source="json")

    bad_time = [i for i in failed.value.issues if "'10 am' is not a time" in i.message]
    assert [(i.file, i.line, i.column) for i in bad_time] == [
        ("services.json", 2, "$.organization.locations[0].schedules[0].opens_at")
    ]
    assert set(directory_counts().values()) == {0}


def test_a_bad_value_in_a_json_record_names_its_path(tmp_path: Path) -> None:
    text = (HSDS3 / "service_full.json").read_text(encoding="utf-8")
    path = tmp_path / "service.json"
    path.write_text(text.replace('"latitude": 10,', '"latitude": 100,'), encoding="utf-8")

    with pytest.raises(ImportFailed) as failed:
        import_tabular(read_hsds_json(path), source="json")

    latitude = next(i for i in failed.value.issues if i.message.startswith("latitude"))
    # The organization (and its locations) is read first, so the location is placed there.
    assert (latitude.file, latitude.line, latitude.column) == (
        "service.json",
        1,
        "$.organization.locations[0].latitude",
    )
