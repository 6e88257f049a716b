from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from commonweal.directory.hsds_reader import read_datapackage
from commonweal.directory.tabular import Row, SourceRef, TabularData
from commonweal.directory.tests.hsds_fixtures import (
    HSDS3_CSV,
    LOCATION_ID,
    ORGANIZATION_ID,
    SERVICE_ID,
)
from commonweal.directory.validation import (
    MSG_REQUIRED,
    Invalid,
    check_row,
    parse_date,
    parse_decimal,
    parse_time,
    parse_uuid,
    validate,
)

NEW_ID = "5b0c8c36-3c3a-4c53-8d3e-3b1f4c9f0a01"


def example() -> TabularData:
    return read_datapackage(HSDS3_CSV)


def first(data: TabularData, table: str) -> Row:
    return data[table][0]


def row(table: str, line: int = 2, **values: str) -> Row:
    return Row(table, values, SourceRef(f"{table}.csv", line))


def located(issues) -> list[tuple[str, int | None, str | None]]:
    return [(i.file, i.line, i.column) for i in issues]


# --- single values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:00", (dt.time(10, 0), None)),
        ("9:05", (dt.time(9, 5), None)),
        ("10:00:30", (dt.time(10, 0, 30), None)),
        ("18:00Z", (dt.time(18, 0), 0.0)),
        ("09:00-05:00", (dt.time(9, 0), -5.0)),
        ("09:00+0530", (dt.time(9, 0), 5.5)),
    ],
)
def test_it_parses_hsds_times_and_their_offsets(text: str, expected: tuple) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "10:60", "10", "10am", "10:00:00.5", "10:00+25:00", "noon"]
)
def test_it_rejects_invalid_times(text: str) -> None:
    with pytest.raises(Invalid):
        parse_time(text)


def test_it_parses_uuids_in_either_case_and_rejects_other_forms() -> None:
    assert parse_uuid(SERVICE_ID.upper()) == uuid.UUID(SERVICE_ID)
    for text in ["136", SERVICE_ID.replace("-", ""), "{" + SERVICE_ID + "}", SERVICE_ID[:-1] + "g"]:
        with pytest.raises(Invalid):
            parse_uuid(text)


def test_it_parses_dates_strictly() -> None:
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    for text in ["2023-02-29", "2024/01/01", "01/02/2024", "2024-1-1"]:
        with pytest.raises(Invalid):
            parse_date(text)


def test_it_keeps_decimals_within_the_model_precision() -> None:
    assert parse_decimal("12.5", max_digits=6, decimal_places=2) == Decimal("12.5")
    with pytest.raises(Invalid):
        parse_decimal("12.555", max_digits=6, decimal_places=2)
    with pytest.raises(Invalid):
        parse_decimal("10000", max_digits=6, decimal_places=2)
    with pytest.raises(Invalid):
        parse_decimal("NaN", max_digits=6, decimal_places=2)


# --- one row ------------------------------------------------------------------------------


def test_it_types_every_value_of_a_row() -> None:
    values, issues = check_row(first(example(), "schedule"))

    assert issues == []
    assert values["opens_at"] == dt.time(10, 0)
    assert values["valid_from"] == dt.date(2005, 1, 1)
    assert values["timezone"] == 3.0
    assert values["count"] == 3
    assert values["service_id"] == uuid.UUID(SERVICE_ID)


def test_it_maps_the_taxonomy_column_to_taxonomy_name() -> None:
    values, _ = check_row(first(example(), "taxonomy_term"))

    assert values["taxonomy_name"] == "taxonomy"


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("location", "latitude", "91", "latitude 91 is outside -90..90"),
        ("location", "longitude", "-180.5", "longitude -180.5 is outside -180..180"),
        ("location", "latitude", "north", "'north' is not a number"),
        (
            "location",
            "location_type",
            "building",
            "'building' is not one of: physical, postal, virtual",
        ),
        (
            "service",
            "status",
            "Active",
            "'Active' is not one of: active, inactive, defunct, temporarily closed",
        ),
        ("service", "id", "136", "'136' is not a UUID"),
        ("service", "organization_id", "not-a-uuid", "'not-a-uuid' is not a UUID"),
        ("service", "assured_date", "15/03/2023", "'15/03/2023' is not a date"),
        ("service", "name", "", MSG_REQUIRED),
        ("service", "minimum_age", "-1", "'-1' must be at least 0"),
        ("schedule", "opens_at", "25:00", "'25:00' is not a time"),
        ("schedule", "freq", "DAILY", "'DAILY' is not one of: WEEKLY, MONTHLY"),
        ("schedule", "wkst", "MON", "'MON' is not one of: MO, TU, WE, TH, FR, SA, SU"),
        ("schedule", "interval", "0", "'0' must be at least 1"),
        ("address", "address_type", "home", "'home' is not one of"),
        ("address", "country", "USA", "'USA' is not a two-letter ISO 3166-1 country code"),
        ("phone", "extension", "x12", "'x12' is not a phone extension"),
        ("cost_option", "currency", "GBPX", "is 4 characters long; at most 3 fit"),
        ("organization", "name", "Nul\x00Org", "contains a NUL character"),
    ],
)
def test_it_rejects_a_bad_value_naming_file_line_and_column(
    table: str, column: str, value: str, message: str
) -> None:
    bad = first(example(), table)
    bad.values[column] = value

    _, issues = check_row(bad)

    assert located(issues) == [(bad.ref.file, 2, column)]
    assert issues[0].message.startswith(message)


def test_it_requires_required_fields_even_when_the_column_is_absent() -> None:
    _, issues = check_row(row("service", id=NEW_ID, organization_id=ORGANIZATION_ID, name="Food"))

    assert located(issues) == [("service.csv", 2, "status")]


def test_it_names_the_source_column_a_field_came_from() -> None:
    bad = Row(
        "location",
        {"id": NEW_ID, "location_type": "physical", "latitude": "200"},
        SourceRef("locations.csv", 7),
        {"latitude": "lat"},
    )

    _, issues = check_row(bad)

    assert located(issues) == [("locations.csv", 7, "lat")]


def test_it_moves_a_time_offset_into_the_schedule_timezone() -> None:
    values, issues = check_row(
        row(
            "schedule",
            id=NEW_ID,
            service_id=SERVICE_ID,
            opens_at="09:00-05:00",
            closes_at="17:00-05:00",
        )
    )

    assert issues == []
    assert (values["opens_at"], values["closes_at"], values["timezone"]) == (
        dt.time(9),
        dt.time(17),
        -5.0,
    )


def test_it_rejects_offsets_that_contradict_each_other_or_the_timezone() -> None:
    _, mixed = check_row(row("schedule", id=NEW_ID, opens_at="09:00-05:00", closes_at="17:00Z"))
    _, contradicted = check_row(row("schedule", id=NEW_ID, opens_at="09:00-05:00", timezone="1"))

    assert "different UTC offsets" in mixed[0].message
    assert "contradicts the schedule's timezone" in contradicted[0].message


def test_it_treats_an_empty_last_modified_as_not_given() -> None:
    service = first(example(), "service")
    service.values["last_modified"] = ""

    values, issues = check_row(service)

    assert issues == []
    assert "last_modified" not in values


# --- across rows --------------------------------------------------------------------------


def test_it_accepts_the_whole_example() -> None:
    result = validate(example())

    assert result.issues == []
    assert result.accepted_count == 21


def test_it_rejects_every_row_sharing_a_duplicate_id() -> None:
    data = example()
    copy = Row("phone", dict(first(data, "phone").values), SourceRef("phones.csv", 3))
    data["phone"].append(copy)

    result = validate(data)

    assert {(i.file, i.line, i.column) for i in result.issues if "duplicate id" in i.message} == {
        ("phones.csv", 2, "id"),
        ("phones.csv", 3, "id"),
    }
    assert "also on phones.csv, line 3" in next(
        i.message for i in result.issues if (i.file, i.line) == ("phones.csv", 2)
    )
    assert not result.rows.get("phone")


def test_it_rejects_a_dangling_foreign_key() -> None:
    data = example()
    first(data, "service_at_location").values["location_id"] = NEW_ID

    result = validate(data)

    dangling = [i for i in result.issues if i.file == "service_at_location.csv"]
    assert located(dangling) == [("service_at_location.csv", 2, "location_id")]
    assert dangling[0].message == f"no location has id {NEW_ID}, in this import or in the directory"


def test_it_accepts_a_foreign_key_the_directory_already_holds() -> None:
    data = {
        "service": [
            row("service", id=NEW_ID, organization_id=ORGANIZATION_ID, name="Food", status="active")
        ]
    }
    asked: list[tuple[str, set]] = []

    def existing(table: str, ids) -> set:
        asked.append((table, set(ids)))
        return set(ids) if table == "organization" else set()

    assert validate(data, existing=existing).issues == []
    assert asked == [("organization", {uuid.UUID(ORGANIZATION_ID)})]
    assert validate(data, existing=lambda table, ids: set()).issues[0].column == "organization_id"


def test_it_rejects_rows_that_point_at_a_rejected_row_and_says_why() -> None:
    data = example()
    first(data, "location").values["latitude"] = "100"

    result = validate(data)

    by_file = {i.file: i for i in result.issues}
    assert by_file["locations.csv"].column == "latitude"
    cascade = by_file["service_at_location.csv"]
    assert cascade.column == "location_id"
    assert (
        cascade.message
        == f"points at location {LOCATION_ID}, which was rejected (locations.csv, line 2)"
    )
    # and on down the chain: the phone points at the rejected service_at_location
    assert any(
        i.file == "phones.csv" and i.column == "service_at_location_id" for i in result.issues
    )
    assert not result.rows.get("location")
    assert [r.table for r in result.rows["service"]] == ["service"]  # the service itself is fine


def test_it_names_the_row_that_started_a_chain_of_rejections() -> None:
    data = example()
    first(data, "location").values["latitude"] = "north"

    result = validate(data)

    root = SourceRef("locations.csv", 2)
    follow_ons = [i for i in result.issues if i.file != "locations.csv"]
    assert [i.caused_by for i in result.issues if i.file == "locations.csv"] == [None]
    assert follow_ons
    # two steps down (phone -> contact -> location) still names the location
    assert {i.caused_by for i in follow_ons} == {root}


def test_a_row_with_a_problem_of_its_own_is_not_a_follow_on() -> None:
    data = example()
    first(data, "service").values["id"] = "not-a-uuid"

    result = validate(data)

    assert result.issues
    assert all(i.caused_by is None for i in result.issues if "no service has id" in i.message)


def test_it_rejects_children_of_a_rejected_parent_organization() -> None:
    parent, child, grandchild = (str(uuid.uuid4()) for _ in range(3))
    data = {
        "organization": [
            row("organization", 4, id=grandchild, name="C", parent_organization_id=child),
            row("organization", 3, id=child, name="B", parent_organization_id=parent),
            row("organization", 2, id=parent, name=""),
        ]
    }

    result = validate(data)

    assert [(i.line, i.column) for i in result.issues] == [
        (2, "name"),
        (3, "parent_organization_id"),
        (4, "parent_organization_id"),
    ]
    assert result.rejected["organization"] == 3


def test_it_accepts_parents_that_come_after_their_children() -> None:
    parent, child = str(uuid.uuid4()), str(uuid.uuid4())
    data = {
        "organization": [
            row("organization", 2, id=child, name="B", parent_organization_id=parent),
            row("organization", 3, id=parent, name="A"),
        ]
    }

    assert validate(data).issues == []


def test_it_checks_attribute_links_against_the_table_they_name() -> None:
    data = example()
    attribute = first(data, "attribute")
    attribute.values["link_id"] = NEW_ID
    data["attribute"].append(
        Row(
            "attribute",
            {**attribute.values, "id": str(uuid.uuid4()), "link_entity": "nowhere"},
            SourceRef("attributes.csv", 3),
        )
    )

    result = validate(data)

    assert [(i.line, i.column) for i in result.issues] == [(2, "link_id"), (3, "link_entity")]


def test_it_reports_an_unknown_table_and_unknown_fields() -> None:
    result = validate(
        {
            "widgets": [row("widgets", id=NEW_ID)],
            "program": [
                row("program", id=NEW_ID, organization_id=ORGANIZATION_ID, name="P", colour="red")
            ],
        }
    )

    messages = [i.message for i in result.issues]
    assert "unknown table 'widgets'" in messages
    assert any(m.startswith("unknown field: program has no 'colour'") for m in messages)
