"""Three-item loneliness scale (Hughes 2004): items 1-3, total 3-9; 6-9 lonely (common convention)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.screening import scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores


@pytest.mark.parametrize(
    "scores, band, positive",
    [
        ((1, 1, 1), "not-lonely", False),
        ((2, 2, 1), "not-lonely", False),
        ((2, 2, 2), "lonely", True),
        ((3, 3, 3), "lonely", True),
    ],
)
def test_cut_point_5_6(scores, band, positive):
    result = scoring.score("ucla-3", answers_with_scores("ucla-3", "ucla-3/total", scores))
    (score,) = result.scores
    assert (score.value, score.band, score.positive) == (sum(scores), band, positive)
    assert result.positive_domains == (("loneliness",) if positive else ())


@pytest.mark.parametrize("value", [0, 4])
def test_out_of_range_integer(value):
    with pytest.raises(scoring.InvalidAnswers, match="out of range"):
        scoring.score("ucla-3", {"ucla-3-1": value})


def test_missing_is_not_scorable():
    result = scoring.score("ucla-3", {"ucla-3-1": "often", "ucla-3-2": "often"})
    assert result.scores == () and "ucla-3-3" in result.not_scorable[0].reason


@given(st.lists(st.integers(1, 3), min_size=3, max_size=3))
def test_property(scores):
    (score,) = scoring.score("ucla-3", answers_with_scores("ucla-3", "ucla-3/total", scores)).scores
    assert 3 <= score.value == sum(scores) <= 9
    assert score.positive == (sum(scores) >= 6)
