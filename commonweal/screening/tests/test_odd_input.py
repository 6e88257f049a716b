"""Odd input on every screening page and endpoint: a clear 4xx or a form error, never a 500.

The test client re-raises any exception a view lets escape, so a crash fails these tests
before a status is even compared.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.urls import reverse

from commonweal.accounts.models import ApiToken
from commonweal.screening.models import SafetyContact, SafetyFollowUp, SafetyStep, Screening
from commonweal.screening.tests.answers import phq9

# Fixed, not random: xdist workers must collect the same test ids.
NOWHERE = uuid.UUID("00000000-0000-4000-8000-000000000000")
ODD_TEXT = ["", " ", "<script>alert(1)</script>", "\x00", "é" * 5000, "99999-99999", "-1"]


def _token(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/screening/take/no-such-thing/",
        "/screening/take/PHQ-9/",
        f"/screening/people/{NOWHERE}/phq-9/",
        f"/screening/records/{NOWHERE}/",
        f"/screening/mine/{NOWHERE}/",
        f"/screening/safety/{NOWHERE}/",
    ],
)
def test_what_does_not_exist_is_not_found(client, navigator, path) -> None:
    client.force_login(navigator)
    assert client.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["phq-9", "ahc-hrsn", "asq", "who-5"])
@pytest.mark.parametrize(
    "answer",
    ["LA0000-0", "", "7", "<b>", "\x00", "LA6568-5\r\nLA6569-3", "x" * 10_000],
)
def test_a_self_screen_with_odd_answers_is_a_form_error(client, code, answer) -> None:
    url = reverse("screening:self_screen", args=[code])
    form = client.get(url).content.decode()
    names = sorted(
        set(re.findall(r'<input[^>]+type="(?:radio|checkbox)"[^>]+name="([^"]+)"', form))
    )
    assert names, "the form has questions"
    response = client.post(url, {name: answer for name in names})
    assert response.status_code == 200
    assert 'role="alert"' in html(response)


@pytest.mark.django_db
def test_two_answers_to_a_one_answer_question_is_a_form_error(client) -> None:
    url = reverse("screening:self_screen", args=["phq-9"])
    data = phq9(first_eight=1, item9=0)
    response = client.post(url, {**data, "44250-9": ["LA6568-5", "LA6571-9"]})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"token": ""},
        {"token": "x" * 5000},
        {"token": "not.a.token", "near": "33130"},
        {"token": "\x00"},
    ],
)
def test_results_and_save_with_a_bad_token_ask_to_start_again(client, resident, data) -> None:
    for name in ("self_results", "self_save"):
        client.force_login(resident)
        response = client.post(reverse(f"screening:{name}", args=["phq-9"]), data)
        assert response.status_code == 400, name


@pytest.mark.django_db
@pytest.mark.parametrize("near", ODD_TEXT)
def test_an_odd_zip_code_on_the_results_is_ignored_or_refused(client, near) -> None:
    url = reverse("screening:self_screen", args=["phq-9"])
    page = client.post(url, phq9(first_eight=2, item9=0)).content.decode()
    token = _token(page, "token")
    response = client.post(
        reverse("screening:self_results", args=["phq-9"]), {"token": token, "near": near}
    )
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("near", ODD_TEXT)
def test_an_odd_zip_code_on_a_stored_screening_is_ignored(client, navigator, person, near) -> None:
    client.force_login(navigator)
    url = reverse("screening:person_screen", args=[person.pk, "phq-9"])
    submission = _token(client.get(url).content.decode(), "submission")
    client.post(url, {**phq9(first_eight=2, item9=0), "submission": submission})
    screening = Screening.objects.get()
    response = client.get(screening.get_absolute_url(), {"near": near})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "submission", ["", "0" * 31, "g" * 32, "../../etc", "0" * 32 + "\x00", "0" * 5000]
)
def test_a_navigator_form_with_an_odd_token_stores_nothing(
    client, navigator, person, submission
) -> None:
    client.force_login(navigator)
    url = reverse("screening:person_screen", args=[person.pk, "phq-9"])
    response = client.post(url, {**phq9(first_eight=2, item9=3), "submission": submission})
    assert response.status_code == 302 and response["Location"].endswith(url)
    assert not Screening.objects.exists() and not SafetyFollowUp.objects.exists()


@pytest.mark.django_db
def test_a_navigator_form_with_an_answer_not_offered_stores_nothing(
    client, navigator, person
) -> None:
    client.force_login(navigator)
    url = reverse("screening:person_screen", args=[person.pk, "phq-9"])
    submission = _token(client.get(url).content.decode(), "submission")
    response = client.post(
        url, {**phq9(first_eight=2, item9=3), "44250-9": "LA9-3", "submission": submission}
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    # Not even the crisis answer in item 9 half-stores a screening or a follow-up: the
    # navigator is shown the form again with the error, and item 9 still answered.
    assert not Screening.objects.exists() and not SafetyFollowUp.objects.exists()
    item_9 = re.search(r'<input[^>]+name="44260-8"[^>]+value="LA6571-9"[^>]*>', html(response))
    assert item_9 is not None and "checked" in item_9.group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "dance"},
        {"action": "step"},
        {"action": "step", "step_code": ""},
        {"action": "step", "step_code": "plan"},
        {"action": "step", "step_code": "plan", "plan-outcome": "no", "plan-note": "x" * 100_000},
        {"action": "note"},
        {"action": "note", "note": " "},
        {"action": "note", "note": "\x00"},
    ],
)
def test_odd_checklist_posts_record_nothing_and_do_not_crash(
    client, navigator, person, data
) -> None:
    client.force_login(navigator)
    url = reverse("screening:person_screen", args=[person.pk, "phq-9"])
    submission = _token(client.get(url).content.decode(), "submission")
    client.post(url, {**phq9(item9=2), "submission": submission})
    follow_up = SafetyFollowUp.objects.get()
    response = client.post(follow_up.get_absolute_url(), data)
    assert response.status_code in (200, 302)
    assert not SafetyStep.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"action": "add", "user": "abc"},
        {"action": "add", "user": "-1"},
        {"action": "add", "user": "9" * 30},
        {"action": "remove", "contact": "abc"},
        {"action": "remove", "contact": "9" * 30},
        {"action": "fly"},
    ],
)
def test_odd_safety_contact_posts_change_nothing(client, coalition_admin, organization, data):
    client.force_login(coalition_admin)
    response = client.post(
        reverse("screening:safety_contacts"), {"organization": organization.pk, **data}
    )
    assert response.status_code == 302
    assert not SafetyContact.objects.exists()
    bad_org = client.post(
        reverse("screening:safety_contacts"), {"organization": "not-an-id", **data}
    )
    assert bad_org.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "",
        "\xff",
        "[]",
        '{"instrument": "phq-9"}',
        '{"instrument": 9, "answers": []}',
        '{"instrument": "phq-9", "answers": {"44250-9": {"a": 1}}}',
        '{"instrument": "phq-9", "answers": {"44250-9": 1e400}}',
        '{"instrument": "phq-9", "answers": {"44250-9": 99999999999999999999999}}',
        '{"instrument": "phq-9", "answers": {"44250-9": 1.5}}',
        '{"instrument": "phq-9", "answers": {}, "language": ["en"]}',
        '{"instrument": "phq-9", "answers": {"44250-9": [[1]]}}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", "item": 5}',
        # NUL cannot be stored in PostgreSQL text or jsonb: refused before the database.
        '{"instrument": "asq", "answers": {"asq-1": "LA32-8", "asq-4-how": "a\\u0000b"}}',
        '{"instrument": "phq-9", "answers": {}, "language": "e\\u0000n"}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", "language": "e\\u0000",'
        ' "questionnaire": "http://loinc.org/q/44249-1", "item": []}',
        '{"instrument": "asq", "answers": {"asq-1": "LA32-8", "asq-4-how": "%s"}}' % ("x" * 1001),
        '{"instrument": "phq-9", "answers": {}, "language": "english please"}',
    ],
)
def test_odd_api_bodies_are_a_json_4xx_and_store_nothing(client, navigator, person, body):
    _, raw = ApiToken.issue(user=navigator, name="tests")
    response = client.post(
        f"/api/v1/screenings/people/{person.pk}/screenings",
        data=body.encode("utf-8", "surrogateescape") if body != "\xff" else b"\xff",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert 400 <= response.status_code < 500
    assert "detail" in json.loads(response.content)
    assert not Screening.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["a\x00b", "line\nbreak", "x" * 500])
def test_an_odd_idempotency_key_is_refused(client, navigator, person, key) -> None:
    _, raw = ApiToken.issue(user=navigator, name="tests")
    response = client.post(
        f"/api/v1/screenings/people/{person.pk}/screenings",
        data=json.dumps({"instrument": "phq-9", "answers": phq9(first_eight=1, item9=0)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert (
        response.status_code == 400 and "Idempotency-Key" in json.loads(response.content)["detail"]
    )
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_self_screen_free_text_with_nul_is_a_form_error(client) -> None:
    response = client.post(
        reverse("screening:self_screen", args=["asq"]),
        {
            "asq-1": "LA32-8",
            "asq-2": "LA32-8",
            "asq-3": "LA32-8",
            "asq-4": "LA33-6",
            "asq-4-how": "a\x00b",
        },
    )
    assert response.status_code == 200 and 'role="alert"' in html(response)
