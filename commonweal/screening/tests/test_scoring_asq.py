"""ASQ scoring and safety (NIMH ASQ toolkit): any yes or refusal on 1-4 is positive; Q5 sets acuity."""

from __future__ import annotations

import pytest

from commonweal.screening import scoring

YES, NO, DECLINED = "LA33-6", "LA32-8", "asked-declined"
QUESTIONS = ["asq-1", "asq-2", "asq-3", "asq-4"]


def all_no(**changes):
    answers = dict.fromkeys(QUESTIONS, NO)
    answers.update({key.replace("_", "-"): value for key, value in changes.items()})
    return answers


def test_all_no_is_negative_and_q5_not_needed():
    result = scoring.score("asq", all_no())
    (screen,) = result.scores
    assert screen.code == "asq/screen" and not screen.positive
    assert result.safety.triggered is False and result.safety.reasons == ()


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("answer", [YES, DECLINED])
def test_yes_or_refusal_on_any_question_is_positive(question, answer):
    result = scoring.score("asq", all_no(**{question.replace("-", "_"): answer}))
    assert result.scores[0].positive
    assert result.positive_domains == ("suicide-risk",)
    assert result.safety.triggered
    assert not result.safety.acute
    assert "ask question 5" in result.safety.reasons


def test_q5_yes_is_acute():
    result = scoring.score("asq", all_no(asq_1=YES, asq_5=YES))
    assert result.safety.triggered and result.safety.acute
    assert any("right now" in reason for reason in result.safety.reasons)
    assert "ask question 5" not in result.safety.reasons


def test_q5_no_is_non_acute_positive():
    result = scoring.score("asq", all_no(asq_3=YES, asq_5=NO))
    assert result.safety.triggered and not result.safety.acute
    assert result.scores[0].positive


def test_q5_yes_alone_is_still_an_emergency():
    # Q5 is only asked after a positive, but a "yes" is never ignored.
    result = scoring.score("asq", all_no(asq_5=YES))
    assert result.safety.acute and result.safety.triggered


def test_q5_refused_triggers_without_calling_it_acute():
    # The toolkit gives no rule for a refused Q5; we treat it as at risk, to be assessed now.
    result = scoring.score("asq", all_no(asq_2=YES, asq_5=DECLINED))
    assert result.safety.triggered and not result.safety.acute
    assert any("question 5 refused" in reason for reason in result.safety.reasons)


def test_unanswered_question_with_others_no_is_not_scorable():
    answers = all_no()
    del answers["asq-4"]
    result = scoring.score("asq", answers)
    assert result.scores == ()
    assert "asq-4" in result.not_scorable[0].reason


def test_unanswered_question_with_a_yes_is_still_positive():
    result = scoring.score("asq", {"asq-2": YES})
    assert result.scores[0].positive and result.safety.triggered


def test_free_text_signalling_self_harm_triggers():
    result = scoring.score("asq", all_no(asq_4_how="I took too many pills, an overdose"))
    assert result.safety.triggered
    assert any("asq-4-how" in reason for reason in result.safety.reasons)


def test_neutral_free_text_does_not_trigger():
    result = scoring.score("asq", all_no(asq_4_when="last spring at the lake"))
    assert not result.safety.triggered


def test_free_text_must_be_text():
    with pytest.raises(scoring.InvalidAnswers, match="must be text"):
        scoring.score("asq", all_no(asq_4_how=3))
