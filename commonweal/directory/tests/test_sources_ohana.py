"""The Ohana reader, on an 11-service cut of the San Mateo County sample (same files)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from commonweal.directory.sources import ids, ohana
from commonweal.directory.tabular import ImportFailed, TabularData
from commonweal.directory.tests.test_sources_hsds2 import assert_consistent

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ohana"
SOURCE = "ohana-san-mateo"


@pytest.fixture(scope="module")
def data() -> TabularData:
    return ohana.read(FIXTURE)


def uid(table: str, source_id: str) -> str:
    return ids.stable_uuid(SOURCE, table, source_id)


def row(data: TabularData, table: str, source_id: str) -> dict[str, str]:
    return next(r.values for r in data[table] if r.values["id"] == uid(table, source_id))


def linked(data: TabularData, table: str, field: str, target: str) -> list[dict[str, str]]:
    return [r.values for r in data[table] if r.values[field] == target]


def test_it_reads_the_fixture_into_consistent_hsds3_rows(data: TabularData) -> None:
    counts = {table: len(rows) for table, rows in data.items()}
    assert counts["organization"] == 5
    assert counts["location"] == 10
    assert counts["service"] == counts["service_at_location"] == 11
    assert counts["address"] == 20  # 10 street + 10 mailing addresses
    assert counts["taxonomy_term"] >= 290  # the whole Open Eligibility (Ohana) tree
    assert_consistent(data)


def test_it_hangs_services_off_their_location_and_its_organization(data: TabularData) -> None:
    service = row(data, "service", "1")
    [at] = linked(data, "service_at_location", "service_id", service["id"])

    assert service["name"] == "Fair Oaks Adult Activity Center"
    assert at["location_id"] == uid("location", "1")
    assert (
        service["organization_id"]
        == row(data, "location", "1")["organization_id"]
        == uid("organization", "1")
    )
    assert service["fees_description"].startswith("$2.50 suggested donation")
    # eligibility, then the audience as a second paragraph; two age limits: no ages.
    assert service["eligibility_description"] == (
        "Age 55 or over for most programs, age 60 or over for lunch program\n\n"
        "Older adults age 55 or over, ethnic minorities and low-income persons"
    )
    assert service["minimum_age"] == ""
    assert row(data, "service", "2")["minimum_age"] == "55"  # "Age 55 or over, county resident ..."


def test_it_splits_comma_joined_fields_into_rows(data: TabularData) -> None:
    service = uid("service", "1")
    assert sorted(f["source"] for f in linked(data, "funding", "service_id", service)) == [
        "City",
        "County",
        "Donations",
        "Fees",
        "Fundraising",
    ]
    access = sorted(
        a["description"] for a in linked(data, "accessibility", "location_id", uid("location", "1"))
    )
    assert access == ["Accessible restroom", "Disabled parking", "Ramp", "Wheelchair accessible"]
    areas = [a["name"] for a in linked(data, "service_area", "service_id", uid("service", "22"))]
    assert areas and all("," not in a for a in areas)
    payments = sorted(
        a["value"]
        for a in linked(data, "attribute", "link_id", uid("service", "22"))
        if a["link_type"] == ids.PAYMENT_ACCEPTED
    )
    assert payments == ["Cash", "Check", "Credit Card"]


def test_it_codes_location_languages(data: TabularData) -> None:
    spoken = sorted(
        (r["code"], r["name"])
        for r in linked(data, "language", "location_id", uid("location", "1"))
    )
    assert spoken == [("es", "Spanish"), ("tl", "Tagalog")]
    chinese = {(r.values["code"], r.values["name"]) for r in data["language"]}
    assert ("zh", "Cantonese") in chinese and ("zh", "Mandarin") in chinese  # "Chinese (Cantonese)"


def test_it_links_taxonomy_ids_and_keywords_to_terms(data: TabularData) -> None:
    terms = {r.values["id"]: r.values for r in data["taxonomy_term"]}
    attributes = linked(data, "attribute", "link_id", uid("service", "22"))

    codes = sorted(
        terms[a["taxonomy_term_id"]]["code"]
        for a in attributes
        if a["link_type"] == "source_taxonomy"
    )
    assert codes == ["105", "108", "108-05", "108-05-01", "111", "111-05"]
    assert terms[uid("taxonomy_term", "108-05-01")]["parent_id"] == uid("taxonomy_term", "108-05")
    keywords = {
        terms[a["taxonomy_term_id"]]["name"]
        for a in linked(data, "attribute", "link_id", uid("service", "1"))
        if a["link_type"] == "keyword"
    }
    assert {"Senior Centers", "Older Adults", "Brown Bag Food Programs"} <= keywords


def test_it_groups_weekly_hours_and_reads_mixed_time_formats(data: TabularData) -> None:
    location = {
        (s["byday"], s["opens_at"], s["closes_at"])
        for s in linked(data, "schedule", "location_id", uid("location", "22"))
        if s["freq"]
    }
    assert location == {
        ("MO,TU,WE,TH,FR", "08:00", "17:00"),
        ("SA", "10:00", "18:00"),
        ("SU", "11:00", "17:00"),
    }
    service = {
        (s["byday"], s["opens_at"], s["closes_at"])
        for s in linked(data, "schedule", "service_id", uid("service", "22"))
        if s["freq"]
    }
    assert service == {("MO", "08:00", "12:00"), ("MO", "14:00", "16:00"), ("WE", "10:00", "15:00")}
    # "9am" to "03:00": 03:00 is 24-hour notation, so the hours run overnight, as written.
    [overnight] = [
        s for s in linked(data, "schedule", "location_id", uid("location", "1")) if s["freq"]
    ]
    assert (overnight["opens_at"], overnight["closes_at"]) == ("09:00", "03:00")


def test_it_says_yearly_closures_in_words_and_dates_one_off_ones(data: TabularData) -> None:
    dated = [
        s for s in linked(data, "schedule", "location_id", uid("location", "22")) if not s["freq"]
    ]
    described = sorted(s["description"] for s in dated)
    assert described == [
        "",
        "Every year, January 1: Closed",
        "Every year, June 1 to September 1: Closed",
    ]
    one_off = next(s for s in dated if s["valid_from"])
    assert (
        one_off["valid_from"],
        one_off["valid_to"],
        one_off["opens_at"],
        one_off["closes_at"],
    ) == (
        "2015-12-24",
        "2015-12-24",
        "10:00",
        "16:00",
    )


def test_it_keeps_phone_types_extensions_and_vanity_numbers(data: TabularData) -> None:
    source = {r["id"]: r for r in csv.DictReader((FIXTURE / "phones.csv").open(encoding="utf-8"))}
    types = {row(data, "phone", i)["type"] for i in source}
    assert types <= {"voice", "fax", "text", "textphone", "cell", "video", "pager"}
    vanity = next(i for i, r in source.items() if r["vanity_number"])
    assert source[vanity]["vanity_number"] in row(data, "phone", vanity)["description"]
    assert row(data, "phone", "3")["extension"] == "4385"


def test_it_gives_the_same_ids_on_every_read(data: TabularData) -> None:
    again = ohana.read(FIXTURE)
    assert {t: [r.values["id"] for r in rows] for t, rows in again.items()} == {
        t: [r.values["id"] for r in rows] for t, rows in data.items()
    }


def test_it_detects_ohana_data_only() -> None:
    assert ohana.detect(FIXTURE)
    assert not ohana.detect(FIXTURE.parent / "miami-211")
    assert not ohana.detect(FIXTURE.parent / "hsds-sample")


def test_it_names_a_missing_required_column(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "ohana"
    shutil.copytree(FIXTURE, copy)
    (copy / "services.csv").write_text("id,name\n1,x\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as failed:
        ohana.read(copy)
    assert [(i.file, i.line, i.column) for i in failed.value.issues] == [
        (str(copy / "services.csv"), 1, "location_id")
    ]


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_imports_the_whole_ohana_sample_with_no_rejects() -> None:
    from conftest import shared_data_path

    data = ohana.read(shared_data_path("ohana-san-mateo"))
    assert len(data["service"]) == 23
    assert len(data["location"]) == 22
    assert_consistent(data)
    from commonweal.directory import importer

    summary = importer.import_tabular(data, source=SOURCE)
    assert summary.rejected == []
    assert summary.counts("service").created == 23
