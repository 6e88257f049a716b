from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from commonweal.directory.sources import open_eligibility as oe
from commonweal.directory.sources import samhsa
from commonweal.directory.sources.ids import stable_uuid
from commonweal.directory.tabular import ImportFailed, TabularData
from conftest import shared_data_path

FIXTURES = Path(__file__).parent / "fixtures" / "samhsa"


@pytest.fixture(scope="module")
def data() -> TabularData:
    return samhsa.read(FIXTURES)


def _by(data: TabularData, table: str, field: str) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for row in data.get(table, []):
        found.setdefault(row.values[field], []).append(row.values)
    return found


def _service(data: TabularData, organization: str, name: str | None = None) -> dict[str, str]:
    org_ids = {r.values["id"] for r in data["organization"] if r.values["name"] == organization}
    matches = [
        r.values
        for r in data["service"]
        if r.values["organization_id"] in org_ids and (name is None or r.values["name"] == name)
    ]
    assert len(matches) == 1, matches
    return matches[0]


def _categories(data: TabularData, service_id: str) -> set[str]:
    codes = {r.values["id"]: r.values["code"] for r in data["taxonomy_term"]}
    return {
        codes[a.values["taxonomy_term_id"]]
        for a in data["attribute"]
        if a.values["link_id"] == service_id
    }


def test_it_reads_every_file_kind_in_a_folder(data: TabularData) -> None:
    lines = {
        "hrsa_fqhc_sites.csv": 8,
        "mental_health_facilities.csv": 13,
        "opioid_treatment_programs.csv": 6,
        "substance_use_treatment_facilities.csv": 9,
    }
    per_file: dict[str, int] = {}
    for row in data["service"]:
        per_file[Path(row.ref.file).name] = per_file.get(Path(row.ref.file).name, 0) + 1

    # The mental health fixture repeats one facility (OU Medical Center) on two lines.
    assert per_file == {**lines, "mental_health_facilities.csv": 12}
    assert len(data["service_at_location"]) == len(data["service"]) == 35


def test_it_maps_a_mental_health_row_to_hsds(data: TabularData) -> None:
    service = _service(data, "Kristi House Inc", "Mental health treatment – Naranja Office")
    sal = next(
        r.values for r in data["service_at_location"] if r.values["service_id"] == service["id"]
    )
    location = next(r.values for r in data["location"] if r.values["id"] == sal["location_id"])
    address = _by(data, "address", "location_id")[location["id"]][0]
    phones = _by(data, "phone", "service_id")[service["id"]]

    assert service["status"] == "active"
    assert service["url"] == "http://www.kristihouse.org/therapy/"
    assert "SAMHSA" in service["description"] and "2020" in service["description"]
    assert (location["latitude"], location["longitude"], location["location_type"]) == (
        "25.52218",
        "-80.418023",
        "physical",
    )
    assert (
        address["address_1"],
        address["city"],
        address["state_province"],
        address["postal_code"],
        address["country"],
    ) == (
        "13955 SW 264th Street",
        "Homestead",
        "FL",
        "33032",
        "US",
    )
    assert [(p["number"], p["description"]) for p in phones] == [
        ("786-481-5885", ""),
        ("305-547-6800", "Intake"),
    ]
    assert _categories(data, service["id"]) == {"1220", "20051"}


def test_it_keeps_one_organization_per_name_and_state(data: TabularData) -> None:
    kristi = [r for r in data["organization"] if r.values["name"] == "Kristi House Inc"]
    services = [r for r in data["service"] if r.values["organization_id"] == kristi[0].values["id"]]

    assert len(kristi) == 1
    assert len(services) == 2
    assert (
        kristi[0]
        .values["description"]
        .startswith("Behavioral health treatment provider listed by SAMHSA")
    )


def test_it_pads_zips_that_lost_their_leading_zeros(data: TabularData) -> None:
    postal = {r.values["address_1"]: r.values["postal_code"] for r in data["address"]}

    assert postal["60 Westwood Avenue"] == "06708"  # written 6708 in the file
    assert postal["Ave. Jose' de Diego #392 Oeste"] == "00736"  # written 736
    assert postal["P.O. Box 191149"] == "00919"  # written 00919-1149


def test_it_reads_the_windows_1252_opioid_file(data: TabularData) -> None:
    names = {r.values["name"] for r in data["organization"]}

    assert "Clínica de Tratamiento Integral Asistido con Medicamentos Cayey" in names


def test_it_cleans_hrsa_entities_and_phone_extensions(data: TabularData) -> None:
    names = {r.values["name"] for r in data["location"]}
    numbers = {(r.values["number"], r.values["extension"]) for r in data["phone"]}

    assert "Telehealth & Visiting Specialist Center" in names
    assert ("305-517-6613", "303") in numbers and ("305-517-6613", "307") in numbers
    # Palm Lakes Elementary has no phone in the file: no phone row, not an empty one.
    assert all(r.values["number"] for r in data["phone"])


def test_it_gives_hrsa_sites_their_street_but_no_zipless_address(data: TabularData) -> None:
    service = _service(data, "SOUTH DADE HEALTH CENTER")
    location = next(
        r.values for r in data["location"] if r.values["name"] == "SOUTH DADE HEALTH CENTER"
    )

    assert location["description"] == "13600 SW 312th St, Homestead, FL"
    assert location["id"] not in _by(data, "address", "location_id")
    assert service["name"] == "Community health center"
    assert "HRSA" in service["description"]
    assert _categories(data, service["id"]) == {
        "1206a",
        "1201",
    }  # Primary Care, Discounted Healthcare


def test_it_names_services_by_kind_and_program(data: TabularData) -> None:
    assert (
        _service(data, "Waterbury Hospital")["name"]
        == "Mental health treatment – Behavioral Health"
    )
    thrive = _service(data, "AIDS Action Coalition")
    assert (thrive["name"], thrive["alternate_name"]) == (
        "Substance use treatment",
        "Thrive Alabama",
    )
    opioid = _service(data, "Golden Glades Treatment Center")
    assert opioid["name"] == "Opioid treatment program"
    assert _categories(data, opioid["id"]) == {"1178", "1181", "20050"}


def test_it_merges_a_repeated_row_and_shares_a_location_between_programs(data: TabularData) -> None:
    ou = [r for r in data["location"] if r.values["name"] == "OU Medical Center"]
    saint_marys = [
        r for r in data["location"] if r.values["name"] == "Saint Marys Regional Medical Center"
    ]

    assert len(ou) == 1
    assert len(_by(data, "service", "organization_id")[ou[0].values["organization_id"]]) == 1
    # Two units at one street address, told apart by street2: two locations.
    assert len(saint_marys) == 2


def test_it_derives_ids_from_row_content() -> None:
    first, second = samhsa.read(FIXTURES), samhsa.read(FIXTURES)
    kristi = _service(first, "Kristi House Inc", "Mental health treatment – Naranja Office")

    for table in first:
        assert [r.values for r in first[table]] == [r.values for r in second[table]]
    key = "mental_health|FL|kristi house inc|13955 sw 264th street||homestead|33032|naranja office"
    assert kristi["id"] == stable_uuid("samhsa", "service", key)
    ids = [r.values["id"] for table in first.values() for r in table]
    assert len(ids) == len(set(ids))


def test_it_points_rows_at_their_file_and_line(data: TabularData) -> None:
    row = next(
        r for r in data["service"] if r.values["name"] == "Mental health treatment – Naranja Office"
    )

    assert row.ref.file == str(FIXTURES / "mental_health_facilities.csv")
    assert row.ref.line == 7
    assert row.source_columns["name"] == "name2"


def test_it_adds_the_open_eligibility_taxonomy_its_attributes_use(data: TabularData) -> None:
    term_ids = {r.values["id"] for r in data["taxonomy_term"]}

    assert {r.values["name"] for r in data["taxonomy"]} == {
        oe.TAXONOMY_NAME,
        oe.SITUATIONS_TAXONOMY_NAME,
    }
    assert all(a.values["taxonomy_term_id"] in term_ids for a in data["attribute"])
    assert {a.values["link_type"] for a in data["attribute"]} == {
        "service_category",
        "service_situation",
    }


def test_it_keeps_one_county_resolving_files_without_a_county_column() -> None:
    miami = samhsa.read(FIXTURES, county="Miami-Dade", state="FL")
    names = {r.values["name"] for r in miami["location"]}

    assert {"Kristi House Inc", "Trinity CMHC Inc", "New Hope CORPS"} <= names  # county column
    assert {
        "Comprehensive Psychiatric Center (CPC) - North",
        "Comprehensive Psychiatric Center (South)",
    } <= names  # ZIP, city
    assert {"SOUTH DADE HEALTH CENTER", "Bunch Park Elementary School"} <= names  # nearest, city
    assert "Metro Treatment of Florida, LP" not in names  # Hollywood: Broward by city
    assert "Marathon Health Center" not in names and "RHN - Suite F" not in names  # Monroe, nearest
    assert "Broward Addiction Recovery Center" not in names
    assert "Miami VA Healthcare System" in names  # Homestead CBOC; the Key Largo one is Monroe
    assert len(miami["service"]) == 16


def test_it_matches_county_names_loosely_and_filters_by_state() -> None:
    assert (
        samhsa.read(FIXTURES, county="miami dade county", state="fl").keys()
        == samhsa.read(FIXTURES, county="Miami-Dade").keys()
    )
    assert len(samhsa.read(FIXTURES, county="Miami-Dade", state="FL")["service"]) == len(
        samhsa.read(FIXTURES, county="MIAMI-DADE")["service"]
    )
    connecticut = samhsa.read(FIXTURES, state="CT")
    assert {r.values["name"] for r in connecticut["organization"]} == {
        "Perspectives Center for Care Inc",
        "Waterbury Hospital",
    }
    assert samhsa.read(FIXTURES, state="ZZ") == {}


def test_it_reads_one_file_and_gzipped_files(tmp_path: Path) -> None:
    gz = tmp_path / "mental_health_facilities.csv.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "mental_health_facilities.csv").read_bytes()))

    plain = samhsa.read(FIXTURES / "mental_health_facilities.csv")
    zipped = samhsa.read(gz)

    assert len(plain["service"]) == 12
    assert [r.values for r in zipped["service"]] == [r.values for r in plain["service"]]
    assert zipped["service"][0].ref.file == str(gz)


def test_it_detects_facility_files() -> None:
    assert samhsa.detect(FIXTURES)
    assert samhsa.detect(FIXTURES / "hrsa_fqhc_sites.csv")
    assert not samhsa.detect(oe.BUNDLED_FILE)
    assert not samhsa.detect(FIXTURES / "README.md")
    assert not samhsa.detect(FIXTURES / "missing.csv")


def test_it_names_the_missing_column_of_a_nearly_recognised_file(tmp_path: Path) -> None:
    path = tmp_path / "otp.csv"
    path.write_text(
        "ID,ADDRESS,CITY,STATE,Latitude,Longitude\nX,1 Main St,Miami,FL,25.1,-80.2\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportFailed) as failed:
        samhsa.read(path)

    assert [(i.file, i.line, i.column) for i in failed.value.issues] == [(str(path), 1, "POSTAL")]


def test_it_rejects_an_empty_file_and_an_unknown_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    unknown = tmp_path / "people.csv"
    unknown.write_text("name,age\nAda,36\n", encoding="utf-8")

    with pytest.raises(ImportFailed, match="the file is empty"):
        samhsa.read(empty)
    with pytest.raises(ImportFailed, match="no SAMHSA/HRSA facility file"):
        samhsa.read(unknown)


def test_it_passes_bad_coordinates_on_for_validation_to_report(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "opioid_treatment_programs.csv", tmp_path / "otp.csv")
    text = (tmp_path / "otp.csv").read_bytes().replace(b"25.9308135", b"925.9308135")
    (tmp_path / "otp.csv").write_bytes(text)

    data = samhsa.read(tmp_path / "otp.csv")
    bad = next(r for r in data["location"] if r.values["name"] == "Golden Glades Treatment Center")

    assert bad.values["latitude"] == "925.9308135"
    assert (bad.ref.line, bad.column_for("latitude")) == (6, "Latitude")


@pytest.mark.django_db
def test_it_imports_the_fixtures_with_no_rejects_and_reimports_as_a_no_op() -> None:
    from commonweal.directory.importer import import_tabular
    from commonweal.directory.models import Attribute, Location, Service

    first = import_tabular(samhsa.read(FIXTURES), source="samhsa")
    second = import_tabular(samhsa.read(FIXTURES), source="samhsa")

    assert first.rejected == []
    assert Service.objects.count() == 35
    assert Location.objects.filter(latitude__isnull=False).count() == 35
    assert Attribute.objects.filter(link_type="service_category").count() == 8 * 2 + 12 + 9 + 6 * 2
    assert second.total.created == second.total.updated == 0


def test_it_reads_the_whole_data_set_and_its_miami_dade_part() -> None:
    folder = shared_data_path("samhsa-treatment-facilities")

    everything = samhsa.read(folder)
    miami = samhsa.read(folder, county="Miami-Dade", state="FL")

    # 11,375 + 14,034 + 1,831 + 13,577 rows, less repeated rows (344 MH, 16 SU, 1 OTP, 18 HRSA).
    assert len(everything["service"]) == 40_449
    kinds = {}
    for row in miami["service"]:
        kinds[Path(row.ref.file).name] = kinds.get(Path(row.ref.file).name, 0) + 1
    assert kinds == {
        "hrsa_fqhc_sites.csv": 224,
        "mental_health_facilities.csv": 56,
        "opioid_treatment_programs.csv": 5,
        "substance_use_treatment_facilities.csv": 64,
    }


@pytest.mark.django_db
def test_it_imports_the_whole_national_data_set_with_no_rejects() -> None:
    from commonweal.directory.importer import import_tabular
    from commonweal.directory.models import Service

    data = samhsa.read(shared_data_path("samhsa-treatment-facilities"))
    summary = import_tabular(data, source="samhsa")
    assert summary.total.rejected == 0
    assert Service.objects.count() == 40_449
