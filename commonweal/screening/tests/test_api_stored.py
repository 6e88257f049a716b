"""/api/v1/screenings/ stored screenings: the care team only, idempotent, FHIR out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from commonweal.accounts.models import ApiToken, AuditEvent
from commonweal.screening.models import SafetyFollowUp, Screening
from commonweal.screening.tests.answers import phq9

FIXTURES = Path(__file__).parent / "fixtures"


def _bearer(user) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _list_url(person) -> str:
    return f"/api/v1/screenings/people/{person.pk}/screenings"


def _post(client, person, body, auth, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        _list_url(person), data=data, content_type="application/json", **auth, **headers
    )


PLAIN = {"instrument": "phq-9", "language": "en", "answers": phq9(first_eight=2, item9=0)}


@pytest.mark.django_db
def test_the_care_team_stores_a_screening_and_gets_its_result(
    client, navigator, organization, person
) -> None:
    response = _post(client, person, PLAIN, _bearer(navigator))
    assert response.status_code == 201, response.content
    body = response.json()
    screening = Screening.objects.get()
    assert body["id"] == str(screening.pk) and body["person_id"] == str(person.pk)
    assert body["organization_id"] == str(organization.pk)
    assert body["result"]["scores"][0] == {
        "code": "44261-6",
        "name": "PHQ-9 total score",
        "value": 16,
        "band": "moderately-severe",
        "positive": True,
    }
    assert body["safety_follow_up"] is None
    assert AuditEvent.objects.filter(
        action="create", object_id=str(screening.pk), actor=navigator
    ).exists()


@pytest.mark.django_db
def test_a_fhir_questionnaire_response_is_accepted(client, partner_staff, person) -> None:
    body = json.loads((FIXTURES / "us-core-QuestionnaireResponse-phq-9-example.json").read_text())
    response = _post(client, person, body, _bearer(partner_staff))
    assert response.status_code == 201, response.content
    assert Screening.objects.get().instrument == "phq-9"


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_stores_once(client, navigator, person) -> None:
    auth = _bearer(navigator)
    first = _post(client, person, PLAIN, auth, HTTP_IDEMPOTENCY_KEY="visit-42")
    second = _post(client, person, PLAIN, auth, HTTP_IDEMPOTENCY_KEY="visit-42")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_an_idempotency_key_reused_for_someone_else_is_a_conflict(
    client, navigator, organization, person
) -> None:
    from commonweal.referrals.tests.people_fixtures import make_person

    second_person = make_person(organization, given_name="Sam")
    auth = _bearer(navigator)
    assert _post(client, person, PLAIN, auth, HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    response = _post(client, second_person, PLAIN, auth, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409
    assert Screening.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ("{not json", 400, "not valid JSON"),
        ([1, 2], 400, "JSON object"),
        ({"answers": {}}, 400, "instrument"),
        ({"instrument": "phq-9", "answers": "all fine"}, 400, "answers"),
        ({"instrument": "phq-9", "answers": {}, "surprise": 1}, 400, "unexpected fields"),
        ({"instrument": "no-such", "answers": {}}, 404, "no-such"),
        (
            {"instrument": "phq-9", "answers": {"44250-9": "LA9999-9"}},
            400,
            "not one of its answers",
        ),
        ({"instrument": "phq-9", "answers": {"44250-9": 7}}, 400, "out of range"),
        ({"instrument": "phq-9", "answers": {"nope": "LA6568-5"}}, 400, "no item"),
    ],
)
def test_bad_input_is_a_clear_json_error_and_nothing_is_stored(
    client, navigator, person, body, status, words
) -> None:
    response = _post(client, person, body if isinstance(body, str) else body, _bearer(navigator))
    assert response.status_code == status
    payload = response.json()
    assert words in payload["detail"] + " ".join(payload["errors"])
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_crisis_answer_via_the_api_starts_the_safety_protocol(client, navigator, person) -> None:
    body = {"instrument": "phq-9", "answers": phq9(first_eight=0, item9=2)}
    response = _post(client, person, body, _bearer(navigator))
    assert response.status_code == 201
    follow_up = SafetyFollowUp.objects.get()
    assert response.json()["safety_follow_up"]["id"] == str(follow_up.pk)
    assert response.json()["result"]["safety"]["triggered"] is True


@pytest.mark.django_db
def test_the_care_team_lists_a_persons_screenings_and_each_read_is_logged(
    client, navigator, person
) -> None:
    auth = _bearer(navigator)
    _post(client, person, PLAIN, auth)
    response = client.get(_list_url(person), **auth)
    assert response.status_code == 200
    [item] = response.json()
    assert item["instrument"] == "phq-9"
    assert AuditEvent.objects.filter(
        action="view", object_id=item["id"], detail__read="api"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "analyst", "coalition_admin", "resident"])
def test_outside_the_care_team_a_person_does_not_exist(
    client, request, navigator, person, who
) -> None:
    _post(client, person, PLAIN, _bearer(navigator))
    screening = Screening.objects.get()
    auth = _bearer(request.getfixturevalue(who))
    assert client.get(_list_url(person), **auth).status_code == 404
    assert _post(client, person, PLAIN, auth).status_code == 404
    assert client.get(f"/api/v1/screenings/stored/{screening.pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/screenings/stored/{screening.pk}/fhir", **auth).status_code == 404
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_callers_are_refused(client, person) -> None:
    assert client.get(_list_url(person)).status_code == 401
    assert (
        client.post(
            _list_url(person), data=json.dumps(PLAIN), content_type="application/json"
        ).status_code
        == 401
    )


@pytest.mark.django_db
def test_a_superuser_reads_but_does_not_screen_outside_a_care_team(
    client, navigator, superuser, person
) -> None:
    _post(client, person, PLAIN, _bearer(navigator))
    auth = _bearer(superuser)
    assert client.get(_list_url(person), **auth).status_code == 200
    assert _post(client, person, PLAIN, auth).status_code == 403


@pytest.mark.django_db
def test_a_stored_screening_exports_as_a_valid_fhir_bundle(client, navigator, person) -> None:
    auth = _bearer(navigator)
    screening_id = _post(client, person, PLAIN, auth).json()["id"]
    assert (
        client.get(f"/api/v1/screenings/stored/{screening_id}", **auth).json()["id"] == screening_id
    )
    response = client.get(f"/api/v1/screenings/stored/{screening_id}/fhir", **auth)
    assert response.status_code == 200
    bundle = response.json()
    Bundle.model_validate(bundle)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", "Observation"]
    response_resource = bundle["entry"][0]["resource"]
    assert response_resource["subject"]["reference"] == f"Patient/{person.pk}"
    observation = bundle["entry"][1]["resource"]
    assert observation["code"]["coding"][0]["code"] == "44261-6"
    assert observation["valueInteger"] == 16
    assert observation["derivedFrom"][0]["reference"] == f"QuestionnaireResponse/{screening_id}"
    assert AuditEvent.objects.filter(object_id=screening_id, detail__read="fhir").exists()


@pytest.mark.django_db
def test_the_stored_endpoints_are_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/screenings/people/{person_id}/screenings" in paths
    assert "/api/v1/screenings/stored/{screening_id}/fhir" in paths


@pytest.mark.django_db
def test_a_malformed_id_is_a_client_error_not_a_crash(client, navigator) -> None:
    auth = _bearer(navigator)
    assert client.get("/api/v1/screenings/people/not-a-uuid/screenings", **auth).status_code == 422
    assert client.get("/api/v1/screenings/stored/123/fhir", **auth).status_code == 422
