"""A navigator screens a person in their care: stored and scored once, the care team only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.screening.models import Screening
from commonweal.screening.tests.answers import AHC_ALL_CLEAR, phq9


def _url(person, code: str = "phq-9") -> str:
    return reverse("screening:person_screen", args=[person.pk, code])


def _submission(client, person, code: str = "phq-9") -> str:
    html = client.get(_url(person, code)).content.decode()
    return re.search(r'name="submission" value="([0-9a-f]{32})"', html).group(1)


@pytest.mark.django_db
def test_the_form_names_the_person_and_carries_a_submission_token(
    client, navigator, person
) -> None:
    client.force_login(navigator)
    response = client.get(_url(person))
    html = response.content.decode()
    assert response.status_code == 200
    assert person.display_name in html
    assert re.search(r'name="submission" value="[0-9a-f]{32}"', html)
    assert AuditEvent.objects.filter(
        action="view", person_id=str(person.pk), detail__read="screening_form"
    ).exists()


@pytest.mark.django_db
def test_a_submitted_screening_is_scored_stored_and_logged(
    client, navigator, organization, person
) -> None:
    client.force_login(navigator)
    response = client.post(
        _url(person), {**phq9(first_eight=1, item9=0), "submission": _submission(client, person)}
    )
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == screening.get_absolute_url()
    assert screening.person == person and screening.organization == organization
    assert screening.created_by == navigator and screening.user is None
    assert screening.answers["44250-9"] == "LA6569-3"
    assert screening.result["scores"][0]["value"] == 8
    assert not screening.safety_triggered
    created = AuditEvent.objects.get(action="create", object_type="screening.screening")
    assert created.person_id == str(person.pk) and created.actor == navigator
    detail = client.get(screening.get_absolute_url()).content.decode()
    assert "Score: 8 of 27" in detail and "Mild" in detail
    assert AuditEvent.objects.filter(action="view", object_id=str(screening.pk)).exists()


@pytest.mark.django_db
def test_the_navigator_reads_results_about_the_person_not_addressed_to_them(
    client, navigator, person
) -> None:
    client.force_login(navigator)
    client.post(
        _url(person), {**phq9(first_eight=2, item9=0), "submission": _submission(client, person)}
    )
    detail = client.get(Screening.objects.get().get_absolute_url()).content.decode()
    assert "The answers show signs of depression" in detail
    assert "Your answers" not in detail and "Your ZIP code" not in detail
    assert "ZIP code to search near" in detail


@pytest.mark.django_db
def test_a_double_submission_stores_one_screening(client, navigator, person) -> None:
    client.force_login(navigator)
    data = {**phq9(first_eight=1), "submission": _submission(client, person)}
    first = client.post(_url(person), data)
    second = client.post(_url(person), data)
    assert Screening.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_a_form_without_its_token_stores_nothing(client, navigator, person) -> None:
    client.force_login(navigator)
    for token in ("", "not-a-token", "x" * 32):
        response = client.post(_url(person), {**phq9(), "submission": token})
        assert response.status_code == 302 and response["Location"] == _url(person)
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_partial_form_is_errors_and_nothing_is_stored(client, navigator, person) -> None:
    client.force_login(navigator)
    data = {**phq9(first_eight=1), "submission": _submission(client, person)}
    del data["44253-3"]
    html = client.post(_url(person), data).content.decode()
    assert "<title>Error:" in html and 'role="alert"' in html
    assert 'href="#id_44253-3-q"' in html
    assert not Screening.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


@pytest.mark.django_db
def test_a_partial_ahc_is_stored_as_not_scorable_once_confirmed(client, navigator, person) -> None:
    client.force_login(navigator)
    data = {**AHC_ALL_CLEAR, "submission": _submission(client, person, "ahc-hrsn")}
    del data["88122-7"]
    del data["88123-5"]
    first = client.post(_url(person, "ahc-hrsn"), data)
    assert first.status_code == 200 and not Screening.objects.exists()
    response = client.post(_url(person, "ahc-hrsn"), {**data, "accept_partial": "on"})
    screening = Screening.objects.get()
    assert [n["code"] for n in screening.result["not_scorable"]] == ["ahc-hrsn/food"]
    html = client.get(response["Location"]).content.decode()
    assert "Not scorable" in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "analyst", "coalition_admin", "resident"])
def test_only_the_care_team_can_screen_or_read_a_screening(
    client, request, navigator, person, who
) -> None:
    client.force_login(navigator)
    client.post(_url(person), {**phq9(), "submission": _submission(client, person)})
    screening = Screening.objects.get()
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), {**phq9(), "submission": "a" * 32}).status_code == 404
    assert client.get(screening.get_absolute_url()).status_code == 404
    assert Screening.objects.count() == 1
    assert not AuditEvent.objects.filter(action="view", object_id=str(screening.pk)).exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, person) -> None:
    response = client.get(_url(person))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_a_superuser_can_read_but_not_screen_outside_a_care_team(
    client, superuser, navigator, person
) -> None:
    client.force_login(navigator)
    client.post(_url(person), {**phq9(), "submission": _submission(client, person)})
    client.force_login(superuser)
    assert client.get(_url(person)).status_code == 403
    assert client.get(Screening.objects.get().get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_person_page_shows_the_history_with_a_trend_chart_and_its_table(
    client, navigator, person
) -> None:
    client.force_login(navigator)
    for first_eight in (3, 2, 1):
        client.post(
            _url(person),
            {**phq9(first_eight=first_eight), "submission": _submission(client, person)},
        )
    html = client.get(person.get_absolute_url()).content.decode()
    assert (
        html.count(reverse("screening:screening_detail", args=[Screening.objects.first().pk])) == 1
    )
    assert '<svg viewBox="0 0 320 120" role="img"' in html
    assert html.count('<circle class="dot"') == 3
    assert "<polyline" in html
    # The same numbers as a table: 24, 16 and 8.
    for value in ("24", "16", "8"):
        assert f"<td>{value} (" in html
    assert "Start a screening" in html
    event = AuditEvent.objects.filter(detail__read="screening_history").latest("at")
    assert len(event.detail["screenings"]) == 3


@pytest.mark.django_db
def test_a_matching_service_can_be_added_to_my_list_and_back(
    client, navigator, person, small_food_directory
) -> None:
    from commonweal.screening.tests.answers import AHC_ALL_CLEAR

    client.force_login(navigator)
    data = {
        **AHC_ALL_CLEAR,
        "88122-7": "LA28397-0",
        "submission": _submission(client, person, "ahc-hrsn"),
    }
    detail_url = client.post(_url(person, "ahc-hrsn"), data)["Location"]
    html = client.get(detail_url).content.decode()
    add_url = reverse("directory:my_list_add", args=[small_food_directory.pk])
    assert f'action="{add_url}"' in html
    assert f'name="next" value="{detail_url}"' in html
    response = client.post(add_url, {"next": detail_url})
    assert response.status_code == 302 and response["Location"] == detail_url
