from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from commonweal.directory.sources import open_eligibility as oe
from commonweal.directory.sources.ids import hsds_row, stable_uuid
from commonweal.directory.tabular import ImportFailed, SourceRef, TabularData
from conftest import shared_data_path


def _terms(data: TabularData) -> dict[str, dict[str, str]]:
    return {r.values["code"]: r.values for r in data["taxonomy_term"]}


def test_it_reads_both_facets_into_two_taxonomies() -> None:
    data = oe.read()

    assert [t.values["name"] for t in data["taxonomy"]] == [
        "Open Eligibility",
        "Open Eligibility Situations",
    ]
    by_taxonomy = defaultdict(list)
    for row in data["taxonomy_term"]:
        by_taxonomy[row.values["taxonomy_id"]].append(row.values)
    assert len(by_taxonomy[oe.TAXONOMY_ID]) == 291
    assert len(by_taxonomy[oe.SITUATIONS_TAXONOMY_ID]) == 94
    top = [t["name"] for t in by_taxonomy[oe.TAXONOMY_ID] if not t["parent_id"]]
    assert top == [
        "Emergency",
        "Food",
        "Housing",
        "Goods",
        "Transit",
        "Health",
        "Money",
        "Care",
        "Education",
        "Work",
        "Legal",
    ]


def test_it_gives_primary_care_its_own_code_instead_of_the_duplicate_1206() -> None:
    terms = _terms(oe.read())

    assert terms["1206"]["name"] == "Medical Care"
    assert terms["1206a"]["name"] == "Primary Care"
    assert terms["1206a"]["parent_id"] == terms["1206"]["id"] == oe.term_id("1206")
    assert terms["1207"]["parent_id"] == terms["1206"]["id"]  # Alternative Medicine
    assert terms["1206"]["parent_id"] == oe.term_id("1106")  # under Health
    assert len({t["id"] for t in terms.values()}) == 385


def test_it_keeps_the_hierarchy_within_each_facet() -> None:
    terms = _terms(oe.read())
    by_id = {t["id"]: t for t in terms.values()}

    assert terms["1235"]["name"] == "Food Benefits"
    path = []
    node = terms["1235"]
    while node:
        path.append(node["name"])
        node = by_id.get(node["parent_id"])
    assert path == ["Food Benefits", "Help Pay for Food", "Financial Assistance", "Money"]
    for term in terms.values():
        if term["parent_id"]:
            assert by_id[term["parent_id"]]["taxonomy_id"] == term["taxonomy_id"]


def test_it_describes_every_term() -> None:
    terms = _terms(oe.read())

    assert terms["1102"]["description"].startswith("Services for free meals, food pantries")
    assert terms["1130"]["description"] == "Open Eligibility service category: Food > Food Pantry."
    assert terms["20010"]["description"] == "Open Eligibility situation: Armed Forces > Veterans."
    assert all(t["description"] and t["language"] == "en" for t in terms.values())


def test_it_gives_the_same_ids_on_every_read() -> None:
    first, second = oe.read(), oe.read()

    assert [r.values for r in first["taxonomy_term"]] == [r.values for r in second["taxonomy_term"]]
    assert (
        _terms(first)["1130"]["id"]
        == oe.term_id("1130")
        == stable_uuid("open-eligibility", "taxonomy_term", "1130")
    )


def test_it_points_each_row_at_its_line() -> None:
    terms = {r.values["code"]: r for r in oe.read()["taxonomy_term"]}

    assert terms["1101"].ref == SourceRef(str(oe.BUNDLED_FILE), 2)
    assert terms["1206a"].ref.line == 103


def test_it_bundles_the_shared_file_unchanged_and_reads_it_alike() -> None:
    shared = shared_data_path("open-eligibility", "auntbertha_taxonomy_v2_flat.csv")

    assert oe.BUNDLED_FILE.read_bytes() == shared.read_bytes()
    assert [r.values for r in oe.read(shared)["taxonomy_term"]] == [
        r.values for r in oe.read()["taxonomy_term"]
    ]


def test_it_detects_its_file_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "oe"
    folder.mkdir()
    shutil.copy(oe.BUNDLED_FILE, folder / "taxonomy.csv")
    other = tmp_path / "other.csv"
    other.write_text("id,name\n1,x\n", encoding="utf-8")

    assert oe.detect(oe.BUNDLED_FILE)
    assert oe.detect(folder)
    assert not oe.detect(other)
    assert not oe.detect(tmp_path / "missing.csv")
    assert not oe.detect(Path(__file__).parent / "fixtures" / "samhsa")


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "oe.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_it_names_a_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,title,level,parent_id,path,description\n1,Food,1,,Food,\n")

    with pytest.raises(ImportFailed) as failed:
        oe.read(path)

    assert [(i.file, i.line, i.column) for i in failed.value.issues] == [(str(path), 1, "facet")]


def test_it_names_the_line_of_an_unknown_parent_and_a_bad_facet(tmp_path: Path) -> None:
    header = ",".join(oe.COLUMNS)
    path = _write(
        tmp_path,
        f'{header}\n1,Food,1,,service,Food,"two\nlines"\n2,Pantry,2,9,service,Food > Pantry,\n3,X,1,,other,X,\n',
    )

    with pytest.raises(ImportFailed) as failed:
        oe.read(path)

    found = {(i.line, i.column) for i in failed.value.issues}
    assert found == {(4, "parent_id"), (5, "facet")}


def test_it_rejects_text_that_is_not_utf8(tmp_path: Path) -> None:
    header = ",".join(oe.COLUMNS).encode()
    path = _write(tmp_path, header + b"\n1,Caf\xe9,1,,service,Caf\xe9,\n")

    with pytest.raises(ImportFailed) as failed:
        oe.read(path)

    assert (failed.value.issues[0].line, failed.value.issues[0].message) == (2, "not UTF-8 text")


# --- the AIRS mapping -----------------------------------------------------------------


def test_it_maps_by_the_longest_prefix() -> None:
    assert oe.map_code("BD-1800.2000") == ("1128", "1130", "1120")  # BD-1800: emergency food
    assert oe.map_code("BD-5000.3500-450") == ("1129", "1131")  # BD-5000.3500: home delivered
    assert oe.map_code("BD-5000.8300") == ("1131",)  # BD-5000: meals
    assert oe.map_code("BD-9999") == ("1102",)  # BD: food in general
    assert oe.map_code(" bd-1800 ") == oe.map_code("BD-1800")


def test_it_only_matches_prefixes_at_a_code_boundary() -> None:
    assert oe.map_code("LN-1500") == ("1206a",)
    assert oe.map_code("RP-1500.1400") != oe.map_code("RP-1500")  # its own, longer entry
    assert oe.map_code("RP-15000") == oe.map_code("RP")  # not RP-1500


def test_it_maps_an_explicit_no_category_to_nothing() -> None:
    # Travelers assistance is consulates and tourist offices in Miami: no OE term fits.
    assert oe.map_code("BT-8750.1000") == ()
    assert oe.map_code("BT-4500") == ("1175",)
    assert oe.map_code("ZZ-1000") == ()


def test_it_keeps_the_mapping_table_to_codes_and_open_eligibility_names() -> None:
    terms = oe.bundled_terms()
    with oe.MAPPING_FILES["airs"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert len(rows) == len(oe.mapping("airs")) > 300
    for row in rows:
        codes = row["open_eligibility_codes"].split()
        # The only words in the table are Open Eligibility paths (CC BY-SA), never AIRS names.
        assert row["open_eligibility_terms"] == " | ".join(terms[c].path for c in codes)
        assert row["source_code_prefix"].replace("-", "").replace(".", "").isalnum()


def test_it_ships_no_airs_term_name() -> None:
    taxonomy = shared_data_path("hsds-miami-211", "data", "taxonomy.csv")
    with taxonomy.open(encoding="utf-8", newline="") as handle:
        airs_names = {row["name"].strip().lower() for row in csv.DictReader(handle)}
    with oe.MAPPING_FILES["airs"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    oe_names = {t.name.lower() for t in oe.bundled_terms().values()}

    # Every phrase in the table is an Open Eligibility term name; where AIRS happens to
    # use the same words ("Food Pantry"), it is Open Eligibility's name we ship.
    phrases = {
        p.strip().lower()
        for r in rows
        for part in r["open_eligibility_terms"].split("|")
        for p in part.split(">")
    }
    assert phrases - {""} <= oe_names
    assert not any(r["source_code_prefix"].lower() in airs_names for r in rows)


def test_it_categorizes_most_miami_services() -> None:
    folder = shared_data_path("hsds-miami-211", "data")
    with (folder / "services.csv").open(encoding="utf-8", newline="") as handle:
        services = [row["id"] for row in csv.DictReader(handle)]
    codes = defaultdict(set)
    with (folder / "services_taxonomy.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            codes[row["service_id"]].add(row["taxonomy_id"])
    terms = oe.bundled_terms()

    def has_category(service: str) -> bool:
        return any(
            terms[c].facet == "service" for code in codes[service] for c in oe.map_code(code)
        )

    categorized = sum(has_category(s) for s in services)
    coded = sum(1 for s in services if codes[s])
    # Measured: 3,433 of 4,089 services (84%); 500 services carry no code at all.
    assert categorized / len(services) > 0.83
    assert categorized / coded > 0.95


# --- categorize -----------------------------------------------------------------------


def _airs_data(*codes_by_service: tuple[str, list[str]]) -> TabularData:
    ref = SourceRef("services_taxonomy.csv", 2)
    taxonomy_id = stable_uuid("miami-211", "taxonomy", "airs")
    data: TabularData = {
        "taxonomy": [
            hsds_row(
                "taxonomy",
                {"id": taxonomy_id, "name": "Open211 Miami - AIRS", "description": "codes"},
                ref,
            )
        ],
        "taxonomy_term": [],
        "attribute": [],
    }
    for service, codes in codes_by_service:
        for code in codes:
            term = stable_uuid("miami-211", "taxonomy_term", code)
            if not any(t.values["id"] == term for t in data["taxonomy_term"]):
                data["taxonomy_term"].append(
                    hsds_row(
                        "taxonomy_term",
                        {
                            "id": term,
                            "code": code,
                            "name": code,
                            "description": code,
                            "taxonomy_id": taxonomy_id,
                        },
                        ref,
                    )
                )
            data["attribute"].append(
                hsds_row(
                    "attribute",
                    {
                        "id": stable_uuid("miami-211", "attribute", f"{service}:{code}"),
                        "link_id": service,
                        "taxonomy_term_id": term,
                        "link_type": "source_taxonomy",
                        "link_entity": "service",
                    },
                    ref,
                )
            )
    return data


def _categories(data: TabularData, service: str) -> dict[str, str]:
    names = {r.values["id"]: r.values["code"] for r in data["taxonomy_term"]}
    return {
        names[a.values["taxonomy_term_id"]]: a.values["link_type"]
        for a in data["attribute"]
        if a.values["link_id"] == service and a.values["link_type"] != "source_taxonomy"
    }


def test_it_adds_categories_and_situations_for_source_codes() -> None:
    pantry, clinic = stable_uuid("t", "service", "1"), stable_uuid("t", "service", "2")
    data = _airs_data((pantry, ["BD-1800.2000", "YB-8000"]), (clinic, ["LN-1500", "TA-5500"]))

    oe.categorize(data)

    assert _categories(data, pantry) == {
        "1128": "service_category",
        "1130": "service_category",
        "1120": "service_category",
        "20006": "service_situation",  # Seniors
    }
    assert _categories(data, clinic) == {"1206a": "service_category"}
    assert {t.values["name"] for t in data["taxonomy"]} >= {
        "Open Eligibility",
        "Open Eligibility Situations",
    }
    assert (
        len([t for t in data["taxonomy_term"] if t.values["taxonomy_id"] == oe.TAXONOMY_ID]) == 291
    )


def test_it_adds_each_category_once_even_when_run_twice() -> None:
    service = stable_uuid("t", "service", "1")
    # BH-1800 and BH-1850 both give Housing > Emergency Shelter.
    data = _airs_data((service, ["BH-1800", "BH-1850"]))

    oe.categorize(data)
    first = [r.values for r in data["attribute"]]
    terms = len(data["taxonomy_term"])
    oe.categorize(data)

    assert [r.values for r in data["attribute"]] == first
    assert len(data["taxonomy_term"]) == terms
    assert sorted(_categories(data, service)) == ["1121", "1135", "1136"]
    assert len({r.values["id"] for r in data["attribute"]}) == len(data["attribute"])


def test_it_gives_the_same_category_ids_on_a_fresh_read() -> None:
    service = stable_uuid("t", "service", "1")
    first, second = _airs_data((service, ["RX-8450"])), _airs_data((service, ["RX-8450"]))

    oe.categorize(first)
    oe.categorize(second)

    assert [r.values for r in first["attribute"]] == [r.values for r in second["attribute"]]


def test_it_ignores_codes_of_other_taxonomies_and_other_entities() -> None:
    service = stable_uuid("t", "service", "1")
    data = _airs_data((service, ["BD-1800"]))
    data["taxonomy"][0].values["name"] = "Stairs and chairs"  # "airs", but not the word
    data["taxonomy_term"][0].values["taxonomy"] = ""

    oe.categorize(data)

    assert _categories(data, service) == {}
    assert "taxonomy_term" in data and len(data["taxonomy_term"]) == 1


def test_it_refuses_an_unknown_vocabulary() -> None:
    with pytest.raises(ValueError, match="no Open Eligibility mapping"):
        oe.categorize({}, vocabulary="nope")
