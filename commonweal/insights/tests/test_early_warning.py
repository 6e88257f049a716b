"""The early-warning core: baselines, alarm lines from the published distributions, and its
false-alarm rate and detection on simulated seasonal series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from commonweal.insights import early_warning as ew

MONDAY = dt.date(2022, 1, 3)


def test_it_puts_the_poisson_line_at_the_first_count_with_tail_chance_under_alpha() -> None:
    # Baseline of four 2s: Poisson(2). P(X >= 7) = 0.0045 <= 0.005 < P(X >= 6) = 0.0166.
    expected, line = ew.alarm_threshold([2, 2, 2, 2], alpha=0.005)
    assert expected == 2
    assert line == 7
    assert stats.poisson(2).sf(line - 1) <= 0.005 < stats.poisson(2).sf(line - 2)


def test_it_widens_the_line_for_an_over_dispersed_baseline() -> None:
    # Mean 4, sample variance 16: a negative binomial with that mean and variance.
    baseline = [0, 8, 0, 8, 4, 4, 0, 8]
    mean = np.mean(baseline)
    variance = np.var(baseline, ddof=1)
    r = mean**2 / (variance - mean)
    nb = stats.nbinom(r, r / (r + mean))
    expected, line = ew.alarm_threshold(baseline, alpha=0.005)
    assert expected == pytest.approx(4)
    assert nb.sf(line - 1) <= 0.005 < nb.sf(line - 2)
    assert line > ew.alarm_threshold([4] * 8, alpha=0.005)[1]


def test_it_never_alarms_below_the_minimum_count() -> None:
    # A quiet area (all zeros) going to 2 with a loose alpha: past the Poisson line (2), but
    # under MIN_COUNT (3), so no alarm; 3 alarms.
    quiet = [0] * 10
    checks = ew.check_series([*quiet, 2], start=MONDAY, alpha=0.2)
    assert checks[-1].threshold == 2
    assert not checks[-1].alarm
    assert ew.check_series([*quiet, 3], start=MONDAY, alpha=0.2)[-1].alarm
    # At the default alpha the line itself sits at 4 for a quiet area.
    assert ew.check_series([*quiet, 3], start=MONDAY)[-1].threshold == 4


def test_it_uses_the_recent_weeks_with_a_guard_week_before_two_years_of_history() -> None:
    counts = [1] * 8 + [50, 9]
    check = ew.check_series(counts, start=MONDAY)[-1]
    assert check.method == "recent"
    # Weeks 1..8 (index 0..7), not week 9 (the guard week with its 50).
    assert check.baseline_weeks == 8
    assert check.expected == 1
    assert check.alarm


def test_it_says_insufficient_without_four_baseline_weeks() -> None:
    checks = ew.check_series([5, 5, 5, 5, 40], start=MONDAY)
    assert [c.method for c in checks] == ["insufficient"] * 5
    assert not any(c.alarm for c in checks)
    assert checks[-1].expected is None and checks[-1].threshold is None


def test_it_uses_the_same_season_of_earlier_years_once_two_years_exist() -> None:
    weeks = 2 * 52 + 4
    counts = [0] * weeks
    # Around week 3 of each earlier year the signal is always high (a seasonal peak).
    for year in (0, 1):
        for offset in range(-3, 4):
            counts[year * 52 + 3 + offset] = 10
    counts[-1] = 11  # week 3 of the third year
    check = ew.check_series(counts, start=MONDAY)[-1]
    assert check.method == "seasonal"
    assert check.baseline_weeks == 14
    assert check.expected == 10
    # A usual seasonal peak is no alarm, though the recent weeks were all zero.
    assert not check.alarm


def test_it_rejects_a_series_that_is_not_weekly_counts() -> None:
    with pytest.raises(ew.SeriesError, match="Monday"):
        ew.check_series([1, 2], start=dt.date(2022, 1, 4))
    with pytest.raises(ew.SeriesError, match="no count"):
        ew.check_series([1, -2], start=MONDAY)
    with pytest.raises(ew.SeriesError, match="alpha"):
        ew.check_series([1, 2], start=MONDAY, alpha=1.5)
    with pytest.raises(ew.SeriesError, match="empty"):
        ew.alarm_threshold([])


def test_it_fills_missing_weeks_with_zero() -> None:
    first = MONDAY
    counts = ew.dense_counts(
        {first: 2, first + dt.timedelta(weeks=2): 5},
        first=first,
        last=first + dt.timedelta(weeks=3),
    )
    assert counts == [2, 0, 5, 0]
    assert ew.week_start(dt.date(2022, 1, 9)) == MONDAY
    with pytest.raises(ew.SeriesError, match="before it starts"):
        ew.dense_counts({}, first=MONDAY, last=MONDAY - dt.timedelta(weeks=1))


def _seasonal_series(
    rng: np.random.Generator, base: float, years: int = 4
) -> tuple[np.ndarray, list[int]]:
    weeks = np.arange(years * 52)
    mean = base * (1 + 0.4 * np.sin(2 * np.pi * weeks / 52))
    return mean, rng.poisson(mean).tolist()


@pytest.mark.parametrize("base", [2.0, 8.0])
def test_it_keeps_false_alarms_near_alpha_on_simulated_seasonal_series(base: float) -> None:
    # No real rise anywhere: every alarm is false. With the seasonal baseline the rate stays
    # within 1.5 × alpha (docs/insights-early-warning.md gives the measured figures).
    rng = np.random.default_rng(20261207)
    alarms = weeks = 0
    for _ in range(150):
        _, counts = _seasonal_series(rng, base)
        for check in ew.check_series(counts, start=MONDAY):
            if check.method == "seasonal":
                weeks += 1
                alarms += check.alarm
    assert weeks > 10_000
    assert alarms / weeks <= 1.5 * ew.ALPHA


def test_it_detects_most_rises_of_three_standard_deviations() -> None:
    rng = np.random.default_rng(7)
    detected = 0
    trials = 150
    for _ in range(trials):
        mean, counts = _seasonal_series(rng, 5.0)
        last = len(counts) - 1
        counts[last] = int(round(mean[last] + 3 * np.sqrt(mean[last]) + 3))
        detected += ew.check_series(counts, start=MONDAY)[last].alarm
    assert detected / trials >= 0.85
