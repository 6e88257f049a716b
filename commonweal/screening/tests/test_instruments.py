"""Loading, checking and looking up instrument definitions (screening/instruments.py)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonweal.screening import instruments
from commonweal.screening.instruments import InstrumentDefinitionError

BUNDLED = ["ahc-hrsn", "asq", "gad-2", "gad-7", "phq-2", "phq-9", "ucla-3", "who-5"]


@pytest.fixture(autouse=True)
def fresh_registry():
    instruments.clear_cache()
    yield
    instruments.clear_cache()


def minimal_definition() -> dict:
    return {
        "code": "local-food",
        "name": {"en": "Food check"},
        "title": {"en": "Local food check"},
        "url": "https://partnership.example/fhir/Questionnaire/local-food",
        "audience": "any",
        "languages": ["en"],
        "sources": [{"id": "local", "title": "Our partnership's food committee, 2026"}],
        "answer_sets": {
            "yes-no": [
                {"code": "yes", "label": {"en": "Yes"}, "score": 1},
                {"code": "no", "label": {"en": "No"}, "score": 0},
            ]
        },
        "items": [
            {
                "linkId": "skipped-meals",
                "text": {"en": "Did you skip meals last week?"},
                "type": "choice",
                "answers": "yes-no",
                "required": True,
                "sources": ["local"],
            },
        ],
        "scores": [
            {
                "code": "local-food/total",
                "name": "Food check",
                "domain": "food",
                "method": "sum",
                "items": ["skipped-meals"],
                "missing": "not-scorable",
                "positive": {"min": 1},
                "need_categories": ["1130"],
                "sources": ["local"],
            },
        ],
    }


def write(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_every_bundled_instrument_loads_with_sources():
    loaded = {i.code: i for i in instruments.available()}
    assert sorted(loaded) == BUNDLED
    for instrument in loaded.values():
        assert instrument.sources and not instrument.local
        assert instrument.languages == ("en",)  # no validated translation bundled yet
        for item in instrument.items:
            assert item.text_in("en")


def test_loinc_items_use_their_loinc_code_as_link_id():
    phq9 = instruments.get("phq-9")
    assert [i.link_id for i in phq9.items][:9] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert all(i.link_id == i.code for i in phq9.items)
    assert instruments.get("gad-7").loinc_panel == "69737-5"
    assert instruments.get("ahc-hrsn").loinc_panel == "96777-8"


def test_get_unknown_instrument():
    with pytest.raises(instruments.UnknownInstrument):
        instruments.get("phq-10")


@pytest.mark.parametrize(
    "url, code",
    [
        ("http://loinc.org/q/44249-1", "phq-9"),
        ("http://loinc.org/q/44249-1|2.68", "phq-9"),
        ("http://hl7.org/fhir/us/core/Questionnaire/phq-9-example", "phq-9"),
        ("http://hl7.org/fhir/us/core/Questionnaire/ahc-hrsn-screening-example", "ahc-hrsn"),
        ("http://loinc.org/q/69737-5", "gad-7"),
        ("https://commonweal.example/fhir/Questionnaire/asq", "asq"),
        ("https://commonweal.example/fhir/Questionnaire/phq-9", "phq-9"),
    ],
)
def test_by_canonical(url, code):
    assert instruments.by_canonical(url).code == code


def test_by_canonical_unknown():
    with pytest.raises(instruments.UnknownInstrument):
        instruments.by_canonical("http://loinc.org/q/00000-0")


def test_available_filters_by_audience_and_language():
    adult = {i.code for i in instruments.available(audience="adult")}
    youth = {i.code for i in instruments.available(audience="youth")}
    assert "phq-9" in adult and "asq" in adult
    assert "asq" in youth and "phq-9" not in youth
    assert instruments.available(language="es") == []
    assert len(instruments.available(language="en")) == len(BUNDLED)


def test_english_only_instrument_shows_in_english_on_a_spanish_page():
    phq9 = instruments.get("phq-9")
    assert phq9.language_for("es") == "en"
    assert phq9.item("44250-9").text_in("es") == "Little interest or pleasure in doing things"


def test_local_folder_adds_a_questionnaire(tmp_path, settings):
    write(tmp_path, "food.json", minimal_definition())
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    local = instruments.get("local-food")
    assert local.local
    assert local.origin.endswith("food.json")
    assert (
        instruments.by_canonical("https://partnership.example/fhir/Questionnaire/local-food")
        is local
    )


def test_local_definition_may_not_reuse_a_bundled_code(tmp_path, settings):
    data = minimal_definition()
    data["code"] = "phq-9"
    write(tmp_path, "clash.json", data)
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    # The bundled PHQ-9 stays; the clashing local file is left out and reported.
    assert instruments.get("phq-9").origin.endswith("phq-9.json")
    (problem,) = instruments.problems()
    assert "clash.json" in str(problem) and "$.code" in str(problem)


def test_local_definition_may_not_reuse_a_canonical(tmp_path, settings):
    data = minimal_definition()
    data["url"] = "http://loinc.org/q/44249-1"
    write(tmp_path, "clash.json", data)
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    assert "local-food" not in {i.code for i in instruments.available()}
    assert instruments.by_canonical("http://loinc.org/q/44249-1").code == "phq-9"
    (problem,) = instruments.problems()
    assert re.search(r"clash\.json: at \$\.url", str(problem))


def test_missing_local_folder_is_a_clear_error(tmp_path, settings):
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path / "nowhere")
    assert {i.code for i in instruments.available()} == set(BUNDLED)
    (problem,) = instruments.problems()
    assert "not a folder" in str(problem)
    (error,) = instruments.check_definitions()
    assert "not a folder" in error.msg


def test_a_malformed_local_file_is_left_out_and_the_rest_still_load(tmp_path, settings):
    write(tmp_path, "a-broken.json", '{"code": ')
    write(tmp_path, "food.json", minimal_definition())
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    codes = {i.code for i in instruments.available()}
    # Crisis screening (PHQ-9, ASQ) must never go down because of a partnership's file.
    assert codes == set(BUNDLED) | {"local-food"}
    (problem,) = instruments.problems()
    assert "a-broken.json" in str(problem) and "not valid JSON" in str(problem)
    with pytest.raises(instruments.UnknownInstrument):
        instruments.get("broken")


def test_invalid_json_names_file_and_line(tmp_path):
    path = write(tmp_path, "broken.json", '{"code": "x",\n "name": }')
    with pytest.raises(InstrumentDefinitionError) as error:
        instruments.load_file(path)
    assert str(path) in str(error.value)
    assert "line 2" in str(error.value)


def test_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "Café"}'.encode("latin-1"))
    with pytest.raises(InstrumentDefinitionError, match="not UTF-8"):
        instruments.load_file(path)


def _break(change):
    data = minimal_definition()
    change(data)
    return data


@pytest.mark.parametrize(
    "change, path, words",
    [
        (lambda d: d.pop("sources"), "$", "'sources' is a required property"),
        (lambda d: d["items"][0].update(type="slider"), "$.items[0].type", "slider"),
        (lambda d: d.update(audience="kids"), "$.audience", "kids"),
        (lambda d: d.update(colour="blue"), "$", "unexpected field"),
        (lambda d: d["items"][0].update(answers="maybe"), "$.items[0].answers", "no answer set"),
        (lambda d: d["scores"][0].update(items=["nope"]), "$.scores[0].items[0]", "no item"),
        (
            lambda d: d["scores"][0].update(need_categories=["999999"]),
            "$.scores[0].need_categories[0]",
            "Open Eligibility",
        ),
        (
            lambda d: d["items"][0].update(sources=["unknown-source"]),
            "$.items[0].sources",
            "no source",
        ),
        (
            lambda d: d["answer_sets"]["yes-no"][0].pop("score"),
            "$.scores[0].items[0]",
            "without a score",
        ),
        (
            lambda d: d["answer_sets"]["yes-no"][1].update(code="yes"),
            "$.answer_sets.yes-no[1].code",
            "used twice",
        ),
        (lambda d: d.update(languages=["en", "es"]), "$.name", "no 'es' text"),
        (
            lambda d: d["items"][0]["text"].update(es="¿Saltó comidas?"),
            "$.items[0].text.es",
            "languages does not list",
        ),
        (
            lambda d: d["scores"][0].update(
                bands=[
                    {"min": 0, "max": 1, "code": "a", "label": {"en": "A"}},
                    {"min": 1, "max": 2, "code": "b", "label": {"en": "B"}},
                ]
            ),
            "$.scores[0].bands",
            "overlap",
        ),
        (
            lambda d: d["answer_sets"]["yes-no"][0].update(system="http://loinc.org"),
            "$.answer_sets.yes-no[0].sources",
            "LOINC answer code needs a source",
        ),
        (
            lambda d: d.update(
                safety=[
                    {
                        "when": {"items": ["skipped-meals"], "answers": ["often"]},
                        "effect": "trigger",
                        "reason": "r",
                        "sources": ["local"],
                    }
                ]
            ),
            "$.safety[0].when.answers[0]",
            "offers 'often'",
        ),
    ],
)
def test_malformed_definition_names_the_json_path(change, path, words):
    with pytest.raises(InstrumentDefinitionError) as error:
        instruments.build(_break(change), source="local/food.json")
    assert error.value.source == "local/food.json"
    assert error.value.path == path, str(error.value)
    assert words in str(error.value)


def test_bundled_definitions_still_pass_after_a_deep_copy():
    # Guards the checker against mutating the definition it is given.
    data = json.loads((instruments.BUNDLED_DIR / "phq-9.json").read_text())
    before = copy.deepcopy(data)
    instruments.build(data, source="phq-9.json")
    assert data == before


def test_check_instruments_command_ok(tmp_path, capsys):
    path = write(tmp_path, "food.json", minimal_definition())
    call_command("check_instruments", str(path))
    assert "ok: local-food" in capsys.readouterr().out


def test_check_instruments_command_all_bundled(capsys):
    call_command("check_instruments")
    out = capsys.readouterr().out
    assert all(f"ok: {code}" in out for code in BUNDLED)


def test_check_instruments_command_reports_the_problem(tmp_path, capsys):
    path = write(tmp_path, "food.json", _break(lambda d: d["items"][0].update(type="slider")))
    with pytest.raises(CommandError, match="1 definition"):
        call_command("check_instruments", str(path))
    err = capsys.readouterr().err
    assert "food.json: at $.items[0].type" in err


def test_check_instruments_command_refuses_a_clash_with_a_bundled_code(tmp_path, capsys):
    data = minimal_definition()
    data["code"] = "gad-7"
    path = write(tmp_path, "gad.json", data)
    with pytest.raises(CommandError):
        call_command("check_instruments", str(path))
    assert "already used" in capsys.readouterr().err


def test_check_instruments_command_with_no_file_reports_every_bad_local_file(
    tmp_path, settings, capsys
):
    write(tmp_path, "food.json", minimal_definition())
    write(tmp_path, "one.json", _break(lambda d: d.update(audience="kids")))
    write(tmp_path, "two.json", "[1, 2")
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    with pytest.raises(CommandError, match="2 definition"):
        call_command("check_instruments")
    captured = capsys.readouterr()
    assert "ok: local-food" in captured.out and "ok: phq-9" in captured.out
    assert "one.json: at $.audience" in captured.err and "two.json: at $" in captured.err


def test_system_check_reports_a_malformed_local_definition(tmp_path, settings):
    assert instruments.check_definitions() == []
    write(tmp_path, "food.json", _break(lambda d: d.update(audience="kids")))
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    (error,) = instruments.check_definitions()
    assert error.id == "screening.E001"
    assert "food.json: at $.audience" in error.msg
