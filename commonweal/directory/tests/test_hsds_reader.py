from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from commonweal.directory import hsds_reader
from commonweal.directory.hsds_json_reader import detect_json
from commonweal.directory.hsds_reader import (
    MSG_EMPTY_FILE,
    MSG_MISSING_COLUMN,
    detect_datapackage,
    hsds_tables,
    read_datapackage,
)
from commonweal.directory.tabular import ImportFailed, ImportIssue
from commonweal.directory.tests.hsds_fixtures import (
    HSDS3,
    HSDS3_CSV,
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

    assert [(i.file, i.line, i.column) for i in issues] == [("organizations.csv", 2, "description")]
    assert "not valid UTF-8" in issues[0].message
    assert "0xe9" in issues[0].message


def test_a_bad_byte_in_a_multiline_value_names_its_line_and_column(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    (package / "funding.csv").write_bytes(
        b'id,organization_id,service_id,source\na1,,,"first line\nsecond \xff line"\n'
    )

    issues = issues_of(lambda: read_datapackage(package))

    assert [(i.file, i.line, i.column) for i in issues] == [("funding.csv", 3, "source")]


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


def test_it_does_not_import_package_files_outside_the_package_root(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    shutil.copy(package / "services.csv", tmp_path / "services.csv")  # beside, not inside

    assert len(read_datapackage(package)["service"]) == 1
    assert hsds_reader.detect_datapackage(package)


def test_it_refuses_a_zip_member_that_unpacks_to_more_than_the_limit(tmp_path, monkeypatch) -> None:
    import zipfile

    from commonweal.directory import tabular

    monkeypatch.setattr(tabular, "MAX_ZIP_MEMBER_BYTES", 1000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("organizations.csv", "id,name,description\n" + "x" * 5000)
    with pytest.raises(ImportFailed) as failed:
        read_datapackage(archive)
    assert any("more than the 1,000" in issue.message for issue in failed.value.issues)
