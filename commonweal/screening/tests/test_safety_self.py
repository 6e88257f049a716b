"""The crisis safety protocol on a resident's self-screen: crisis help at once, before any score."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonweal.screening.tests.answers import DECLINED, NO, YES, asq, phq9

CHAT = "https://988lifeline.org/chat/"


def _main(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1]


def _post(client, code: str, data: dict):
    return client.post(reverse("screening:self_screen", args=[code]), data)


def _assert_crisis_first_and_no_score(main: str) -> None:
    # The crisis section is the first thing in <main> …
    first_section = main.index("<section")
    assert main[first_section:].startswith('<section class="crisis-takeover"')
    assert main.index('class="crisis-takeover"') < main.index("<h1")
    # … with one-tap ways to reach help, each in words, never a bare number …
    for href in (
        'href="tel:988"',
        'href="sms:988"',
        f'href="{CHAT}"',
        'href="sms:741741?&amp;body=HOME"',
        'href="tel:911"',
    ):
        assert href in main, href
    for words in ("Call 988", "Text 988", "Chat online with 988", "Text HOME to 741741", "911"):
        assert words in main, words
    # … and no score anywhere on the page.
    for score_words in (
        "Your results",
        "Score:",
        "of 27",
        "Positive screen",
        "Moderate",
        "Severe",
        "Mild",
    ):
        assert score_words not in main, score_words
    assert "Continue to my results" in main


@pytest.mark.django_db
def test_phq9_item_9_answered_not_at_all_does_not_start_the_protocol(client) -> None:
    main = _main(_post(client, "phq-9", phq9(first_eight=3, item9=0)))
    assert 'class="crisis-takeover"' not in main
    assert "Your results" in main and "Score: 24 of 27" in main


@pytest.mark.django_db
@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item_9_above_zero_shows_crisis_help_before_any_score(client, item9) -> None:
    main = _main(_post(client, "phq-9", phq9(first_eight=2, item9=item9)))
    _assert_crisis_first_and_no_score(main)
    assert "Please talk to someone today" in main
    assert "Please get help right now" not in main


@pytest.mark.django_db
def test_the_protocol_starts_even_when_another_question_was_skipped(client) -> None:
    data = phq9(first_eight=1, item9=2)
    del data["44250-9"]
    main = _main(_post(client, "phq-9", data))
    _assert_crisis_first_and_no_score(main)


@pytest.mark.django_db
def test_the_protocol_starts_even_when_another_answer_is_malformed(client) -> None:
    data = phq9(first_eight=1, item9=2)
    data["44250-9"] = "not-an-option"  # a tampered or broken field elsewhere on the page
    main = _main(_post(client, "phq-9", data))
    _assert_crisis_first_and_no_score(main)


@pytest.mark.django_db
def test_a_malformed_answer_without_a_crisis_answer_shows_the_form_errors(client) -> None:
    data = phq9(first_eight=1, item9=0)
    data["44250-9"] = "not-an-option"
    main = _main(_post(client, "phq-9", data))
    assert 'class="crisis-takeover"' not in main and 'role="alert"' in main


@pytest.mark.django_db
def test_asq_all_no_does_not_start_the_protocol(client) -> None:
    main = _main(_post(client, "asq", asq(q5=NO)))
    assert 'class="crisis-takeover"' not in main


@pytest.mark.django_db
def test_asq_non_acute_positive_gets_the_crisis_page_without_emergency_wording(client) -> None:
    main = _main(_post(client, "asq", asq(q2=YES, q5=NO)))
    _assert_crisis_first_and_no_score(main)
    assert "Please talk to someone today" in main
    assert "Do not stay alone" not in main
    assert main.index('href="tel:988"') < main.index('href="tel:911"')


@pytest.mark.django_db
def test_asq_acute_positive_is_an_emergency(client) -> None:
    main = _main(_post(client, "asq", asq(q3=YES, q5=YES)))
    _assert_crisis_first_and_no_score(main)
    assert "Please get help right now" in main
    assert "Do not stay alone" in main
    assert "call 911 or go to the nearest emergency room now" in main
    # Emergency: 911 is the first way out offered.
    assert main.index('href="tel:911"') < main.index('href="tel:988"')


@pytest.mark.django_db
def test_asq_refusing_to_answer_counts_as_positive(client) -> None:
    main = _main(_post(client, "asq", asq(q1=DECLINED, q5=NO)))
    _assert_crisis_first_and_no_score(main)


@pytest.mark.django_db
def test_asq_positive_with_question_5_unanswered_gets_the_emergency_wording(client) -> None:
    main = _main(_post(client, "asq", asq(q4=YES)))
    assert "Please get help right now" in main


@pytest.mark.django_db
def test_a_free_text_answer_about_self_harm_starts_the_protocol(client) -> None:
    data = {**asq(q5=NO), "asq-5-describe": "sometimes I want to kill myself"}
    main = _main(_post(client, "asq", data))
    _assert_crisis_first_and_no_score(main)
