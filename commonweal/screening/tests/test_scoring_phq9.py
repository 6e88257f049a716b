"""PHQ-9 scoring against the published rules (Kroenke 2001; Pfizer PHQ instructions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.screening import scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores, scored_items, spread

ITEMS = scored_items("phq-9", "44261-6")
ITEM_9 = "44260-8"
CODES = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}


def total(result):
    (score,) = result.scores
    assert score.code == "44261-6"
    return score


def with_total(value, item9=None):
    if item9 is None:
        item9 = max(0, value - 24)  # only a total above 24 needs item 9
    scores = spread(value - item9, 8, 0, 3) + [item9]
    return answers_with_scores("phq-9", "44261-6", scores)


def test_nine_items_in_published_order():
    assert ITEMS == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        ITEM_9,
    ]


@pytest.mark.parametrize("link_id", ITEMS)
@pytest.mark.parametrize("value", [0, 1, 2, 3])
def test_each_item_adds_its_answer_score(link_id, value):
    answers = {item: CODES[0] for item in ITEMS}
    answers[link_id] = CODES[value]
    assert total(scoring.score("phq-9", answers)).value == value


@pytest.mark.parametrize(
    "value, band, positive",
    [
        (0, "none-minimal", False),
        (4, "none-minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "moderately-severe", True),
        (19, "moderately-severe", True),
        (20, "severe", True),
        (27, "severe", True),
    ],
)
def test_band_boundaries(value, band, positive):
    result = scoring.score("phq-9", with_total(value))
    score = total(result)
    assert (score.value, score.band, score.positive) == (value, band, positive)
    assert result.positive_domains == (("depression",) if positive else ())
    assert score.domain == "depression"
    assert "1220" in score.need_categories


def test_integer_scores_are_accepted_like_codes():
    by_code = scoring.score("phq-9", with_total(13))
    by_int = scoring.score(
        "phq-9", {i: [0, 1, 2, 3][list(CODES.values()).index(c)] for i, c in with_total(13).items()}
    )
    assert by_code == by_int


@pytest.mark.parametrize("missing", ITEMS)
def test_any_missing_item_is_not_scorable_and_named(missing):
    answers = with_total(8)
    answers[missing] = None
    result = scoring.score("phq-9", answers)
    assert result.scores == ()
    (problem,) = result.not_scorable
    assert problem.code == "44261-6"
    assert missing in problem.reason
    assert "needs all 9 items" in problem.reason


def test_item_9_above_zero_triggers_safety_even_with_a_low_total():
    for value in (1, 2, 3):
        result = scoring.score("phq-9", with_total(value, item9=value))
        assert result.safety.triggered
        assert not result.safety.acute
        assert any("item 9" in reason for reason in result.safety.reasons)


def test_item_9_zero_does_not_trigger_even_when_severe():
    result = scoring.score("phq-9", with_total(24, item9=0))
    assert total(result).band == "severe"
    assert not result.safety.triggered
    assert result.safety.reasons == ()


def test_unanswered_item_9_asks_for_it():
    answers = with_total(6)
    del answers[ITEM_9]
    result = scoring.score("phq-9", answers)
    assert not result.safety.triggered
    assert result.safety.reasons == ("ask item 9",)
    assert ITEM_9 in result.not_scorable[0].reason


def test_difficulty_item_is_accepted_but_not_scored():
    answers = with_total(7)
    answers["69722-7"] = "LA6574-3"
    assert total(scoring.score("phq-9", answers)).value == 7


@pytest.mark.parametrize(
    "answers, words",
    [
        ({"44250-9": "LA6572-7"}, "'LA6572-7' is not one of its answers"),
        ({"44250-9": 4}, "4 is out of range (allowed: 0, 1, 2, 3)"),
        ({"44250-9": -1}, "-1 is out of range"),
        ({"44250-9": True}, "True is not an answer"),
        ({"44250-9": 1.5}, "float is not an answer"),
        ({"44250-9": ["LA6568-5", "LA6569-3"]}, "only one answer"),
        ({"12345-6": "LA6568-5"}, "has no item '12345-6'"),
        ({"69722-7": 2}, "answer with a code"),
    ],
)
def test_bad_answers_are_errors_not_scores(answers, words):
    with pytest.raises(scoring.InvalidAnswers) as error:
        scoring.score("phq-9", answers)
    assert words in str(error.value)


def test_every_bad_answer_is_listed_at_once():
    with pytest.raises(scoring.InvalidAnswers) as error:
        scoring.score("phq-9", {"44250-9": 9, "44255-8": "nope"})
    assert len(error.value.errors) == 2


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9))
def test_property_total_is_the_sum_and_band_matches(scores):
    result = scoring.score("phq-9", answers_with_scores("phq-9", "44261-6", scores))
    score = total(result)
    assert score.value == sum(scores)
    expected = (
        ["none-minimal"] * 5
        + ["mild"] * 5
        + ["moderate"] * 5
        + ["moderately-severe"] * 5
        + ["severe"] * 8
    )
    assert score.band == expected[sum(scores)]
    assert score.positive == (sum(scores) >= 10)
    assert result.safety.triggered == (scores[8] > 0)
