"""The Miami 211 reader, on a 17-service cut of the real package (same files, same layout)."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest

from commonweal.directory.sources import ids, miami211
from commonweal.directory.sources.miami211 import parse_days, parse_hours, repair_text
from commonweal.directory.tabular import TabularData
from commonweal.directory.tests.test_sources_hsds2 import assert_consistent

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "miami-211"
SOURCE = "miami-211"


@pytest.fixture(scope="module")
def data() -> TabularData:
    return miami211.read(FIXTURE)


def uid(table: str, source_id: str) -> str:
    return ids.stable_uuid(SOURCE, table, source_id)


def row(data: TabularData, table: str, source_id: str) -> dict[str, str]:
    return next(r.values for r in data[table] if r.values["id"] == uid(table, source_id))


def schedules(data: TabularData, service: str) -> list[dict[str, str]]:
    return [s.values for s in data["schedule"] if s.values["service_id"] == uid("service", service)]


def test_it_reads_the_fixture_into_consistent_hsds3_rows(data: TabularData) -> None:
    counts = {table: len(rows) for table, rows in data.items()}
    assert counts["organization"] == counts["organization_identifier"] == 15
    assert counts["service"] == counts["location"] == counts["service_at_location"] == 17
    # 1532's address is empty; 1762 has a city and ZIP but no street, too little for HSDS 3.0.
    assert counts["address"] == 15
    assert counts["phone"] == 15  # two agencies have no number
    assert_consistent(data)


def test_it_maps_a_known_service(data: TabularData) -> None:
    service = row(data, "service", "144")

    assert service["name"] == "BUREAU OF VICTIM COMPENSATION"
    assert service["status"] == "active"  # empty in the source
    assert service["url"] == "http://www.myfloridalegal.com"
    assert "State Attorney’s Office" in service["application_process"]  # was "AttorneyGÇÖs"
    assert "\n\nThe form is assigned" in service["application_process"]  # was a literal "\n"
    assert "###" not in row(data, "service", "143")["description"]
    source_ids = [
        a.values["value"]
        for a in data["attribute"]
        if a.values["link_id"] == service["id"] and a.values["link_type"] == ids.SOURCE_RECORD_ID
    ]
    assert source_ids == ["miami-211:144"]


def test_it_keeps_numbers_reused_across_tables_apart_and_keeps_the_source_id(
    data: TabularData,
) -> None:
    organization, location = row(data, "organization", "136"), row(data, "location", "136")

    assert organization["id"] != location["id"] != row(data, "service", "136")["id"]
    assert location["external_identifier"] == "miami-211:136"
    assert location["external_identifier_type"] == "source id"
    identifier = next(
        r.values
        for r in data["organization_identifier"]
        if r.values["organization_id"] == organization["id"]
    )
    assert (identifier["identifier"], identifier["identifier_scheme"]) == (
        "miami-211:136",
        "commonweal-source",
    )


def test_it_climbs_child_agencies_to_their_organization(data: TabularData) -> None:
    # services.csv says 144 belongs to 143 (an organization); 6562 belongs to 6253, a
    # child agency that is no organization, whose parent 6017 is.
    assert row(data, "service", "144")["organization_id"] == uid("organization", "143")
    assert row(data, "service", "6562")["organization_id"] == uid("organization", "6017")
    # locations.csv gives every location its own number as organization_id.
    assert row(data, "location", "144")["organization_id"] == uid("organization", "143")
    assert row(data, "location", "136")["organization_id"] == uid("organization", "136")


def test_it_reparses_hours_that_the_weekday_rows_got_wrong(data: TabularData) -> None:
    raw = [
        r
        for r in csv.DictReader((FIXTURE / "data" / "regular_schedules.csv").open(encoding="utf-8"))
        if r["service_id"] == "164"
    ]
    # The source's weekday rows for "7:00am-7:00pm, Mon-Fri;\n8:00am-5:00pm, Sat" say
    # only Saturday, 7am to 7pm.
    assert [(r["weekday"], r["opens_at"], r["closes_at"]) for r in raw] == [
        ("Saturday", "7:00am", "7:00pm")
    ]

    hours = sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in schedules(data, "164"))
    assert hours == [("MO,TU,WE,TH,FR", "07:00", "19:00"), ("SA", "08:00", "17:00")]
    assert {s["freq"] for s in schedules(data, "164")} == {"WEEKLY"}
    assert schedules(data, "164")[0]["description"] == "7:00am-7:00pm, Mon-Fri;\n8:00am-5:00pm, Sat"


def test_it_reads_midnight_24_hours_headings_and_shared_days(data: TabularData) -> None:
    late = sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in schedules(data, "3212"))
    assert late == [
        ("MO,TU,WE,TH,FR", "16:00", "00:00"),
        ("SA", "12:00", "17:00"),
    ]  # "4:00pm-12:00am"

    mobile = next(s for s in schedules(data, "871") if s["notes"] == "Mobile Team")
    assert (mobile["byday"], mobile["opens_at"], mobile["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU",
        "00:00",
        "23:59",
    )

    walk_in = next(s for s in schedules(data, "1605") if s["notes"] == "Walk-In Hours")
    assert (walk_in["byday"], walk_in["opens_at"], walk_in["closes_at"]) == (
        "MO,WE",
        "09:00",
        "12:00",
    )

    # "8:00am-12:00pm; 1:00pm-5:00pm, Mon-Fri": both periods on every weekday.
    split = sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in schedules(data, "6233"))
    assert split == [("MO,TU,WE,TH,FR", "08:00", "12:00"), ("MO,TU,WE,TH,FR", "13:00", "17:00")]


def test_it_keeps_hours_it_cannot_read_as_words(data: TabularData) -> None:
    [only] = schedules(data, "2422")
    assert only["description"] == "Dismissal Bell - 6:00pm, Mon-Fri"
    assert only["freq"] == only["byday"] == only["opens_at"] == ""


def test_it_splits_extensions_and_keeps_non_numeric_ones_in_the_description(
    data: TabularData,
) -> None:
    phone = row(data, "phone", "163")
    assert (phone["number"], phone["extension"]) == ("305-573-4200", "57471")
    menu = row(data, "phone", "596")
    assert (menu["number"], menu["extension"], menu["description"]) == (
        "305-891-8850",
        "",
        "ext. OPT2",
    )


def test_it_codes_languages_and_keeps_what_else_the_text_says(data: TabularData) -> None:
    def languages(service: str) -> list[tuple[str, str, str]]:
        return sorted(
            (r.values["code"], r.values["name"], r.values["note"])
            for r in data["language"]
            if r.values["service_id"] == uid("service", service)
        )

    assert languages("136") == [
        ("en", "English", ""),
        ("es", "Spanish", ""),
        ("ht", "Haitian Creole", ""),
    ]
    assert ("es", "Spanish", "limited") in languages("2075")
    assert ("ht", "Haitian Creole", "Creole with translators as needed") in languages("1605")
    assert languages("997") == [("en", "English", ""), ("es", "Spanish", "")]
    assert (
        row(data, "service", "997")["interpretation_services"]
        == "other languages available upon request"
    )


def test_it_tidies_addresses(data: TabularData) -> None:
    address = next(
        r.values for r in data["address"] if r.values["location_id"] == uid("location", "136")
    )
    assert (address["state_province"], address["country"], address["address_type"]) == (
        "FL",
        "US",
        "physical",
    )
    assert not any(
        r.values["location_id"] == uid("location", "1532") for r in data["address"]
    )  # all empty


def test_it_places_locations_without_coordinates_at_their_zip_centroid(data: TabularData) -> None:
    from commonweal.directory.sources import geocode

    location = row(data, "location", "1762")  # no street address, ZIP 33131
    latitude, longitude = geocode.zip_centroid("33131")

    assert (float(location["latitude"]), float(location["longitude"])) == pytest.approx(
        (latitude, longitude)
    )
    flags = [
        a.values["value"]
        for a in data["attribute"]
        if a.values["link_id"] == location["id"]
        and a.values["link_type"] == ids.APPROXIMATE_LOCATION
    ]
    assert flags == ["zip-centroid:33131"]
    # Locations with coordinates in the source keep them and are not flagged.
    given = {
        r["id"]: r["latitude"]
        for r in csv.DictReader((FIXTURE / "data" / "locations.csv").open(encoding="utf-8"))
        if r["latitude"]
    }
    assert given
    flagged = {
        a.values["link_id"]
        for a in data["attribute"]
        if a.values["link_type"] == ids.APPROXIMATE_LOCATION
    }
    for source_id, latitude in given.items():
        assert row(data, "location", source_id)["latitude"] == latitude
        assert uid("location", source_id) not in flagged


def test_it_keeps_airs_codes_but_never_airs_term_names(data: TabularData) -> None:
    taxonomy = next(r.values for r in data["taxonomy"] if r.values["name"] == miami211.VOCABULARY)
    terms = [r.values for r in data["taxonomy_term"] if r.values["taxonomy_id"] == taxonomy["id"]]
    source = list(csv.DictReader((FIXTURE / "data" / "taxonomy.csv").open(encoding="utf-8")))

    assert {t["code"] for t in terms} == {r["id"] for r in source}
    assert all(t["name"] == t["code"] for t in terms)
    airs_names = {r["name"] for r in source} | {
        r["parent_name"] for r in source if r["parent_name"]
    }
    term_ids = {t["id"] for t in terms}
    airs_rows = [taxonomy, *terms] + [
        a.values for a in data["attribute"] if a.values["taxonomy_term_id"] in term_ids
    ]
    assert airs_names & {v for r in airs_rows for v in r.values()} == set()
    # Each (service, code) pair once, even where services_taxonomy.csv repeats it.
    pairs = [
        (a.values["link_id"], a.values["taxonomy_term_id"])
        for a in data["attribute"]
        if a.values["link_type"] == "source_taxonomy"
    ]
    listed = {
        (r["service_id"], r["taxonomy_id"])
        for r in csv.DictReader((FIXTURE / "data" / "services_taxonomy.csv").open(encoding="utf-8"))
    }
    assert len(pairs) == len(set(pairs)) == len(listed)


def test_it_adds_open_eligibility_categories_when_that_mapping_is_installed(
    data: TabularData,
) -> None:
    categorized = {
        a.values["link_id"]
        for a in data["attribute"]
        if a.values["link_type"] == "service_category"
    }
    assert uid("service", "136") in categorized


def test_it_does_not_attach_eligibility_texts_that_name_no_service(data: TabularData) -> None:
    # eligibility.csv has neither ids nor service ids (see docs/data-import.md).
    assert all(r.values["eligibility_description"] == "" for r in data["service"])


def test_it_gives_the_same_ids_on_every_read_of_a_folder_or_a_zip(
    tmp_path: Path, data: TabularData
) -> None:
    archive = tmp_path / "miami.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in FIXTURE.rglob("*"):
            if file.is_file():
                zf.write(file, file.relative_to(FIXTURE).as_posix())

    again = miami211.read(archive)
    assert {t: [r.values for r in rows] for t, rows in again.items()} == {
        t: [r.values for r in rows] for t, rows in data.items()
    }
    assert miami211.detect(archive)


def test_it_points_each_row_at_its_source_file_and_line(data: TabularData) -> None:
    service = next(r for r in data["service"] if r.values["id"] == uid("service", "144"))
    assert (service.ref.file, service.ref.line) == (str(FIXTURE / "data" / "services.csv"), 4)
    schedule = next(r for r in data["schedule"] if r.values["service_id"] == uid("service", "164"))
    lines = (FIXTURE / "data" / "regular_schedules.csv").read_text(encoding="utf-8").split("\n")
    assert lines[schedule.ref.line - 1].startswith(",164,")
    assert schedule.column_for("byday") == "original_text"


def test_it_detects_only_the_miami_package(tmp_path: Path) -> None:
    assert miami211.detect(FIXTURE)
    assert not miami211.detect(FIXTURE.parent / "hsds-sample")
    assert not miami211.detect(FIXTURE.parent / "ohana")
    copy = tmp_path / "not-miami"
    shutil.copytree(FIXTURE, copy)
    (copy / "data" / "taxonomy.csv").write_text(
        "id,name,parent_id,parent_name,vocabulary\n", encoding="utf-8"
    )
    assert not miami211.detect(copy)


# --- pure helpers ----------------------------------------------------------------------


def test_it_repairs_code_page_437_mojibake_only_where_unambiguous() -> None:
    assert repair_text("State AttorneyGÇÖs Office") == "State Attorney’s Office"
    assert repair_text("GÇ£quotedGÇ¥ 9:00amGÇô5:00pm") == "“quoted” 9:00am–5:00pm"
    assert (
        repair_text("The Caf+¬ at Lotus; Liga Contra el C+íncer")
        == "The Café at Lotus; Liga Contra el Cáncer"
    )
    assert repair_text("ni+¦os") == "ni+¦os"  # ñ, ó or ú: left alone
    assert repair_text("plain ASCII") == "plain ASCII"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", "FR MO TH TU WE"),
        ("Mon, Wed, Thur", "MO TH WE"),
        ("Tue-Sun", "FR SA SU TH TU WE"),
        ("Mon, Wed-Sun", "FR MO SA SU TH WE"),
        ("Mon- Thurs", "MO TH TU WE"),
        ("Mon-Thru", "MO TH TU WE"),
        ("Tue,Thur", "TH TU"),
        ("7 days a week", "FR MO SA SU TH TU WE"),
        ("Every 3rd Saturday of each month", None),
        ("Sat, Sun, and Holidays", None),
    ],
)
def test_it_reads_day_lists(text: str, days: str | None) -> None:
    found = parse_days(text)
    assert (" ".join(sorted(found)) if found else None) == days


def test_it_leaves_dated_sessions_and_notes_out_of_weekly_hours() -> None:
    periods, notes = parse_hours(
        "4:30pm-7:30pm, Mon, Wed\n\n9:00am-12:00pm, Sat (Feb 9, 16, 23)\n\nBy appointment only"
    )
    assert [(sorted(p.days), p.opens_at, p.closes_at) for p in periods] == [
        (["MO", "WE"], "16:30", "19:30")
    ]
    assert notes == ["9:00am-12:00pm, Sat (Feb 9, 16, 23)", "By appointment only"]


def test_it_keeps_a_qualifier_and_a_start_time_without_an_end() -> None:
    periods, notes = parse_hours("Food Pantry:\n9:30am, Sat\n6:30am-12:00pm (dispensing), Mon-Fri")
    assert [(sorted(p.days), p.opens_at, p.closes_at, p.notes) for p in periods] == [
        (["SA"], "09:30", "", "Food Pantry"),
        (["FR", "MO", "TH", "TU", "WE"], "06:30", "12:00", "Food Pantry; dispensing"),
    ]
    assert notes == []


# --- the whole shared data set -----------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_reads_and_imports_the_whole_miami_directory_with_no_rejects() -> None:
    from conftest import shared_data_path

    data = miami211.read(shared_data_path("hsds-miami-211"))
    assert len(data["service"]) == 4089
    assert len(data["organization"]) == 1074
    assert len(data["location"]) == 4089
    assert_consistent(data)
    from commonweal.directory import importer

    summary = importer.import_tabular(data, source=SOURCE)
    assert summary.rejected == []
    assert summary.counts("service").created == 4089


def test_it_dates_every_service_to_the_source_export_not_the_import() -> None:
    data = miami211.read(FIXTURE)
    assert {row.values["last_modified"] for row in data["service"]} == {"2019-07-29T00:00:00Z"}
