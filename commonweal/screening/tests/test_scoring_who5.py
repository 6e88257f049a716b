"""WHO-5 scoring (WHO 2024; Topp 2015): raw 0-25, x4 percentage; <= 50 % poor, <= 28 % likely depression."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.screening import scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores, spread


def scores_for(raw):
    result = scoring.score("who-5", answers_with_scores("who-5", "who-5/raw", spread(raw, 5, 0, 5)))
    return result, {s.code: s for s in result.scores}


@pytest.mark.parametrize(
    "raw, percentage, band, positive",
    [
        (0, 0, "likely-depression", True),
        (7, 28, "likely-depression", True),
        (8, 32, "poor-wellbeing", True),
        (12, 48, "poor-wellbeing", True),
        (13, 52, "not-low", False),
        (25, 100, "not-low", False),
    ],
)
def test_boundaries_raw_12_13_and_percent(raw, percentage, band, positive):
    result, scores = scores_for(raw)
    assert scores["who-5/raw"].value == raw
    assert scores["who-5/percentage"].value == percentage
    assert scores["who-5/percentage"].band == band
    assert scores["who-5/raw"].positive is positive
    assert scores["who-5/percentage"].positive is positive
    assert result.positive_domains == (("wellbeing",) if positive else ())


def test_answer_scale_all_of_the_time_5_to_at_no_time_0():
    result = scoring.score(
        "who-5", dict.fromkeys(["who-5-1", "who-5-2", "who-5-3", "who-5-4", "who-5-5"], "5")
    )
    assert {s.code: s.value for s in result.scores} == {"who-5/raw": 25, "who-5/percentage": 100}


def test_missing_item_is_not_scorable():
    answers = answers_with_scores("who-5", "who-5/raw", [3, 3, 3, 3, 3])
    del answers["who-5-3"]
    result = scoring.score("who-5", answers)
    assert result.scores == ()
    assert {n.code for n in result.not_scorable} == {"who-5/raw", "who-5/percentage"}


def test_out_of_range():
    with pytest.raises(scoring.InvalidAnswers, match="6 is out of range"):
        scoring.score("who-5", {"who-5-1": 6})


@given(st.lists(st.integers(0, 5), min_size=5, max_size=5))
def test_property(raw_scores):
    result = scoring.score("who-5", answers_with_scores("who-5", "who-5/raw", raw_scores))
    scores = {s.code: s for s in result.scores}
    raw = sum(raw_scores)
    assert scores["who-5/percentage"].value == raw * 4
    assert scores["who-5/raw"].positive == (raw < 13) == scores["who-5/percentage"].positive
