"""/api/v1/screenings/: score a QuestionnaireResponse (anonymous, stores nothing) and the
instrument list and FHIR Questionnaires."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.questionnaire import Questionnaire

FIXTURES = Path(__file__).parent / "fixtures"
SCORE_URL = "/api/v1/screenings/score"


def post(client, body, content_type="application/fhir+json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(SCORE_URL, data=data, content_type=content_type)


def phq9(item9="LA6568-5", drop=()):
    items = [
        {
            "linkId": f"/{code}",
            "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "LA6569-3"}}],
        }
        for code in [
            "44250-9",
            "44255-8",
            "44259-0",
            "44254-1",
            "44251-7",
            "44258-2",
            "44252-5",
            "44253-3",
        ]
        if code not in drop
    ]
    if item9:
        items.append(
            {
                "linkId": "/44260-8",
                "answer": [{"valueCoding": {"system": "http://loinc.org", "code": item9}}],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://loinc.org/q/44249-1",
        "item": items,
    }


@pytest.mark.django_db
def test_us_core_phq9_example_scores_anonymously(client):
    response = post(
        client, (FIXTURES / "us-core-QuestionnaireResponse-phq-9-example.json").read_text()
    )
    assert response.status_code == 200
    assert response.json() == {
        "instrument": "phq-9",
        "scores": [
            {
                "code": "44261-6",
                "name": "PHQ-9 total score",
                "value": 12,
                "band": "moderate",
                "positive": True,
            }
        ],
        "positive_domains": ["depression"],
        "not_scorable": [],
        "safety": {"triggered": False, "acute": False, "reasons": []},
    }


@pytest.mark.django_db
def test_us_core_ahc_example(client):
    response = post(
        client,
        (
            FIXTURES / "us-core-2023-QuestionnaireResponse-AHC-HRSN-screening-example.json"
        ).read_text(),
        "application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["instrument"] == "ahc-hrsn"
    assert body["positive_domains"] == ["living-situation"]
    safety = next(s for s in body["scores"] if s["code"] == "95614-4")
    assert safety == {
        "code": "95614-4",
        "name": "Interpersonal safety total score",
        "value": 4,
        "band": None,
        "positive": False,
    }


@pytest.mark.django_db
def test_scoring_stores_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = post(client, phq9(item9="LA6571-9"))
    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.django_db
def test_item_9_triggers_safety(client):
    body = post(client, phq9(item9="LA6570-1")).json()
    assert body["safety"]["triggered"] is True and body["safety"]["acute"] is False


@pytest.mark.django_db
def test_missing_items_are_not_scorable_and_item_9_is_asked(client):
    response = post(client, phq9(item9=None, drop=("44259-0",)))
    assert response.status_code == 200
    body = response.json()
    assert body["scores"] == []
    (problem,) = body["not_scorable"]
    assert problem["code"] == "44261-6"
    assert "44259-0" in problem["reason"] and "44260-8" in problem["reason"]
    assert body["safety"] == {"triggered": False, "acute": False, "reasons": ["ask item 9"]}


@pytest.mark.django_db
def test_asq_acute(client):
    yes = {"valueCoding": {"system": "http://loinc.org", "code": "LA33-6"}}
    no = {"valueCoding": {"system": "http://loinc.org", "code": "LA32-8"}}
    body = post(
        client,
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": "https://commonweal.example/fhir/Questionnaire/asq",
            "item": [
                {"linkId": "asq-1", "answer": [yes]},
                {"linkId": "asq-2", "answer": [no]},
                {"linkId": "asq-3", "answer": [no]},
                {"linkId": "asq-4", "answer": [no]},
                {"linkId": "asq-5", "answer": [yes]},
            ],
        },
    ).json()
    assert body["safety"]["triggered"] and body["safety"]["acute"]
    assert body["positive_domains"] == ["suicide-risk"]


@pytest.mark.django_db
def test_unknown_instrument_is_404_with_json(client):
    data = phq9()
    data["questionnaire"] = "http://loinc.org/q/00000-0"
    response = post(client, data)
    assert response.status_code == 404
    assert "00000-0" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, words",
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        ("", "JSON object"),
        ("[]", "JSON object"),
        (json.dumps({"resourceType": "Observation"}), "resourceType"),
    ],
)
def test_malformed_body_is_400_with_json(client, body, words):
    response = post(client, body)
    assert response.status_code == 400
    payload = response.json()
    assert words in payload["detail"] + " ".join(payload["errors"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, words",
    [
        (
            lambda d: d["item"][0]["answer"][0]["valueCoding"].update(code="LA0000-0"),
            "not one of the answers",
        ),
        (lambda d: d["item"][0].update(answer=[{"valueInteger": 9}]), "9 is out of range"),
        (
            lambda d: d["item"].append({"linkId": "/55555-5", "answer": [{"valueInteger": 1}]}),
            "no item",
        ),
        (lambda d: d.pop("status"), "status"),
    ],
)
def test_bad_answers_are_400_listing_the_problem(client, change, words):
    data = phq9()
    change(data)
    response = post(client, data)
    assert response.status_code == 400
    assert any(words in error for error in response.json()["errors"])


@pytest.mark.django_db
def test_instrument_list(client):
    response = client.get("/api/v1/screenings/instruments")
    assert response.status_code == 200
    by_code = {i["code"]: i for i in response.json()}
    assert set(by_code) == {
        "ahc-hrsn",
        "asq",
        "gad-2",
        "gad-7",
        "phq-2",
        "phq-9",
        "ucla-3",
        "who-5",
    }
    assert by_code["phq-9"]["loinc_panel"] == "44249-1"
    assert "http://loinc.org/q/44249-1" in by_code["phq-9"]["canonicals"]
    assert by_code["asq"]["languages"] == ["en"]


@pytest.mark.django_db
def test_instrument_detail_is_a_valid_questionnaire(client):
    response = client.get("/api/v1/screenings/instruments/gad-7")
    assert response.status_code == 200
    Questionnaire.model_validate(response.json())
    assert response.json()["url"] == "http://loinc.org/q/69737-5"


@pytest.mark.django_db
def test_unknown_instrument_detail_is_404(client):
    response = client.get("/api/v1/screenings/instruments/phq-99")
    assert response.status_code == 404
    assert "phq-99" in response.json()["detail"]


@pytest.mark.django_db
def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/screenings/score" in paths
    assert "requestBody" in paths["/api/v1/screenings/score"]["post"]


@pytest.mark.django_db
def test_anonymous_post_needs_no_csrf_token():
    # A resident's phone (or another system) posts JSON without a Django session or token.
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), phq9())
    assert response.status_code == 200
