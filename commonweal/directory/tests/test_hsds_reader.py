from __future__ import annotations

import json
import re
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest

from commonweal.directory import hsds_reader
from commonweal.directory.hsds_reader import (
    MSG_EMPTY_FILE,
    MSG_MISSING_COLUMN,
    detect_datapackage,
    detect_json,
    hsds_tables,
    read_datapackage,
    read_hsds_json,
)
from commonweal.directory.tabular import ImportFailed, ImportIssue
from commonweal.directory.tests.hsds_fixtures import (
    HSDS3,
    HSDS3_CSV,
    LOCATION_ID,
    OFFICIAL_CSV,
    ORGANIZATION_ID,
    PHONE_ID,
    SERVICE_ID,
    add_row,
    copy_package,
    drop_column,
    read_table,
    write_table,
)

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def issues_of(call) -> list[ImportIssue]:
    with pytest.raises(ImportFailed) as failed:
        call()
    return failed.value.issues


def zip_folder(folder: Path, dest: Path, *, prefix: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
    return dest


def test_it_reads_every_table_of_the_example_package() -> None:
    data = read_datapackage(HSDS3_CSV)

    assert set(data) == set(hsds_tables())
    assert all(len(rows) == 1 for rows in data.values())
    phone = data["phone"][0]
    assert phone.values["id"] == PHONE_ID
    assert phone.values["service_id"] == SERVICE_ID
    assert phone.values["number"] == '"+44 1234 234567"'  # the example's own quoted value
    assert (phone.ref.file, phone.ref.line) == ("phones.csv", 2)
    assert data["taxonomy_term"][0].values["taxonomy"] == "taxonomy"


def test_it_reads_a_zip_the_same_as_the_folder(tmp_path: Path) -> None:
    archive = zip_folder(HSDS3_CSV, tmp_path / "example.zip")

    from_zip = read_datapackage(archive)

    from_folder = read_datapackage(HSDS3_CSV)
    assert {t: [r.values for r in rows] for t, rows in from_zip.items()} == {
        t: [r.values for r in rows] for t, rows in from_folder.items()
    }
    assert from_zip["service"][0].ref.file == "example.zip/services.csv"


def test_it_finds_the_package_inside_a_folder_in_the_zip(tmp_path: Path) -> None:
    archive = zip_folder(HSDS3_CSV, tmp_path / "wrapped.zip", prefix="export-2024/")

    data = read_datapackage(archive)

    assert data["organization"][0].values["id"] == ORGANIZATION_ID


def test_it_uses_the_official_file_names_without_a_datapackage_json() -> None:
    data = read_datapackage(OFFICIAL_CSV)

    assert set(data) == set(hsds_tables())


def test_it_counts_lines_across_multi_line_quoted_fields(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    rows = read_table(package / "services.csv")
    rows[1][rows[0].index("description")] = "First line.\nSecond line.\nThird line."
    write_table(package / "services.csv", rows)
    add_row(package, "services.csv", id="0c2f7ba4-5d0a-4d55-9d0f-2f4f6a8f3f11", name="Second")

    data = read_datapackage(package)

    second = data["service"][1]
    assert second.values["name"] == "Second"
    assert second.ref.line == 5  # header, a record spanning lines 2-4, then this one
    assert data["service"][0].values["description"] == "First line.\nSecond line.\nThird line."


def test_it_reports_a_missing_required_column_with_file_and_column(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    drop_column(package, "services.csv", "status")

    issues = issues_of(lambda: read_datapackage(package))

    assert issues == [ImportIssue("services.csv", 1, "status", MSG_MISSING_COLUMN)]


def test_it_reports_an_unknown_column_and_suggests_the_field(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    rows = read_table(package / "locations.csv")
    rows[0][rows[0].index("latitude")] = "latitiude"
    write_table(package / "locations.csv", rows)

    issues = issues_of(lambda: read_datapackage(package))

    assert [(i.file, i.line, i.column) for i in issues] == [("locations.csv", 1, "latitiude")]
    assert "did you mean 'latitude'" in issues[0].message


def test_it_reports_a_file_that_is_not_an_hsds_table(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    (package / "notes.csv").write_text("id,text\n1,hello\n", encoding="utf-8")

    issues = issues_of(lambda: read_datapackage(package))

    assert [i.file for i in issues] == ["notes.csv"]
    assert issues[0].message.startswith("unknown file")


def test_it_says_to_use_the_hsds_2_reader_for_an_hsds_2_package(tmp_path: Path) -> None:
    package = tmp_path / "old"
    package.mkdir()
    (package / "organizations.csv").write_text("id,name,description\n1,A,B\n", encoding="utf-8")
    (package / "physical_addresses.csv").write_text(
        "id,location_id,address_1\n1,1,Main St\n", encoding="utf-8"
    )

    issues = issues_of(lambda: read_datapackage(package))

    assert [i.file for i in issues] == ["physical_addresses.csv"]
    assert "--format hsds-2" in issues[0].message
    assert detect_datapackage(package) is False


def test_it_reports_each_line_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    raw = (package / "organizations.csv").read_bytes()
    (package / "organizations.csv").write_bytes(
        raw.replace(b"Example Org is", b"Example Org\xe9 is", 1)
    )

    issues = issues_of(lambda: read_datapackage(package))

    assert [(i.file, i.line) for i in issues] == [("organizations.csv", 2)]
    assert "not valid UTF-8" in issues[0].message
    assert "0xe9" in issues[0].message


def test_it_reports_an_empty_file(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    (package / "phones.csv").write_bytes(b"")

    issues = issues_of(lambda: read_datapackage(package))

    assert issues == [ImportIssue("phones.csv", None, None, MSG_EMPTY_FILE)]


def test_it_accepts_a_file_with_only_a_header(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    write_table(package / "phones.csv", read_table(package / "phones.csv")[:1])

    assert "phone" not in read_datapackage(package)


def test_it_reports_a_truncated_zip(tmp_path: Path) -> None:
    archive = zip_folder(HSDS3_CSV, tmp_path / "example.zip")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    issues = issues_of(lambda: read_datapackage(archive))

    assert [i.file for i in issues] == ["example.zip"]
    assert "truncated or corrupt" in issues[0].message


def test_it_reports_a_corrupt_member_of_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "example.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr("services.csv", (HSDS3_CSV / "services.csv").read_bytes())
    raw = bytearray(archive.read_bytes())
    start = raw.index(b"Community Counselling")
    raw[start : start + 9] = b"XXXXXXXXX"  # same length, so only the CRC check can tell
    archive.write_bytes(bytes(raw))

    issues = issues_of(lambda: read_datapackage(archive))

    assert [i.file for i in issues] == ["example.zip/services.csv"]
    assert "corrupt" in issues[0].message


def test_it_reports_a_row_with_the_wrong_number_of_values(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    with (package / "phones.csv").open("a", encoding="utf-8") as handle:
        handle.write("only,three,values\r\n")

    issues = issues_of(lambda: read_datapackage(package))

    assert [(i.file, i.line) for i in issues] == [("phones.csv", 3)]
    assert "3 values" in issues[0].message


def test_it_reports_broken_csv_quoting(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    with (package / "programs.csv").open("a", encoding="utf-8") as handle:
        handle.write('e7ec2e57-4540-43fa-b2c7-6be5a0ef7f43,x,"unterminated\r\n')

    issues = issues_of(lambda: read_datapackage(package))

    assert [i.file for i in issues] == ["programs.csv"]
    assert issues[0].message.startswith("malformed CSV")


def test_it_reports_a_path_that_does_not_exist(tmp_path: Path) -> None:
    issues = issues_of(lambda: read_datapackage(tmp_path / "nowhere"))

    assert issues[0].message == "no such file or folder"


def test_it_detects_hsds_3_packages_and_json() -> None:
    assert detect_datapackage(HSDS3_CSV)
    assert detect_datapackage(OFFICIAL_CSV)
    assert not detect_datapackage(HSDS3 / "service_full.json")
    assert detect_json(HSDS3 / "service_full.json")
    assert not detect_json(HSDS3_CSV / "datapackage.json")
    assert not detect_json(HSDS3_CSV / "services.csv")


# --- HSDS JSON ---------------------------------------------------------------------------


def comparable(data: dict) -> dict[str, dict[str, dict[str, str]]]:
    return {table: {row.values["id"]: row.values for row in rows} for table, rows in data.items()}


def test_it_flattens_a_full_service_record_into_the_same_rows_as_the_csv() -> None:
    from_json = comparable(read_hsds_json(HSDS3 / "service_full.json"))
    from_csv = comparable(read_datapackage(HSDS3_CSV))

    # The JSON form has every table but meta_table_description (not part of a service).
    assert set(from_json) == set(from_csv) - {"meta_table_description"}
    for table, rows in from_json.items():
        for row_id, values in rows.items():
            csv_values = from_csv[table][row_id]
            assert {k: v for k, v in values.items() if v} == {
                k: v for k, v in csv_values.items() if k in values and v
            }, table


def test_it_merges_a_record_nested_in_several_places() -> None:
    phone = read_hsds_json(HSDS3 / "service_full.json")["phone"]

    assert len(phone) == 1
    assert phone[0].values["service_id"] == SERVICE_ID
    assert phone[0].values["location_id"] == LOCATION_ID
    assert phone[0].values["organization_id"] == ORGANIZATION_ID
    assert phone[0].values["contact_id"] and phone[0].values["service_at_location_id"]


def test_it_reads_organization_and_service_at_location_records() -> None:
    organization = read_hsds_json(HSDS3 / "organization_full.json")
    at_location = read_hsds_json(HSDS3 / "service_at_location_full.json")

    assert organization["service"][0].values["organization_id"] == ORGANIZATION_ID
    assert at_location["service_at_location"][0].values["location_id"] == LOCATION_ID


def test_it_reads_a_list_an_hsda_page_and_ndjson(tmp_path: Path) -> None:
    text = (HSDS3 / "service_full.json").read_text(encoding="utf-8")
    record = json.loads(text)
    # The same record with every id replaced: a second, unrelated service.
    other = json.loads(
        re.sub(UUID_PATTERN, lambda m: str(uuid.uuid5(uuid.NAMESPACE_URL, m[0])), text)
    )
    other["name"] = "Second service"
    (tmp_path / "list.json").write_text(json.dumps([record, other]), encoding="utf-8")
    (tmp_path / "page.json").write_text(
        json.dumps({"total_items": 2, "contents": [record, other]}), encoding="utf-8"
    )
    (tmp_path / "all.ndjson").write_text(
        json.dumps(record) + "\n\n" + json.dumps(other) + "\n", encoding="utf-8"
    )

    for name in ("list.json", "page.json", "all.ndjson"):
        services = read_hsds_json(tmp_path / name)["service"]
        assert [s.values["name"] for s in services] == [
            "Community Counselling",
            "Second service",
        ], name
    ndjson = read_hsds_json(tmp_path / "all.ndjson")["service"]
    assert [s.ref.line for s in ndjson] == [1, 3]  # NDJSON records are numbered by line


def test_it_reports_invalid_json_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "x",\n  "name": oops\n}\n', encoding="utf-8")

    issues = issues_of(lambda: read_hsds_json(path))

    assert [(i.file, i.line) for i in issues] == [("bad.json", 3)]
    assert issues[0].message.startswith("not valid JSON")


def test_it_reports_a_bad_ndjson_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    record = (HSDS3 / "service_full.json").read_text(encoding="utf-8")
    path.write_text(json.dumps(json.loads(record)) + "\n{broken\n", encoding="utf-8")

    issues = issues_of(lambda: read_hsds_json(path))

    assert [(i.file, i.line) for i in issues] == [("bad.ndjson", 2)]


def test_it_reports_an_unknown_json_field_with_its_path(tmp_path: Path) -> None:
    record = json.loads((HSDS3 / "service_full.json").read_text(encoding="utf-8"))
    record["service_at_locations"][0]["location"]["latitud"] = 25.7
    path = tmp_path / "service.json"
    path.write_text(json.dumps(record), encoding="utf-8")

    issues = issues_of(lambda: read_hsds_json(path))

    assert [(i.line, i.column) for i in issues] == [
        (1, "$.service_at_locations[0].location.latitud")
    ]
    assert "did you mean 'latitude'" in issues[0].message


def test_it_reports_conflicting_copies_of_a_nested_record(tmp_path: Path) -> None:
    record = json.loads((HSDS3 / "service_full.json").read_text(encoding="utf-8"))
    record["service_at_locations"][0]["location"]["name"] = "Another name"
    path = tmp_path / "service.json"
    path.write_text(json.dumps(record), encoding="utf-8")

    issues = issues_of(lambda: read_hsds_json(path))

    # The organization (and its locations) is read before the service's own locations.
    assert len(issues) == 1
    assert issues[0].column == "$.service_at_locations[0].location.name"
    assert "conflicting values" in issues[0].message
    assert "$.organization.locations[0].name" in issues[0].message


def test_it_reports_a_json_record_it_cannot_classify(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([{"id": "x", "name": "?"}]), encoding="utf-8")

    issues = issues_of(lambda: read_hsds_json(path))

    assert [(i.line, i.column) for i in issues] == [(1, "$")]


def test_it_reports_an_empty_json_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n", encoding="utf-8")

    issues = issues_of(lambda: read_hsds_json(path))

    assert issues[0].message.startswith("file is empty")


def test_it_keeps_json_numbers_as_their_source_text(tmp_path: Path) -> None:
    record = json.loads((HSDS3 / "service_full.json").read_text(encoding="utf-8"))
    path = tmp_path / "service.json"
    text = json.dumps(record).replace('"latitude": 10', '"latitude": 25.76170000001')
    path.write_text(text, encoding="utf-8")

    location = read_hsds_json(path)["location"][0]

    assert location.values["latitude"] == "25.76170000001"


def test_the_published_example_json_is_read_with_its_contradictions_reported(
    tmp_path: Path,
) -> None:
    issues = issues_of(lambda: read_hsds_json(HSDS3 / "official" / "service_full.json"))

    assert [i.column for i in issues] == [
        "$.attributes[0].link_entity",
        "$.metadata[0].resource_type",
    ]


def test_it_reads_the_tabular_json_form(tmp_path: Path) -> None:
    tables = {
        spec.path: [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        for spec in hsds_tables().values()
        if (rows := read_table(HSDS3_CSV / spec.path))
    }
    path = tmp_path / "tabular.json"
    path.write_text(json.dumps(tables), encoding="utf-8")

    assert comparable(read_hsds_json(path)) == comparable(read_datapackage(HSDS3_CSV))


def test_it_does_not_import_package_files_outside_the_package_root(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    shutil.copy(package / "services.csv", tmp_path / "services.csv")  # beside, not inside

    assert len(read_datapackage(package)["service"]) == 1
    assert hsds_reader.detect_datapackage(package)
