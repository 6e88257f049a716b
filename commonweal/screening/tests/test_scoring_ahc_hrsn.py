"""AHC HRSN core scoring against CMS's rules per domain (AHC screening tool and 2021 guide)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.screening import scoring

STEADY, WORRIED, NO_STEADY = "LA31993-1", "LA31994-9", "LA31995-6"
OFTEN, SOMETIMES, NEVER = "LA28397-0", "LA6729-3", "LA28398-8"
YES, NO, SHUT_OFF = "LA33-6", "LA32-8", "LA32002-0"
NONE_OF_THE_ABOVE = "LA9-3"
SAFETY_ITEMS = ["95618-5", "95617-7", "95616-9", "95615-1"]
FREQUENCY = {1: "LA6270-8", 2: "LA10066-1", 3: "LA10082-8", 4: "LA16644-9", 5: "LA6482-9"}


def no_needs(**changes):
    answers = {
        "71802-3": STEADY,
        "96778-6": [NONE_OF_THE_ABOVE],
        "88122-7": NEVER,
        "88123-5": NEVER,
        "93030-5": NO,
        "96779-4": NO,
        **{item: FREQUENCY[1] for item in SAFETY_ITEMS},
    }
    answers.update({key.replace("_", "-"): value for key, value in changes.items()})
    return answers


def by_code(result):
    return {score.code: score for score in result.scores}


def test_no_needs_is_negative_everywhere():
    result = scoring.score("ahc-hrsn", no_needs())
    assert result.positive_domains == ()
    assert result.not_scorable == ()
    assert by_code(result)["95614-4"].value == 4  # Never = 1 on each of the four items
    assert not result.safety.triggered


@pytest.mark.parametrize("answer, positive", [(STEADY, False), (WORRIED, True), (NO_STEADY, True)])
def test_living_situation(answer, positive):
    result = scoring.score("ahc-hrsn", no_needs(**{"71802_3": answer}))
    assert by_code(result)["ahc-hrsn/housing-instability"].positive is positive
    assert ("living-situation" in result.positive_domains) is positive


@pytest.mark.parametrize(
    "problem",
    ["LA31996-4", "LA28580-1", "LA31997-2", "LA31998-0", "LA31999-8", "LA32000-4", "LA32001-2"],
)
def test_any_housing_problem_is_positive(problem):
    result = scoring.score("ahc-hrsn", no_needs(**{"96778_6": [problem]}))
    assert by_code(result)["ahc-hrsn/housing-quality"].positive
    assert result.positive_domains == ("living-situation",)
    assert "1141" in by_code(result)["ahc-hrsn/housing-quality"].need_categories


def test_several_housing_problems_at_once():
    result = scoring.score("ahc-hrsn", no_needs(**{"96778_6": ["LA28580-1", "LA32001-2"]}))
    assert by_code(result)["ahc-hrsn/housing-quality"].positive


def test_none_of_the_above_cannot_be_combined_with_a_problem():
    with pytest.raises(scoring.InvalidAnswers, match="cannot be chosen with other answers"):
        scoring.score("ahc-hrsn", no_needs(**{"96778_6": [NONE_OF_THE_ABOVE, "LA28580-1"]}))


@pytest.mark.parametrize(
    "first, second", list(itertools.product([OFTEN, SOMETIMES, NEVER], repeat=2))
)
def test_food_positive_if_either_item_often_or_sometimes(first, second):
    result = scoring.score("ahc-hrsn", no_needs(**{"88122_7": first, "88123_5": second}))
    food = by_code(result)["ahc-hrsn/food"]
    assert food.positive is (first != NEVER or second != NEVER)
    assert "1130" in food.need_categories


def test_food_positive_even_when_the_other_item_is_missing():
    answers = no_needs(**{"88122_7": SOMETIMES})
    del answers["88123-5"]
    assert by_code(scoring.score("ahc-hrsn", answers))["ahc-hrsn/food"].positive


def test_food_never_with_other_item_missing_is_not_scorable():
    answers = no_needs()
    del answers["88123-5"]
    result = scoring.score("ahc-hrsn", answers)
    assert "ahc-hrsn/food" not in by_code(result)
    (problem,) = result.not_scorable
    assert problem.code == "ahc-hrsn/food" and "88123-5" in problem.reason


@pytest.mark.parametrize("answer, positive", [(YES, True), (NO, False)])
def test_transportation(answer, positive):
    result = scoring.score("ahc-hrsn", no_needs(**{"93030_5": answer}))
    assert by_code(result)["ahc-hrsn/transportation"].positive is positive


@pytest.mark.parametrize("answer, positive", [(YES, True), (SHUT_OFF, True), (NO, False)])
def test_utilities(answer, positive):
    result = scoring.score("ahc-hrsn", no_needs(**{"96779_4": answer}))
    assert by_code(result)["ahc-hrsn/utilities"].positive is positive


@pytest.mark.parametrize("link_id", SAFETY_ITEMS)
@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_each_safety_item_scores_never_1_to_frequently_5(link_id, value):
    answers = no_needs(**{link_id.replace("-", "_"): FREQUENCY[value]})
    assert by_code(scoring.score("ahc-hrsn", answers))["95614-4"].value == 3 + value


@pytest.mark.parametrize(
    "scores, positive",
    [
        ((3, 3, 2, 2), False),  # 10: not positive
        ((3, 3, 3, 2), True),  # 11: positive
        ((5, 1, 1, 1), False),  # 8: "frequently" hurt alone stays below CMS's threshold (see docs)
        ((5, 5, 5, 5), True),
    ],
)
def test_interpersonal_safety_threshold_10_11(scores, positive):
    answers = no_needs(
        **{
            item.replace("-", "_"): FREQUENCY[v]
            for item, v in zip(SAFETY_ITEMS, scores, strict=True)
        }
    )
    result = scoring.score("ahc-hrsn", answers)
    safety = by_code(result)["95614-4"]
    assert (safety.value, safety.positive) == (sum(scores), positive)
    assert ("interpersonal-safety" in result.positive_domains) is positive
    # Interpersonal safety is a social need with its own services, not the suicide protocol.
    assert not result.safety.triggered
    assert "1124" in safety.need_categories


def test_missing_safety_item_is_not_scorable_but_other_domains_are():
    answers = no_needs(**{"88122_7": OFTEN})
    del answers["95616-9"]
    result = scoring.score("ahc-hrsn", answers)
    assert "95614-4" not in by_code(result)
    assert [n.code for n in result.not_scorable] == ["95614-4"]
    assert result.positive_domains == ("food",)


def test_answer_not_in_option_list():
    with pytest.raises(scoring.InvalidAnswers, match="93030-5"):
        scoring.score("ahc-hrsn", no_needs(**{"93030_5": SHUT_OFF}))


def test_integer_on_an_unscored_item_is_an_error():
    with pytest.raises(scoring.InvalidAnswers, match="answer with a code"):
        scoring.score("ahc-hrsn", no_needs(**{"93030_5": 1}))


@given(st.lists(st.integers(1, 5), min_size=4, max_size=4))
def test_property_safety_total(scores):
    answers = no_needs(
        **{item.replace("-", "_"): v for item, v in zip(SAFETY_ITEMS, scores, strict=True)}
    )
    safety = by_code(scoring.score("ahc-hrsn", answers))["95614-4"]
    assert safety.value == sum(scores) and safety.positive == (sum(scores) >= 11)
