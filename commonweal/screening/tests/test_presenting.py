from __future__ import annotations

from commonweal.screening import presenting, scoring
from commonweal.screening.tests.answers import AHC_ALL_CLEAR, phq9
from commonweal.screening.types import Score, ScoreResult


def test_a_phq9_total_reads_as_mood_with_its_score_out_of_27_and_band() -> None:
    [domain] = presenting.present(scoring.score("phq-9", phq9(first_eight=1, item9=2))).domains
    assert domain.heading == "Mood"
    assert (domain.value_text, domain.band_text, domain.positive) == ("10 of 27", "Moderate", True)
    assert "signs of depression" in domain.meaning
    assert domain.need_categories  # services can be matched to it


def test_a_yes_no_domain_has_no_number_and_plain_words() -> None:
    data = {**AHC_ALL_CLEAR, "88122-7": "LA6729-3"}
    presented = presenting.present(scoring.score("ahc-hrsn", data))
    [food] = [d for d in presented.domains if d.domain == "food"]
    assert food.heading == "Food" and food.positive and food.value_text == ""
    assert [d.domain for d in presented.positive] == ["food"]
    housing = next(d for d in presented.domains if d.domain == "living-situation")
    assert housing.meaning == "Your answers do not show a housing need right now."


def test_an_unknown_instrument_or_domain_falls_back_to_the_scores_own_name() -> None:
    result = ScoreResult(
        instrument="gone",
        scores=(Score(code="gone/x", name="Local score", value=3, band=None, positive=False),),
        positive_domains=(),
    )
    presented = presenting.present(result)
    assert presented.instrument is None
    assert presented.domains[0].heading == "Local score"
