"""GAD-7 scoring against Spitzer 2006: 0-21; bands 0-4, 5-9, 10-14, 15-21; positive at 10."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.screening import instruments, scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores, scored_items, spread

ITEMS = scored_items("gad-7", "70274-6")


def with_total(value):
    return answers_with_scores("gad-7", "70274-6", spread(value, 7, 0, 3))


@pytest.mark.parametrize(
    "value, band, positive",
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_band_boundaries(value, band, positive):
    result = scoring.score("gad-7", with_total(value))
    (score,) = result.scores
    assert (score.code, score.value, score.band, score.positive) == (
        "70274-6",
        value,
        band,
        positive,
    )
    assert result.positive_domains == (("anxiety",) if positive else ())
    assert not result.safety.triggered


@pytest.mark.parametrize("link_id", ITEMS)
def test_each_item_counts(link_id):
    answers = {item: 0 for item in ITEMS}
    answers[link_id] = 3
    assert scoring.score("gad-7", answers).scores[0].value == 3


@pytest.mark.parametrize("missing", ITEMS)
def test_any_missing_item_is_not_scorable(missing):
    answers = with_total(12)
    del answers[missing]
    result = scoring.score("gad-7", answers)
    assert result.scores == ()
    assert (
        missing in result.not_scorable[0].reason
        and "needs all 7 items" in result.not_scorable[0].reason
    )


def test_more_days_than_not_only_on_the_worry_item():
    answers = {item: 0 for item in ITEMS}
    answers["68509-9"] = "LA18938-3"
    assert scoring.score("gad-7", answers).scores[0].value == 2
    answers["69733-4"] = "LA18938-3"
    with pytest.raises(scoring.InvalidAnswers, match="69733-4"):
        scoring.score("gad-7", answers)


def test_more_days_than_not_is_accepted_but_not_offered():
    worry = instruments.get("gad-7").item("68509-9")
    assert "LA18938-3" not in [o.code for o in worry.offered_options]
    assert worry.option("LA18938-3").score == 2


def test_out_of_range_integer_is_an_error():
    answers = with_total(3)
    answers["69734-2"] = 5
    with pytest.raises(scoring.InvalidAnswers, match="out of range"):
        scoring.score("gad-7", answers)


@given(st.lists(st.integers(0, 3), min_size=7, max_size=7))
def test_property_total_and_band(scores):
    (score,) = scoring.score("gad-7", answers_with_scores("gad-7", "70274-6", scores)).scores
    value = sum(scores)
    assert score.value == value
    assert score.band == (
        "minimal"
        if value <= 4
        else "mild"
        if value <= 9
        else "moderate"
        if value <= 14
        else "severe"
    )
    assert score.positive == (value >= 10)
