"""GAD-2 scoring (Kroenke 2007: 0-6, a score of 3 or more is positive)."""

from __future__ import annotations

import pytest

from commonweal.screening import scoring
from commonweal.screening.tests.instrument_answers import answers_with_scores


@pytest.mark.parametrize(
    "scores, positive",
    [
        ((0, 0), False),
        ((1, 1), False),
        ((0, 2), False),
        ((1, 2), True),
        ((3, 0), True),
        ((3, 3), True),
    ],
)
def test_cut_point_2_3(scores, positive):
    result = scoring.score("gad-2", answers_with_scores("gad-2", "gad-2/total", scores))
    (score,) = result.scores
    assert (score.value, score.positive) == (sum(scores), positive)
    assert result.positive_domains == (("anxiety",) if positive else ())


def test_loinc_form_answer_more_days_than_not_scores_2():
    result = scoring.score("gad-2", {"69725-0": "LA6569-3", "68509-9": "LA18938-3"})
    assert result.scores[0].value == 3


def test_missing_item_is_not_scorable():
    result = scoring.score("gad-2", {"68509-9": "LA6571-9"})
    assert result.scores == () and "69725-0" in result.not_scorable[0].reason
