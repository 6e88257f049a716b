from __future__ import annotations

from commonweal.screening import results, scoring
from commonweal.screening.tests.answers import asq, phq9


def test_a_result_survives_the_round_trip_through_json() -> None:
    for code, answers in (
        ("phq-9", phq9(first_eight=2, item9=1)),
        ("asq", asq(q1="LA33-6", q5="LA33-6")),
    ):
        result = scoring.score(code, answers)
        assert results.from_json(results.to_json(result)) == result


def test_an_older_stored_result_without_new_fields_still_reads() -> None:
    stored = {
        "instrument": "phq-9",
        "scores": [
            {
                "code": "44261-6",
                "name": "PHQ-9 total score",
                "value": 5,
                "band": "mild",
                "positive": False,
            }
        ],
        "positive_domains": [],
        "safety": {"triggered": False},
        "a_field_from_the_future": 1,
    }
    result = results.from_json(stored)
    assert result.scores[0].value == 5 and result.scores[0].domain == ""
    assert result.not_scorable == () and result.safety.reasons == ()


def test_an_empty_stored_result_is_an_error() -> None:
    import pytest

    with pytest.raises(ValueError):
        results.from_json({})
