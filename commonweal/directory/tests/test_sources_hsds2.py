"""The HSDS 1.x / 2.0 reader, on a copy of Open Referral's sample datapackage."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from commonweal.directory.sources import hsds2, ids
from commonweal.directory.tabular import ImportFailed, TabularData

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = FIXTURES / "hsds-sample"
DATAPACKAGE = Path(ids.__file__).resolve().parent.parent / "hsds_schema" / "datapackage.json"


REFERENCES = {
    "organization_id": "organization",
    "parent_organization_id": "organization",
    "program_id": "program",
    "service_id": "service",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
    "taxonomy_term_id": "taxonomy_term",
    "parent_id": "taxonomy_term",
    "taxonomy_id": "taxonomy",
}


def assert_consistent(data: TabularData) -> None:
    """Every id a unique UUID, every reference resolvable within the data, every HSDS 3.0
    required field filled: what the importer insists on."""
    present = {table: {r.values["id"] for r in rows} for table, rows in data.items()}
    for table, rows in data.items():
        counts = Counter(r.values["id"] for r in rows)
        assert [i for i, n in counts.items() if n > 1] == [], f"duplicate ids in {table}"
        for row in rows:
            assert ids.is_uuid(row.values["id"]), (table, row.values["id"])
            targets = {name: REFERENCES[name] for name in row.values if name in REFERENCES}
            if table == "attribute":
                targets["link_id"] = row.values["link_entity"]
            for name, target in targets.items():
                value = row.values[name]
                assert not value or value in present.get(target, set()), (
                    f"{table}.{name} {value} dangles ({row.ref})"
                )
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        required = [
            f["name"]
            for f in resource["schema"]["fields"]
            if f.get("constraints", {}).get("required")
        ]
        for row in data.get(resource["name"], []):
            # A "create" change has no previous value.
            empty = [f for f in required if not row.values[f] and f != "previous_value"]
            assert empty == [], f"{resource['name']} {row.ref}: {empty} empty"


def by_id(data: TabularData, table: str, source_id: str, source: str = "x") -> dict[str, str]:
    wanted = ids.stable_uuid(source, table, source_id)
    return next(r.values for r in data[table] if r.values["id"] == wanted)


def test_it_reads_every_table_of_the_sample_package() -> None:
    data = hsds2.read(SAMPLE)

    counts = {table: len(rows) for table, rows in data.items()}
    assert counts["organization"] == 10
    assert counts["service"] == 13
    assert counts["location"] == 10
    assert counts["service_at_location"] == 13
    assert counts["phone"] == 5
    assert counts["address"] == 2  # one physical, one postal
    assert counts["schedule"] == 2  # three weekday rows grouped into one, plus a holiday
    assert counts["funding"] == counts["service_area"] == counts["required_document"] == 1
    assert counts["accessibility"] == counts["contact"] == counts["metadata"] == 1
    assert_consistent(data)


def test_it_maps_a_known_service() -> None:
    data = hsds2.read(SAMPLE)

    service = by_id(data, "service", "c89eb05c-62dd-4b64-b494-0cc347b6ea7f")
    assert service["name"] == "Never Homeless Helpline"
    assert service["status"] == "active"
    assert service["interpretation_services"] == "over the phone"
    assert service["application_process"] == "Call for further information"
    assert service["eligibility_description"] == "adult"  # from eligibility.csv
    assert service["minimum_age"] == service["maximum_age"] == ""  # "adult" states no age
    payments = sorted(
        a.values["value"]
        for a in data["attribute"]
        if a.values["link_type"] == ids.PAYMENT_ACCEPTED
    )
    assert payments == ["cash", "credit card"]
    assert ids.internal_term_id(ids.PAYMENT_ACCEPTED) in {
        r.values["id"] for r in data["taxonomy_term"]
    }


def test_it_groups_weekdays_with_the_same_hours_into_one_weekly_schedule() -> None:
    data = hsds2.read(SAMPLE)

    weekly = [s.values for s in data["schedule"] if s.values["freq"] == "WEEKLY"]
    assert len(weekly) == 1
    assert weekly[0]["byday"] == "MO,TU,WE"  # weekday 1, 2, 3 (ISO 8601: 1 = Monday)
    assert (weekly[0]["opens_at"], weekly[0]["closes_at"]) == ("09:00", "17:00")
    # The group keeps the first source row's UUID.
    assert weekly[0]["id"] == "fa9dbdb0-1b0c-11e9-b56e-0800200c9a66"


def test_it_turns_a_closed_holiday_into_a_dated_schedule_without_hours() -> None:
    data = hsds2.read(SAMPLE)

    holiday = next(s.values for s in data["schedule"] if s.values["valid_from"])
    assert (holiday["valid_from"], holiday["valid_to"]) == ("2019-12-24", "2019-12-26")
    assert holiday["description"] == "Closed"
    assert holiday["opens_at"] == holiday["closes_at"] == holiday["freq"] == ""


def test_it_points_at_the_right_line_after_a_multi_line_field() -> None:
    data = hsds2.read(SAMPLE)
    raw_lines = (SAMPLE / "organizations.csv").read_text(encoding="utf-8").split("\n")
    # The record after "Example City Silvers" (whose description spans four lines).
    expected = 1 + next(i for i, line in enumerate(raw_lines) if line.startswith("189969f6-"))

    row = next(
        r for r in data["organization"] if r.values["id"] == "189969f6-649c-11e6-8b77-86f30ca893d3"
    )
    assert row.ref.file == str(SAMPLE / "organizations.csv")
    assert row.ref.line == expected == 11
    silvers = next(r for r in data["organization"] if r.values["name"] == "Example City Silvers")
    assert silvers.ref.line == 6
    assert "<li>Cleaning</li>" in silvers.values["description"]


def test_it_gives_the_same_ids_on_every_read() -> None:
    first, second = hsds2.read(SAMPLE), hsds2.read(SAMPLE)

    assert {t: [r.values["id"] for r in rows] for t, rows in first.items()} == {
        t: [r.values["id"] for r in rows] for t, rows in second.items()
    }


def test_it_keeps_uuid_ids_and_derives_one_for_an_id_that_is_not() -> None:
    data = hsds2.read(SAMPLE)

    assert (
        by_id(data, "organization", "1899600A-649C-11E6-8B77-86F30CA893D3")["name"]
        == "Sanctuary Example City"
    )
    # programs.csv has a truncated UUID, "7c92d010-1b0a-11e9-b56e-0800200c9a".
    program = data["program"][0].values
    assert program["id"] == ids.stable_uuid(
        "hsds-sample", "program", "7c92d010-1b0a-11e9-b56e-0800200c9a"
    )
    assert program["organization_id"] == "1899600a-649c-11e6-8b77-86f30ca893d3"
    assert program["description"] == "Sample program 1"  # 3.0 requires one; 2.x has none


def test_it_turns_phone_language_codes_into_language_rows() -> None:
    data = hsds2.read(SAMPLE)

    phone_languages = sorted(
        (r.values["code"], r.values["name"])
        for r in data["language"]
        if r.values["phone_id"] == "3733e828-58e5-4ff5-9dc6-ae24f92a0f56"
    )
    assert phone_languages == [("en", "English"), ("es", "Spanish")]


def test_it_creates_a_parent_term_that_only_taxonomy_csv_names() -> None:
    data = hsds2.read(SAMPLE)

    terms = {r.values["id"]: r.values for r in data["taxonomy_term"]}
    child = terms["df7be950-1b0f-11e9-b56e-0800200c9a66"]
    parent = terms[child["parent_id"]]
    assert parent["name"] == "Parent taxonomy of A"
    assert parent["taxonomy_id"] == child["taxonomy_id"]


def test_it_reads_a_zip_the_same_as_a_folder(tmp_path: Path) -> None:
    archive = tmp_path / "sample.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in SAMPLE.iterdir():
            zf.write(file, f"package/{file.name}")

    from_zip = hsds2.read(archive, source="hsds-sample")
    from_folder = hsds2.read(SAMPLE)
    assert {t: [r.values for r in rows] for t, rows in from_zip.items()} == {
        t: [r.values for r in rows] for t, rows in from_folder.items()
    }
    assert from_zip["service"][0].ref.file == str(archive / "package" / "services.csv")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "hsds-sample"
    shutil.copytree(SAMPLE, target)
    return target


def test_it_converts_12_hour_times_and_keeps_closed_days_and_overnight_hours(
    tmp_path: Path,
) -> None:
    package = _copy(tmp_path)
    service, location = (
        "c89eb05c-62dd-4b64-b494-0cc347b6ea7f",
        "30b83c60-64a1-11e6-8b77-86f30ca893d3",
    )
    rows = [
        ("1", "Monday", "12:00am", "12:00pm"),
        ("2", "Tuesday", "12:00am", "12:00pm"),
        ("3", "Wednesday", "Closed", "Closed"),
        ("4", "Friday", "10:00pm", "6:00am"),
        ("5", "Saturday", "9:30 AM", "1:15 p.m."),
        ("6", "Sunday", "8:00", "4:00pm"),
    ]
    (package / "regular_schedules.csv").write_text(
        "id,service_id,location_id,service_at_location_id,weekday,opens_at,closes_at\n"
        + "".join(f"{i},{service},{location},,{day},{o},{c}\n" for i, day, o, c in rows),
        encoding="utf-8",
    )

    schedules = {
        s.values["byday"]: (s.values["opens_at"], s.values["closes_at"])
        for s in hsds2.read(package)["schedule"]
        if s.values["freq"]
    }
    assert schedules == {
        "MO,TU": ("00:00", "12:00"),  # 12:00am is midnight, 12:00pm is noon
        "FR": ("22:00", "06:00"),  # overnight: closes the next morning
        "SA": ("09:30", "13:15"),
        "SU": ("08:00", "16:00"),  # the opening takes the half of day that precedes 4pm
    }  # Wednesday, "Closed", has no row


def test_it_names_file_and_column_of_a_missing_required_column(tmp_path: Path) -> None:
    package = _copy(tmp_path)
    (package / "services_at_location.csv").write_text(
        "id,service_id,description\n1,2,x\n", encoding="utf-8"
    )

    with pytest.raises(ImportFailed) as failed:
        hsds2.read(package)
    [issue] = failed.value.issues
    assert (issue.file, issue.line, issue.column) == (
        str(package / "services_at_location.csv"),
        1,
        "location_id",
    )


def test_it_rejects_an_unknown_file_and_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    package = _copy(tmp_path)
    (package / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (package / "funding.csv").write_bytes(
        b"id,organization_id,service_id,source\n1,,,ok\n2,,,caf\xe9\n"
    )

    with pytest.raises(ImportFailed) as failed:
        hsds2.read(package)
    found = {(i.file.rsplit("/", 1)[-1], i.line) for i in failed.value.issues}
    assert found == {("notes.csv", None), ("funding.csv", 3)}
    assert "UTF-8" in str(failed.value)


def test_it_rejects_an_empty_file_and_a_truncated_zip(tmp_path: Path) -> None:
    package = _copy(tmp_path)
    (package / "funding.csv").write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty file"):
        hsds2.read(package)

    archive = tmp_path / "cut.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in SAMPLE.iterdir():
            zf.write(file, file.name)
    archive.write_bytes(archive.read_bytes()[:5000])
    with pytest.raises(ImportFailed) as failed:
        hsds2.read(archive)
    assert failed.value.issues[0].file.startswith(str(archive))


def test_it_detects_hsds2_packages_only() -> None:
    assert hsds2.detect(SAMPLE)
    assert not hsds2.detect(FIXTURES / "miami-211")  # Miami 211 has its own reader
    assert not hsds2.detect(FIXTURES / "ohana")
    assert not hsds2.detect(FIXTURES / "hsds3")


# --- the whole shared data set ------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["all_resources", "simple"])
def test_it_imports_the_whole_sample_package_with_no_rejects(variant: str) -> None:
    from conftest import shared_data_path

    data = hsds2.read(shared_data_path("hsds-sample-datapackage", variant))
    assert len(data["service"]) == 13
    assert_consistent(data)
    from commonweal.directory import importer

    summary = importer.import_tabular(data, source="hsds-sample")
    assert summary.rejected == []
    assert summary.counts("service").created == 13
