"""Residents' self-screening: anonymous, nothing stored, crisis help before any score."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.screening import carried
from commonweal.screening.models import SafetyFollowUp, Screening
from commonweal.screening.tests.answers import AHC_ALL_CLEAR, phq9


def _take(code: str) -> str:
    return reverse("screening:self_screen", args=[code])


def _main(response) -> str:
    """The page's <main>: the crisis banner on every page is outside it."""
    return response.content.decode().split('<main id="main"', 1)[1]


def _token(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the page carries the answers in a signed token"
    return match.group(1)


@pytest.mark.django_db
def test_the_list_shows_each_check_up_with_what_it_asks_and_how_long(client) -> None:
    html = client.get(reverse("screening:instrument_list")).content.decode()
    assert _take("phq-9") in html and _take("ahc-hrsn") in html
    assert "Mood: how often you have felt down" in html
    assert "9 questions" in html or "10 questions" in html
    assert "minute" in html and "English" in html


@pytest.mark.django_db
def test_the_form_is_radio_groups_in_fieldsets_with_the_question_as_legend(client) -> None:
    html = client.get(_take("phq-9")).content.decode()
    assert html.count('<fieldset class="question"') == 10
    assert '<legend><span class="question-number">1.</span> Little interest or pleasure' in html
    assert 'type="radio" name="44260-8" value="LA6571-9"' in html
    assert "nothing is stored unless you choose to save it" in html


@pytest.mark.django_db
def test_an_unknown_instrument_is_not_found(client) -> None:
    assert client.get(_take("no-such-thing")).status_code == 404


@pytest.mark.django_db
def test_results_are_shown_and_nothing_is_stored(client) -> None:
    response = client.post(_take("phq-9"), phq9(first_eight=1, item9=0))
    main = _main(response)
    assert response.status_code == 200
    assert "Your results" in main
    assert "Score: 8 of 27" in main and "Mild" in main
    assert "not a diagnosis" in main
    assert 'class="crisis-takeover"' not in main
    assert not Screening.objects.exists()
    assert not AuditEvent.objects.filter(object_type="screening.screening").exists()
    assert "44250-9" not in str(dict(client.session.items()))


@pytest.mark.django_db
def test_a_positive_domain_lists_matching_local_services(client, small_food_directory) -> None:
    data = {**AHC_ALL_CLEAR, "88122-7": "LA28397-0"}  # food often ran out
    main = _main(client.post(_take("ahc-hrsn"), data))
    assert "Food" in main and "Positive screen" in main
    assert small_food_directory.name in main
    assert reverse("directory:service_detail", args=[small_food_directory.pk]) in main


@pytest.mark.django_db
def test_a_partial_form_is_errors_tied_to_each_question_and_nothing_is_stored(client) -> None:
    data = phq9(first_eight=1)
    del data["44259-0"]
    response = client.post(_take("phq-9"), data)
    html = response.content.decode()
    assert "<title>Error:" in html
    assert 'role="alert"' in html
    assert 'href="#id_44259-0-q"' in html
    assert 'id="id_44259-0-q" tabindex="-1" aria-describedby="id_44259-0-error"' in html
    assert "Your results" not in html
    # The answers given are kept in the form, so nothing has to be answered twice.
    assert 'value="LA6569-3" id="id_44250-9_1" checked' in html


@pytest.mark.django_db
def test_an_answer_not_in_the_option_list_is_an_error(client) -> None:
    data = phq9()
    data["44250-9"] = "LA9999-9"
    html = client.post(_take("phq-9"), data).content.decode()
    assert "Select a valid choice" in html
    assert "Your results" not in html


@pytest.mark.django_db
def test_a_partial_ahc_is_scored_only_after_the_resident_agrees(client) -> None:
    data = dict(AHC_ALL_CLEAR)
    for link_id in ("95618-5", "95617-7", "95616-9", "95615-1"):
        del data[link_id]
    first = client.post(_take("ahc-hrsn"), data).content.decode()
    assert "Choose an answer." in first and 'name="accept_partial"' in first
    second = _main(client.post(_take("ahc-hrsn"), {**data, "accept_partial": "on"}))
    assert "Your results" in second and "Not scorable" in second
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_phq9_with_item_9_unanswered_asks_for_it_rather_than_scoring_low(client) -> None:
    html = client.post(_take("phq-9"), phq9(first_eight=0, item9=None)).content.decode()
    assert 'href="#id_44260-8-q"' in html
    assert "Your results" not in html
    assert 'name="accept_partial"' not in html  # nothing is scorable without item 9


@pytest.mark.django_db
def test_the_resident_continues_from_the_crisis_page_to_the_results(client) -> None:
    crisis = client.post(_take("phq-9"), phq9(first_eight=2, item9=1))
    response = client.post(
        reverse("screening:self_results", args=["phq-9"]), {"token": _token(crisis)}
    )
    main = _main(response)
    # Crisis lines still come first on the results page.
    assert main.index("tel:988") < main.index("Your results")
    assert "Score: 17 of 27" in main
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_tampered_or_foreign_token_is_refused(client) -> None:
    page = client.post(_take("phq-9"), phq9(first_eight=1))
    token = _token(page)
    bad = client.post(
        reverse("screening:self_results", args=["phq-9"]), {"token": token[:-3] + "abc"}
    )
    assert bad.status_code == 400 and "Please answer again" in bad.content.decode()
    other = client.post(reverse("screening:self_results", args=["gad-7"]), {"token": token})
    assert other.status_code == 400
    forged = signing.dumps({"i": "phq-9", "l": "en", "a": {}, "n": "x"}, salt="another salt")
    assert (
        client.post(
            reverse("screening:self_results", args=["phq-9"]), {"token": forged}
        ).status_code
        == 400
    )


@pytest.mark.django_db
def test_the_zip_code_is_checked_and_never_stored(client) -> None:
    token = _token(client.post(_take("phq-9"), phq9(first_eight=3, item9=0)))
    response = client.post(
        reverse("screening:self_results", args=["phq-9"]), {"token": token, "near": "3313x"}
    )
    assert "Enter a 5-digit ZIP code" in response.content.decode()
    ok = client.post(
        reverse("screening:self_results", args=["phq-9"]), {"token": token, "near": "33130"}
    )
    assert "Help near 33130" in ok.content.decode()
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_saving_needs_an_account(client) -> None:
    page = client.post(_take("phq-9"), phq9(first_eight=1))
    assert reverse("screening:self_save", args=["phq-9"]) not in page.content.decode()
    response = client.post(reverse("screening:self_save", args=["phq-9"]), {"token": _token(page)})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_resident_saves_once_even_when_saving_twice(client, resident) -> None:
    client.force_login(resident)
    page = client.post(_take("phq-9"), phq9(first_eight=1))
    token = _token(page)
    save = reverse("screening:self_save", args=["phq-9"])
    first = client.post(save, {"token": token})
    second = client.post(save, {"token": token})
    screening = Screening.objects.get()
    assert first["Location"] == second["Location"] == screening.get_absolute_url()
    assert screening.user == resident and screening.person is None
    assert screening.result["scores"][0]["value"] == 8
    detail = client.get(screening.get_absolute_url()).content.decode()
    assert "Score: 8 of 27" in detail
    assert (
        reverse("screening:own_detail", args=[screening.pk])
        in client.get(reverse("screening:own_list")).content.decode()
    )


@pytest.mark.django_db
def test_a_saved_self_screen_is_visible_to_its_resident_only(
    client, resident, navigator, superuser
) -> None:
    client.force_login(resident)
    token = _token(client.post(_take("phq-9"), phq9(first_eight=1)))
    client.post(reverse("screening:self_save", args=["phq-9"]), {"token": token})
    screening = Screening.objects.get()
    for other in (navigator, superuser):
        client.force_login(other)
        assert client.get(screening.get_absolute_url()).status_code == 404
        assert (
            client.get(reverse("screening:screening_detail", args=[screening.pk])).status_code
            == 404
        )
    client.logout()
    assert client.get(screening.get_absolute_url()).status_code == 302


@pytest.mark.django_db
def test_an_expired_token_asks_to_answer_again(client, settings) -> None:
    token = carried.pack(instrument="phq-9", language="en", answers=phq9())
    with pytest.raises(carried.BadToken):
        carried.unpack(token, max_age=-1)
    assert carried.unpack(token).answers == phq9()


@pytest.mark.django_db
def test_the_self_screen_never_opens_a_safety_follow_up(client) -> None:
    client.post(_take("phq-9"), phq9(first_eight=0, item9=3))
    assert not SafetyFollowUp.objects.exists()


@pytest.mark.django_db
def test_the_spanish_page_says_the_questionnaire_is_english_only_and_marks_it(client) -> None:
    html = client.get(_take("phq-9"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in html
    assert '<div class="questionnaire" lang="en">' in html
