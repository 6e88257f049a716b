"""FHIR R4: reading QuestionnaireResponses; Questionnaire, QuestionnaireResponse and
Observation output validated with the fhir.resources R4B models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from commonweal.screening import fhir, instruments, scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores

FIXTURES = Path(__file__).parent / "fixtures"
PHQ9_QR = FIXTURES / "us-core-QuestionnaireResponse-phq-9-example.json"
AHC_QR = FIXTURES / "us-core-2023-QuestionnaireResponse-AHC-HRSN-screening-example.json"
ALL = [i.code for i in instruments.available()]


def qr(questionnaire, items):
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": questionnaire,
        "item": items,
    }


def coded(link_id, code, system="http://loinc.org"):
    return {"linkId": link_id, "answer": [{"valueCoding": {"system": system, "code": code}}]}


def test_us_core_phq9_example():
    instrument, answers = fhir.parse_questionnaire_response(json.loads(PHQ9_QR.read_text()))
    assert instrument.code == "phq-9"
    assert answers["44250-9"] == "LA6570-1"
    assert "44261-6" not in answers  # the sender's total is recalculated, not trusted
    (score,) = scoring.score(instrument, answers).scores
    assert score.value == 12  # the example's own 44261-6 total
    assert score.band == "moderate"


def test_us_core_ahc_example_with_multi_select():
    instrument, answers = fhir.parse_questionnaire_response(json.loads(AHC_QR.read_text()))
    assert instrument.code == "ahc-hrsn"
    assert sorted(answers["96778-6"]) == ["LA31996-4", "LA32000-4", "LA32001-2"]
    result = scoring.score(instrument, answers)
    safety = next(s for s in result.scores if s.code == "95614-4")
    assert safety.value == 4  # the example's own 95614-4 total


def test_nested_groups_and_path_link_ids_and_integer_answers():
    data = qr(
        "http://loinc.org/q/69737-5",
        [
            {
                "linkId": "/anxiety",
                "item": [
                    {"linkId": "/anxiety/69725-0", "answer": [{"valueInteger": 3}]},
                    {
                        "linkId": "68509-9",
                        "answer": [
                            {"valueCoding": {"system": "http://loinc.org", "code": "LA18938-3"}}
                        ],
                    },
                ],
            },
            *[
                {"linkId": f"/{code}", "answer": [{"valueInteger": 1}]}
                for code in ["69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
            ],
            {"linkId": "/70274-6", "answer": [{"valueDecimal": 99}]},
        ],
    )
    instrument, answers = fhir.parse_questionnaire_response(data)
    assert answers["69725-0"] == 3 and answers["68509-9"] == "LA18938-3"
    assert scoring.score(instrument, answers).scores[0].value == 10


def test_answers_nested_under_answers_are_read():
    data = qr(
        "https://commonweal.example/fhir/Questionnaire/asq",
        [
            {
                "linkId": "asq-4",
                "answer": [
                    {
                        "valueCoding": {"system": "http://loinc.org", "code": "LA33-6"},
                        "item": [
                            {
                                "linkId": "asq-4-how",
                                "answer": [{"valueString": "I wanted to kill myself"}],
                            }
                        ],
                    }
                ],
            },
        ],
    )
    _, answers = fhir.parse_questionnaire_response(data)
    assert answers == {"asq-4": "LA33-6", "asq-4-how": "I wanted to kill myself"}


@pytest.mark.parametrize(
    "data, words",
    [
        ([1, 2], "JSON object"),
        ({"resourceType": "Patient"}, "resourceType"),
        (
            {"resourceType": "QuestionnaireResponse", "status": "completed"},
            "questionnaire is required",
        ),
        ({"resourceType": "QuestionnaireResponse"}, "status"),
        (qr("http://loinc.org/q/44249-1", "x"), "item"),
        (
            qr(
                "http://loinc.org/q/44249-1",
                [{"linkId": "/44250-9", "answer": [{"valueInteger": "many"}]}],
            ),
            "valueInteger",
        ),
        (qr("http://loinc.org/q/44249-1", [coded("/99999-9", "LA6568-5")]), "no item '/99999-9'"),
        (
            qr("http://loinc.org/q/44249-1", [coded("/44250-9", "LA9999-9")]),
            "not one of the answers",
        ),
        (
            qr(
                "http://loinc.org/q/44249-1",
                [coded("/44250-9", "LA6568-5", system="http://snomed.info/sct")],
            ),
            "must use the system",
        ),
        (
            qr(
                "http://loinc.org/q/44249-1",
                [coded("/44250-9", "LA6568-5"), coded("44250-9", "LA6569-3")],
            ),
            "answered twice",
        ),
        (
            qr(
                "http://loinc.org/q/44249-1",
                [{"linkId": "/44250-9", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]}],
            ),
            "takes one answer",
        ),
        (
            qr(
                "http://loinc.org/q/44249-1",
                [{"linkId": "/44250-9", "answer": [{"valueString": "often"}]}],
            ),
            "not text",
        ),
        (
            qr(
                "http://loinc.org/q/44249-1",
                [{"linkId": "/44250-9", "answer": [{"valueBoolean": True}]}],
            ),
            "valueBoolean",
        ),
    ],
)
def test_malformed_responses_are_invalid(data, words):
    with pytest.raises(fhir.InvalidResponse) as error:
        fhir.parse_questionnaire_response(data)
    assert words in str(error.value)


def test_unknown_questionnaire():
    with pytest.raises(instruments.UnknownInstrument):
        fhir.parse_questionnaire_response(qr("http://loinc.org/q/12345-6", []))


@pytest.mark.parametrize("code", ALL)
def test_questionnaire_validates(code):
    instrument = instruments.get(code)
    resource = fhir.questionnaire(instrument)
    Questionnaire.model_validate(resource)
    assert resource["url"] == instrument.url
    link_ids = [i["linkId"] for i in resource["item"]] + [
        child["linkId"] for i in resource["item"] for child in i.get("item", [])
    ]
    assert set(link_ids) >= {item.link_id for item in instrument.items}


def test_phq9_questionnaire_has_loinc_codes_and_ordinal_values():
    resource = fhir.questionnaire(instruments.get("phq-9"))
    assert resource["code"][0] == {
        "system": "http://loinc.org",
        "code": "44249-1",
        "display": "PHQ-9",
    }
    first = resource["item"][0]
    assert first["code"] == [{"system": "http://loinc.org", "code": "44250-9"}]
    option = first["answerOption"][2]
    assert option["valueCoding"]["code"] == "LA6570-1"
    assert option["extension"] == [{"url": fhir.ORDINAL_VALUE, "valueDecimal": 2}]


def test_ahc_questionnaire_groups_and_repeats():
    resource = fhir.questionnaire(instruments.get("ahc-hrsn"))
    groups = {group["linkId"]: group for group in resource["item"]}
    assert groups["living-situation"]["type"] == "group"
    housing = groups["living-situation"]["item"][1]
    assert housing["linkId"] == "96778-6" and housing["repeats"] is True


def test_accept_only_codes_are_not_offered_in_the_questionnaire():
    resource = fhir.questionnaire(instruments.get("gad-7"))
    worry = next(i for i in resource["item"] if i["linkId"] == "68509-9")
    assert "LA18938-3" not in [o["valueCoding"]["code"] for o in worry["answerOption"]]


@pytest.mark.parametrize("code", ["phq-9", "gad-7", "who-5", "ucla-3"])
def test_response_and_observations_round_trip(code):
    instrument = instruments.get(code)
    rule = instrument.scores[0]
    options = instrument.item(rule["items"][0]).offered_options
    top = max(o.score for o in options)
    answers = answers_with_scores(code, rule["code"], [top] * len(rule["items"]))
    result = scoring.score(instrument, answers)
    when = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    response = fhir.questionnaire_response(
        instrument, answers, authored=when, subject="Patient/7", resource_id="qr-1"
    )
    QuestionnaireResponse.model_validate(response)
    again, parsed = fhir.parse_questionnaire_response(response)
    assert again is instrument and scoring.score(again, parsed) == result
    observations = fhir.observations(
        instrument,
        result,
        effective=when,
        subject="Patient/7",
        derived_from="QuestionnaireResponse/qr-1",
    )
    assert len(observations) == len(result.scores)
    for observation in observations:
        Observation.model_validate(observation)
        assert observation["interpretation"][0]["coding"][0]["code"] == "POS" or code == "who-5"
        assert observation["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr-1"}]


def test_phq9_observation_is_loinc_coded_with_band():
    instrument = instruments.get("phq-9")
    result = scoring.score(
        instrument, answers_with_scores("phq-9", "44261-6", [2, 2, 2, 2, 2, 1, 1, 0, 0])
    )
    (observation,) = fhir.observations(instrument, result)
    assert observation["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "44261-6",
        "display": "PHQ-9 total score",
    }
    assert observation["valueInteger"] == 12
    assert observation["interpretation"][0]["text"] == "Moderate"
    assert "subject" not in observation  # anonymous unless a subject is given


def test_ahc_observations_and_grouped_response_validate():
    instrument, answers = fhir.parse_questionnaire_response(json.loads(AHC_QR.read_text()))
    result = scoring.score(instrument, answers)
    observations = fhir.observations(instrument, result)
    for observation in observations:
        Observation.model_validate(observation)
    quality = next(
        o for o in observations if o["code"]["coding"][0]["code"] == "ahc-hrsn/housing-quality"
    )
    assert quality["valueBoolean"] is True
    assert quality["code"]["coding"][0]["system"] == fhir.SCORE_SYSTEM
    response = fhir.questionnaire_response(instrument, answers)
    QuestionnaireResponse.model_validate(response)
    assert scoring.score(*fhir.parse_questionnaire_response(response)) == result


def test_who5_percentage_is_a_quantity():
    instrument = instruments.get("who-5")
    result = scoring.score(instrument, answers_with_scores("who-5", "who-5/raw", [2, 2, 2, 2, 2]))
    observations = {
        o["code"]["coding"][0]["code"]: o for o in fhir.observations(instrument, result)
    }
    assert observations["who-5/percentage"]["valueQuantity"]["value"] == 40
    assert observations["who-5/raw"]["valueInteger"] == 10


def test_local_instrument_questionnaire_validates(tmp_path, settings):
    from commonweal.screening.tests.test_instruments import minimal_definition

    data = minimal_definition()
    data["code"] = "211-food"
    (tmp_path / "food.json").write_text(json.dumps(data))
    settings.COMMONWEAL_INSTRUMENTS_DIR = str(tmp_path)
    try:
        resource = fhir.questionnaire(instruments.get("211-food"))
        Questionnaire.model_validate(resource)
        assert resource["name"] == "Q211Food"
        assert "code" not in resource  # no LOINC panel
    finally:
        instruments.clear_cache()
