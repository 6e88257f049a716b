"""PHQ-2 scoring (Kroenke 2003: 0-6, a score of 3 or more is positive)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.screening import scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores


@pytest.mark.parametrize(
    "scores, positive",
    [
        ((0, 0), False),
        ((1, 1), False),
        ((2, 0), False),
        ((2, 1), True),
        ((0, 3), True),
        ((3, 3), True),
    ],
)
def test_cut_point_2_3(scores, positive):
    result = scoring.score("phq-2", answers_with_scores("phq-2", "phq-2/total", scores))
    (score,) = result.scores
    assert score.value == sum(scores)
    assert score.positive is positive
    assert score.band is None
    assert result.positive_domains == (("depression",) if positive else ())


def test_missing_item_is_not_scorable():
    result = scoring.score("phq-2", {"44250-9": "LA6571-9"})
    assert result.scores == ()
    assert "44255-8" in result.not_scorable[0].reason


def test_phq9_only_items_are_not_phq2_items():
    with pytest.raises(scoring.InvalidAnswers, match="has no item '44260-8'"):
        scoring.score("phq-2", {"44250-9": 0, "44255-8": 0, "44260-8": 1})


@given(st.tuples(st.integers(0, 3), st.integers(0, 3)))
def test_property(scores):
    (score,) = scoring.score("phq-2", answers_with_scores("phq-2", "phq-2/total", scores)).scores
    assert score.value == sum(scores) and score.positive == (sum(scores) >= 3)
