"""The outcomes statistics core: hand-computed examples, scipy for the interval, boundaries."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from scipy import stats

from commonweal.insights import outcomes
from commonweal.insights.outcomes import Measure, Pair, ReliableChange

# S_diff = √2 · 5 · √(1 − 0.5) = 5 exactly in real numbers: thresholds easy to reason about.
FIVE = ReliableChange(sd=5 / math.sqrt(2) / math.sqrt(0.5), reliability=0.5, source="test")
LOWER = Measure("x", "x/total", higher_is_better=False, reliable_change=FIVE)
HIGHER = Measure("y", "y/total", higher_is_better=True, reliable_change=FIVE)
PHQ9 = outcomes.PUBLISHED["phq-9"]


def test_it_computes_the_published_phq9_threshold_by_hand() -> None:
    # √2 · 3.5 · √(1 − .89) = 1.6417; × 1.96 = 3.218 points.
    rc = PHQ9.reliable_change
    assert rc is not None
    assert rc.s_diff == pytest.approx(1.64165, abs=1e-4)
    assert rc.threshold == pytest.approx(3.2176, abs=1e-3)


def test_it_says_reliable_change_is_not_available_without_published_figures() -> None:
    for code in ("who-5", "ucla-3"):
        measure = outcomes.PUBLISHED[code]
        assert measure.reliable_change is None
        summary = outcomes.summarise([Pair(10, 30), Pair(12, 40)], measure)
        assert summary.improved is None and summary.deteriorated is None
        assert summary.mean_change == pytest.approx(24.0)


def test_it_summarises_three_pairs_as_computed_by_hand() -> None:
    pairs = [Pair(20, 10), Pair(15, 14), Pair(10, 18)]  # changes −10, −1, +8
    summary = outcomes.summarise(pairs, LOWER)
    assert summary.n == 3
    assert summary.mean_baseline == pytest.approx(15.0)
    assert summary.mean_follow_up == pytest.approx(14.0)
    assert summary.mean_change == pytest.approx(-1.0)
    # −10 is beyond 1.96 · 5 = 9.8 downwards (lower is better), +8 is not beyond it.
    assert (summary.improved, summary.unchanged, summary.deteriorated) == (1, 2, 0)
    # sd of (−10, −1, 8) = 9; t(.975, 2) = 4.3027; half-width 4.3027 · 9 / √3 = 22.357.
    assert summary.ci_low == pytest.approx(-1 - 22.357, abs=1e-3)
    assert summary.ci_high == pytest.approx(-1 + 22.357, abs=1e-3)


def test_it_matches_scipy_for_the_confidence_interval() -> None:
    changes = [-6.0, -3.0, 0.0, -8.0, 2.0, -4.0, -5.0, -1.0, -7.0, -2.0, -9.0, 1.0]
    pairs = [Pair(15, 15 + c) for c in changes]
    summary = outcomes.summarise(pairs, LOWER)
    low, high = stats.ttest_1samp(changes, 0.0).confidence_interval(0.95)
    assert summary.ci_low == pytest.approx(low, rel=1e-12)
    assert summary.ci_high == pytest.approx(high, rel=1e-12)


def test_it_reads_direction_the_right_way_for_higher_is_better() -> None:
    assert outcomes.classify(Pair(40, 60), HIGHER) == "improved"
    assert outcomes.classify(Pair(40, 60), LOWER) == "deteriorated"
    assert outcomes.classify(Pair(60, 40), HIGHER) == "deteriorated"
    assert outcomes.PUBLISHED["who-5"].higher_is_better is True
    assert not outcomes.PUBLISHED["phq-9"].higher_is_better


def test_it_counts_a_change_of_exactly_1_96_s_diff_as_not_reliable() -> None:
    edge = 1.96 * FIVE.s_diff
    assert outcomes.classify(Pair(20, 20 - edge), LOWER) == "unchanged"
    assert outcomes.classify(Pair(20, 20 + edge), LOWER) == "unchanged"
    assert outcomes.classify(Pair(20, 20 - edge - 0.001), LOWER) == "improved"
    assert outcomes.classify(Pair(20, 20 + edge + 0.001), LOWER) == "deteriorated"


def test_it_counts_exactly_half_as_a_phq9_response_and_exactly_5_as_no_remission() -> None:
    assert outcomes.responded(Pair(10, 5))  # exactly 50% lower
    assert not outcomes.responded(Pair(10, 6))
    assert outcomes.remitted(Pair(12, 4))
    assert not outcomes.remitted(Pair(12, 5))  # "less than five"


def test_it_counts_response_and_remission_only_from_a_baseline_of_10() -> None:
    pairs = [Pair(9, 0), Pair(10, 5), Pair(20, 4), Pair(14, 12)]
    summary = outcomes.summarise(pairs, PHQ9)
    assert summary.eligible == 3  # 9 is below the PHQ-9 ≥ 10 rule
    assert summary.responded == 2  # 10 → 5, 20 → 4
    assert summary.remitted == 1  # 20 → 4 (5 is not under 5)
    assert outcomes.summarise(pairs, outcomes.PUBLISHED["gad-7"]).eligible is None


def test_it_gives_no_interval_and_no_crash_for_nobody_or_one_person() -> None:
    empty = outcomes.summarise([], LOWER)
    assert empty.n == 0 and empty.mean_change is None and empty.ci_low is None
    assert empty.improved == 0
    one = outcomes.summarise([Pair(20, 8)], LOWER)
    assert one.n == 1 and one.mean_change == pytest.approx(-12.0)
    assert one.ci_low is None and one.ci_high is None
    assert one.improved == 1


def test_it_pairs_first_and_latest_scores_at_least_14_days_apart() -> None:
    day = dt.date(2026, 1, 5)
    scores = [(day + dt.timedelta(days=20), 6), (day, 15), (day + dt.timedelta(days=9), 11)]
    assert outcomes.pair_of(scores) == Pair(15, 6)
    assert outcomes.pair_of([(day, 15), (day + dt.timedelta(days=13), 6)]) is None
    assert outcomes.pair_of([(day, 15), (day + dt.timedelta(days=14), 6)]) == Pair(15, 6)
    assert outcomes.pair_of([(day, 15)]) is None
    assert outcomes.pair_of([]) is None


def test_it_takes_a_local_instruments_own_figures_and_direction() -> None:
    rules = [
        {
            "code": "cohesion/total",
            "method": "sum",
            "positive": {"max": 8},
            "reliable_change": {"sd": 4.0, "reliability": 0.8, "source": "Local 2024"},
        }
    ]
    measure = outcomes.measure_for("cohesion", rules)
    assert measure is not None and measure.higher_is_better is True
    assert measure.reliable_change is not None
    assert measure.reliable_change.threshold == pytest.approx(
        1.96 * math.sqrt(2) * 4 * math.sqrt(0.2)
    )
    bare = outcomes.measure_for("other", [{"code": "other/total", "method": "sum"}])
    assert bare is not None and bare.reliable_change is None and bare.higher_is_better is None
    assert outcomes.measure_for("flags", [{"code": "f/any", "method": "any"}]) is None


def test_it_refuses_an_impossible_reliability_or_sd() -> None:
    with pytest.raises(ValueError, match="reliability"):
        ReliableChange(sd=3.0, reliability=1.0, source="")
    with pytest.raises(ValueError, match="standard deviation"):
        ReliableChange(sd=0.0, reliability=0.8, source="")
