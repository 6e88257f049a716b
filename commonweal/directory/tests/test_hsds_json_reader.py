"""The HSDS JSON reader: full records, lists, HSDA pages and NDJSON flattened into tables."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from commonweal.directory.hsds_json_reader import read_hsds_json
from commonweal.directory.hsds_reader import MSG_TOO_DEEP, hsds_tables, read_datapackage
from commonweal.directory.tabular import ImportFailed
from commonweal.directory.tests.hsds_fixtures import (
    HSDS3,
    HSDS3_CSV,
    LOCATION_ID,
    ORGANIZATION_ID,
    SERVICE_ID,
    read_table,
)
from commonweal.directory.tests.test_hsds_reader import issues_of

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


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


def test_it_rejects_absurdly_nested_json_with_a_clear_error(tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportFailed) as failed:
        read_hsds_json(path)
    assert [issue.message for issue in failed.value.issues] == [MSG_TOO_DEEP]
