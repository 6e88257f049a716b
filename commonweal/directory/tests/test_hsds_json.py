from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonweal.directory import hsds_json
from commonweal.directory.models import (
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from commonweal.directory.schema_validation import validate_record, validate_service
from commonweal.directory.tests.directory_builder import build_full_service, build_taxonomy
from conftest import shared_data_path


@pytest.mark.django_db
def test_it_builds_a_full_service_record_that_validates_against_the_official_schema() -> None:
    service = build_full_service()

    record = hsds_json.service_full(service)

    assert validate_service(record) == []
    assert record["id"] == str(service.id)
    assert record["organization"]["name"] == service.organization.name
    assert record["program"]["name"] == service.program.name
    (sal,) = record["service_at_locations"]
    assert sal["location"]["addresses"][0]["postal_code"] == "33101"
    assert {p["number"] for p in sal["location"]["phones"]} == {"305-555-0102"}
    assert sal["location"]["accessibility"][0]["description"] == "Ramp"
    assert sal["location"]["languages"][0]["code"] == "ht"
    assert sal["phones"][0]["number"] == "305-555-0104"
    assert sal["contacts"][0]["name"] == "Weekend lead"
    assert sal["schedules"][0]["freq"] == "MONTHLY"
    assert record["contacts"][0]["phones"][0]["languages"][0]["code"] == "es"
    assert record["funding"][0]["source"] == "Donations"
    assert record["cost_options"][0]["amount"] == 0.5
    assert record["metadata"][0]["field_name"] == "name"


@pytest.mark.django_db
def test_it_has_every_part_of_the_official_example_full_service() -> None:
    example = json.loads(shared_data_path("hsds-3.0-examples", "service_full.json").read_text())
    record = hsds_json.service_full(build_full_service())

    assert set(example) <= set(record)
    assert set(example["service_at_locations"][0]) <= set(record["service_at_locations"][0])
    assert set(example["service_at_locations"][0]["location"]) <= set(
        record["service_at_locations"][0]["location"]
    )
    assert set(example["attributes"][0]["taxonomy_term"]) <= set(
        record["attributes"][0]["taxonomy_term"]
    )


@pytest.mark.django_db
def test_it_nests_the_taxonomy_term_with_code_name_and_taxonomy_in_attributes() -> None:
    taxonomy, food, pantry = build_taxonomy()
    service = build_full_service(term=pantry)

    (attribute,) = hsds_json.service_full(service)["attributes"]

    assert attribute["link_entity"] == "service"
    assert attribute["link_type"] == "service_category"
    term = attribute["taxonomy_term"]
    assert (term["id"], term["code"], term["name"]) == (str(pantry.id), "1103", "Food Pantry")
    assert term["parent_id"] == str(food.id)
    assert term["taxonomy_id"] == str(taxonomy.id)
    assert term["taxonomy_detail"]["name"] == "Open Eligibility"
    # The location's own attribute stays on the location.
    location = hsds_json.service_full(service)["service_at_locations"][0]["location"]
    assert location["attributes"][0]["value"] == "zip-centroid:33101"


@pytest.mark.django_db
def test_it_omits_empty_optional_fields_but_keeps_required_ones() -> None:
    org = Organization.objects.create(name="Bare Org", description="")
    service = Service.objects.create(organization=org, name="Bare service")

    record = hsds_json.service_full(service)

    assert record["organization"] == {"id": str(org.id), "name": "Bare Org", "description": ""}
    assert "url" not in record and "email" not in record and "program_id" not in record
    assert "phones" not in record and "attributes" not in record
    assert validate_service(record) == []
    term = TaxonomyTerm.objects.create(code="BD-1800", name="BD-1800")
    assert hsds_json.taxonomy_term(term) == {
        "id": str(term.id),
        "code": "BD-1800",
        "name": "BD-1800",
        "description": "",
    }


@pytest.mark.django_db
def test_it_writes_times_as_hours_and_minutes_dates_iso_and_last_modified_in_utc() -> None:
    service = build_full_service()
    service.last_modified = dt.datetime(
        2024, 5, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    service.save()

    record = hsds_json.service_full(service)

    assert record["last_modified"] == "2024-05-01T12:30:00Z"
    schedule = record["schedules"][0]
    assert (schedule["opens_at"], schedule["closes_at"]) == ("09:00", "13:30")
    assert schedule["valid_from"] == "2024-01-01"
    location_schedule = record["service_at_locations"][0]["location"]["schedules"][0]
    assert location_schedule["opens_at"] == "08:00:30"
    assert record["assured_date"] == "2024-01-31"
    assert (record["minimum_age"], record["maximum_age"]) == (18, 99.5)


@pytest.mark.django_db
def test_it_gives_phone_extensions_as_the_number_hsds_requires() -> None:
    service = build_full_service()
    Phone.objects.filter(number="305-555-0102").update(extension="ext. 9")
    Phone.objects.filter(number="305-555-0103").update(extension="none")

    record = hsds_json.service_full(service)

    assert record["contacts"][0]["phones"][0]["extension"] == 12
    assert record["service_at_locations"][0]["location"]["phones"][0]["extension"] == 9
    assert "extension" not in record["organization"]["phones"][0]


@pytest.mark.django_db
def test_it_serialises_many_services_with_a_fixed_number_of_queries() -> None:
    _, _, term = build_taxonomy()
    for i in range(2):
        build_full_service(name=f"Pantry {i}", term=term)
    with CaptureQueriesContext(connection) as few:
        assert len(list(hsds_json.full_services(Service.objects.order_by("id")))) == 2
    for i in range(2, 8):
        build_full_service(name=f"Pantry {i}", term=term)
    with CaptureQueriesContext(connection) as many:
        records = list(hsds_json.full_services(Service.objects.order_by("id")))

    assert len(records) == 8
    assert len(many.captured_queries) == len(few.captured_queries)
    assert all(validate_service(r) == [] for r in records)


@pytest.mark.django_db
def test_it_batches_full_services_in_the_queryset_order() -> None:
    _, _, term = build_taxonomy()
    names = [build_full_service(name=f"Pantry {i}", term=term).name for i in range(5)]

    records = list(hsds_json.full_services(Service.objects.order_by("-name"), batch_size=2))

    assert [r["name"] for r in records] == sorted(names, reverse=True)


@pytest.mark.django_db
def test_it_builds_full_organizations_with_list_or_full_services() -> None:
    service = build_full_service()

    record = hsds_json.organization_full(service.organization)
    full = hsds_json.organization_full(service.organization, full_service=True)

    assert validate_record("organization", record) == []
    assert validate_record("organization", full) == []
    assert record["locations"][0]["addresses"][0]["city"] == "Miami"
    assert record["organization_identifiers"][0]["identifier_type"] == "EIN"
    assert [s["id"] for s in record["services"]] == [str(service.id)]
    assert "phones" not in record["services"][0]
    assert full["services"][0]["phones"][0]["number"] == "305-555-0100"


@pytest.mark.django_db
def test_it_builds_a_full_service_at_location_with_its_service_and_location() -> None:
    service = build_full_service()
    sal = ServiceAtLocation.objects.get(service=service)

    record = hsds_json.service_at_location_full(sal)

    assert validate_record("service_at_location", record) == []
    assert record["service"]["id"] == str(service.id)
    assert "service_at_locations" not in record["service"]
    assert record["location"]["id"] == str(sal.location_id)
    assert record["phones"][0]["number"] == "305-555-0104"


@pytest.mark.django_db
def test_it_builds_list_records_that_validate_against_the_list_schemas() -> None:
    service = build_full_service()
    service = Service.objects.select_related("organization", "program").get(pk=service.pk)
    sal = ServiceAtLocation.objects.select_related(
        "location", "service__organization", "service__program"
    ).get(service=service)
    term = TaxonomyTerm.objects.select_related("taxonomy").get(code="1103")

    assert validate_record("service_list", hsds_json.service_record(service)) == []
    assert validate_record("service_list", hsds_json.minimal_service(service)) == []
    assert (
        validate_record("organization_list", hsds_json.organization_record(service.organization))
        == []
    )
    assert (
        validate_record("service_at_location_list", hsds_json.service_at_location_record(sal)) == []
    )
    assert validate_record("taxonomy", hsds_json.taxonomy(term.taxonomy)) == []
    assert validate_record("taxonomy_term", hsds_json.taxonomy_term(term)) == []
    assert "phones" not in hsds_json.service_record(service)


def test_it_formats_values_without_losing_precision() -> None:
    from decimal import Decimal

    assert hsds_json.format_decimal(Decimal("12.00")) == "12"
    assert hsds_json.format_decimal(Decimal("12.50")) == "12.5"
    assert hsds_json.format_decimal(Decimal("1E+2")) == "100"
    assert hsds_json.format_datetime(
        dt.datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=dt.UTC)
    ) == ("2023-03-15T10:30:45.123Z")
    assert hsds_json.format_datetime(
        dt.datetime(2023, 3, 15, 10, 30, 45, 123456, tzinfo=dt.UTC)
    ) == ("2023-03-15T10:30:45.123456Z")
    assert hsds_json.format_time(dt.time(7, 5)) == "07:05"
