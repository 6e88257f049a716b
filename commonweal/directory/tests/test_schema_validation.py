from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest

from commonweal.directory import schema_validation as sv
from commonweal.directory.export import export_directory
from commonweal.directory.hsda import openapi_document
from commonweal.directory.tabular import ImportIssue, Row, SourceRef
from commonweal.directory.tests.directory_builder import build_full_service
from conftest import shared_data_path


def _example(name: str) -> dict:
    return json.loads(shared_data_path("hsds-3.0-examples", name).read_text(encoding="utf-8"))


def test_it_accepts_the_official_examples() -> None:
    assert sv.validate_service(_example("service_full.json")) == []
    assert sv.validate_record("organization", _example("organization_full.json")) == []
    assert (
        sv.validate_record("service_at_location", _example("service_at_location_full.json")) == []
    )
    assert sv.validate_record("taxonomy", _example("taxonomy.json")) == []
    assert sv.validate_record("taxonomy_term", _example("taxonomy_term.json")) == []
    for kind in ("service", "organization", "service_at_location"):
        for record in _example(f"{kind}_list.json")["contents"]:
            assert sv.validate_record(f"{kind}_list", record) == []


def test_it_names_the_path_of_each_problem_in_a_service_record() -> None:
    record = _example("service_full.json")
    del record["name"]
    record["url"] = "www.example.org"
    record["email"] = "not an address"
    record["phones"][0]["id"] = "phone-1"
    record["service_at_locations"][0]["location"]["location_type"] = "mobile"

    problems = sv.validate_service(record)

    assert "(record): 'name' is a required property" in problems
    assert "url: 'www.example.org' is not a 'uri'" in problems
    assert "email: 'not an address' is not a 'email'" in problems
    assert "phones[0].id: 'phone-1' is not a 'uuid'" in problems
    assert any(
        p.startswith("service_at_locations[0].location.location_type: 'mobile' is not one of")
        for p in problems
    )


def test_it_resolves_references_between_the_object_schemas() -> None:
    term = _example("taxonomy_term.json")
    term["taxonomy_detail"]["uri"] = "no scheme"

    assert sv.validate_record("taxonomy_term", term) == [
        "taxonomy_detail.uri: 'no scheme' is not a 'uri'"
    ]


def test_it_caches_compiled_validators() -> None:
    assert sv.validator("service") is sv.validator("service")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("https://example.org/a?b=c#d", True),
        ("mailto:info@example.org", True),
        ("urn:isbn:0451450523", True),
        ("http://example.org/%20x", True),
        ("www.example.org", False),
        ("http://exa mple.org", False),
        ("http://example.org/%zz", False),
        ("", False),
    ],
)
def test_it_checks_uris_as_rfc_3986_absolute_uris(value: str, valid: bool) -> None:
    assert sv.is_uri(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2023-03-15T10:30:45.123Z", True),
        ("2023-03-15T10:30:45+01:00", True),
        ("2023-03-15T10:30:45", False),  # RFC 3339 needs the offset
        ("2023-02-30T10:30:45Z", False),
        ("2023-03-15", False),
    ],
)
def test_it_checks_date_times_as_rfc_3339(value: str, valid: bool) -> None:
    assert sv.is_date_time(value) is valid


def _row(
    table: str, line: int = 2, source_columns: dict[str, str] | None = None, **values: str
) -> Row:
    return Row(table, dict(values), SourceRef(f"{table}.csv", line), source_columns or {})


ORG_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def test_it_accepts_valid_tabular_rows() -> None:
    data = {
        "service": [
            _row(
                "service",
                id=SERVICE_ID,
                organization_id=ORG_ID,
                name="Counselling",
                status="active",
                minimum_age="12",
                assured_date="2005-01-01",
                last_modified="2023-03-15T10:30:45.123Z",
                url="http://example.com",
            )
        ],
        "schedule": [
            _row(
                "schedule",
                id=ORG_ID,
                service_id=SERVICE_ID,
                opens_at="09:00",
                closes_at="17:30:00",
                freq="WEEKLY",
                byday="MO,TU",
                interval="1",
                timezone="-5",
            )
        ],
    }

    assert sv.validate_tabular(data) == []


def test_it_reports_each_bad_tabular_value_with_file_line_and_column() -> None:
    data = {
        "service": [
            _row(
                "service",
                line=7,
                source_columns={"url": "website"},
                id="svc-1",
                organization_id=ORG_ID,
                name="",
                status="open",
                minimum_age="twelve",
                assured_date="01/02/2005",
                last_modified="yesterday",
                url="www.example.org",
                email="nobody",
            )
        ],
        "schedule": [_row("schedule", id=ORG_ID, opens_at="25:00", wkst="XX")],
    }

    issues = {(i.file, i.line, i.column): i.message for i in sv.validate_tabular(data)}

    assert issues[("service.csv", 7, "id")] == "'svc-1' is not a valid UUID"
    assert issues[("service.csv", 7, "name")] == "a value is required"
    assert issues[("service.csv", 7, "status")].startswith("'open' is not one of: active, inactive")
    assert issues[("service.csv", 7, "minimum_age")] == "'twelve' is not a number"
    assert issues[("service.csv", 7, "assured_date")] == "'01/02/2005' is not a date (YYYY-MM-DD)"
    assert "yesterday" in issues[("service.csv", 7, "last_modified")]
    assert "needs a scheme" in issues[("service.csv", 7, "website")]
    assert issues[("service.csv", 7, "email")] == "'nobody' is not a valid e-mail address"
    assert issues[("schedule.csv", 2, "opens_at")] == "'25:00' is not a time (HH:MM or HH:MM:SS)"
    assert issues[("schedule.csv", 2, "wkst")].startswith("'XX' is not one of: MO")


def test_it_reports_duplicate_ids_and_unknown_tables() -> None:
    data = {
        "organization": [
            _row("organization", line=2, id=ORG_ID, name="A", description="a"),
            _row("organization", line=5, id=ORG_ID, name="B", description="b"),
        ],
        "services_taxonomy": [_row("services_taxonomy", id=ORG_ID)],
    }

    issues = sv.validate_tabular(data)

    assert (
        ImportIssue("organization.csv", 5, "id", f"duplicate id {ORG_ID} (first on line 2)")
        in issues
    )
    assert (
        ImportIssue(
            "services_taxonomy.csv", None, None, "'services_taxonomy' is not an HSDS 3.0 table"
        )
        in issues
    )


def test_it_accepts_the_official_tabular_example() -> None:
    folder = shared_data_path("hsds-3.0-examples", "csv")
    data = {}
    for name, spec in sv.resource_specs().items():
        header, rows = sv.read_csv_rows(folder / spec.path, name)
        assert header == spec.field_names
        data[name] = rows

    assert sv.validate_tabular(data) == []


@pytest.fixture
def export(db, tmp_path) -> Path:
    build_full_service(name="Pantry A")
    export_directory(tmp_path / "out")
    return tmp_path / "out"


def _rewrite_csv(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_it_finds_nothing_wrong_with_a_fresh_export(export) -> None:
    assert sv.validate_export(export) == []


def test_it_finds_wrong_columns_in_an_export(export) -> None:
    _rewrite_csv(export / "phones.csv", lambda rows: [r.pop() for r in rows])

    (problem,) = sv.validate_export(export)

    assert problem.startswith("phones.csv, line 1: columns are id,location_id")


def test_it_finds_dangling_references_in_an_export(export) -> None:
    def orphan(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("organization_id")] = ORG_ID

    _rewrite_csv(export / "services.csv", orphan)

    problems = sv.validate_export(export)

    assert (
        f"services.csv, line 2, column organization_id: {ORG_ID} is not the id of any organization"
        in problems
    )


def test_it_finds_a_services_json_that_disagrees_with_services_csv(export) -> None:
    path = export / "services.json"
    records = json.loads(path.read_text())
    broken = copy.deepcopy(records[0])
    broken["id"] = SERVICE_ID
    broken["phones"][0].pop("number")
    path.write_text(json.dumps(records + [broken]))

    problems = sv.validate_export(export)

    assert "services.json[1].phones[0]: 'number' is a required property" in problems
    assert "services.json: holds 2 services but services.csv has 1 (0 missing, 1 extra)" in problems


def test_it_reports_missing_and_unreadable_files_in_an_export(export) -> None:
    (export / "funding.csv").unlink()
    (export / "phones.csv").write_bytes(b"id,number\n\xff\xfe\n")
    (export / "services.json").write_text("[{")

    problems = sv.validate_export(export)

    assert "funding.csv: file is missing" in problems
    assert any(p.startswith("phones.csv: cannot read as UTF-8 CSV") for p in problems)
    assert any(p.startswith("services.json: is not a valid JSON array") for p in problems)
    assert sv.validate_export(export / "nowhere")[0].startswith("datapackage.json: cannot read")


def test_it_bundles_the_official_schemas_into_the_openapi_document() -> None:
    document = openapi_document("/api/hsda")

    bundled = sv.bundle_official_refs(document)

    assert '"$ref": "https://' not in json.dumps(bundled)
    refs = {value for value in _refs(bundled) if not value.startswith("#/components/parameters")}
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs)
    names = {ref.rsplit("/", 1)[1] for ref in refs}
    assert names <= set(bundled["components"]["schemas"])
    assert "hsds_compiled_service" in names and "hsds_metadata" in names
    assert '"$ref": "https://raw' in json.dumps(document)  # the original is left as published


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 1 << 20])
def test_it_reads_a_json_array_item_by_item_whatever_the_chunk_size(chunk_size: int) -> None:
    from io import StringIO

    items = [{"id": 1, "name": "a,]"}, 123456, [1, [2]], "x", None, 1.5e3, {}]
    text = " [ " + " ,\n".join(json.dumps(i) for i in items) + " ]\n"

    assert list(sv.iter_json_array(StringIO(text), chunk_size)) == items
    assert list(sv.iter_json_array(StringIO("[]"), chunk_size)) == []


@pytest.mark.parametrize("text", ['{"id": 1}', "[1, 2", "[1 2]", "[1,]", "[1] x", ""])
def test_it_refuses_what_is_not_a_json_array(text: str) -> None:
    from io import StringIO

    with pytest.raises(ValueError):
        list(sv.iter_json_array(StringIO(text), 3))
