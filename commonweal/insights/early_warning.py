"""Early warning: is this week's count of a crisis signal unusually high for its area?

A pure core (no Django): it takes one area's weekly counts of one signal and says, week by
week, what was expected, from which baseline, where the alarm line was and whether the count
crossed it. The method (docs/insights-early-warning.md) follows the two families public-health
surveillance uses for weekly counts:

- **Seasonal baseline** when there are at least two earlier years: the same week and the
  `SEASONAL_HALF_WIDTH` weeks either side of it in each earlier year (up to
  `SEASONAL_YEARS`), the "historical limits" design of Stroup et al. 1989 (Statistics in
  Medicine 8:323) also used by Farrington et al. 1996 (JRSS A 159:547).
- **Recent baseline** otherwise: the `RECENT_WEEKS` weeks before, skipping the `GUARD_WEEKS`
  just before this one so that a rise that has begun does not raise its own baseline (the
  guard band of CDC's EARS C2/C3, Hutwagner et al. 2003, J Urban Health 80:i89).

The alarm line is an upper quantile of the count distribution fitted to the baseline:
Poisson with the baseline mean, or — when the baseline varies more than a Poisson would
(over-dispersion, as in Farrington's quasi-Poisson) — a negative binomial with the
baseline's mean and variance. A week alarms when its count reaches the line AND at least
`MIN_COUNT`, so a quiet area going from 0 to 1 never alarms. The chance of an alarm in a
week with no real rise is at most `alpha` by construction (less for small counts, since
counts are whole numbers); the tests measure it on simulated seasonal series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.005
MIN_COUNT = 3
SEASONAL_YEARS = 5
SEASONAL_HALF_WIDTH = 3
RECENT_WEEKS = 8
GUARD_WEEKS = 1
MIN_BASELINE_WEEKS = 4
# A baseline of all zeros still leaves room for chance: treat its mean as at least this.
MEAN_FLOOR = 0.5
WEEKS_PER_YEAR = 52


class SeriesError(ValueError):
    """The weekly series cannot be checked (say why)."""


@dataclass(frozen=True)
class WeekCheck:
    """One week's verdict, with everything needed to explain it."""

    week: dt.date
    count: int
    method: str  # "seasonal", "recent" or "insufficient"
    baseline_weeks: int
    expected: float | None
    threshold: int | None
    alarm: bool

    @property
    def excess(self) -> float | None:
        return None if self.expected is None else self.count - self.expected


def _thresholds(means: np.ndarray, variances: np.ndarray, alpha: float) -> np.ndarray:
    """Smallest counts whose upper-tail chance is at most `alpha`, one per baseline."""
    mu = np.maximum(means, MEAN_FLOOR)
    over = variances > mu
    # P(X >= x) <= alpha  <=>  x = the (1 - alpha) quantile + 1, the first count past it.
    result = stats.poisson.ppf(1 - alpha, mu) + 1
    if over.any():
        # Negative binomial with mean mu and the baseline's variance, in scipy's (r, p) form.
        r = mu[over] ** 2 / (variances[over] - mu[over])
        result[over] = stats.nbinom.ppf(1 - alpha, r, r / (r + mu[over])) + 1
    return result.astype(int)


def alarm_threshold(baseline: Sequence[int], *, alpha: float = ALPHA) -> tuple[float, int]:
    """(expected count, smallest count whose upper-tail chance is at most `alpha`)."""
    if not baseline:
        raise SeriesError("an empty baseline has no threshold")
    values = np.asarray(baseline, dtype=float)
    variance = values.var(ddof=1) if len(values) > 1 else 0.0
    mean = float(values.mean())
    return mean, int(_thresholds(np.array([mean]), np.array([variance]), alpha)[0])


def _seasonal_baseline(counts: Sequence[int], index: int) -> list[int]:
    values = []
    for year in range(1, SEASONAL_YEARS + 1):
        centre = index - year * WEEKS_PER_YEAR
        for offset in range(-SEASONAL_HALF_WIDTH, SEASONAL_HALF_WIDTH + 1):
            position = centre + offset
            if 0 <= position < index:
                values.append(counts[position])
    return values


def _seasonal_years(index: int) -> int:
    # Years whose whole window lies in the series.
    return sum(
        1
        for year in range(1, SEASONAL_YEARS + 1)
        if index - year * WEEKS_PER_YEAR - SEASONAL_HALF_WIDTH >= 0
    )


def _recent_baseline(counts: Sequence[int], index: int) -> list[int]:
    end = index - GUARD_WEEKS
    return list(counts[max(0, end - RECENT_WEEKS) : max(0, end)])


def check_series(
    counts: Sequence[int],
    *,
    start: dt.date,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
) -> list[WeekCheck]:
    """Check every week of a dense weekly series (week i begins `start` + 7i days)."""
    if start.weekday() != 0:
        raise SeriesError(f"a series starts on a Monday, not on {start:%A} {start}")
    if not 0 < alpha < 1:
        raise SeriesError(f"alpha must lie between 0 and 1, not {alpha}")
    for i, count in enumerate(counts):
        if count < 0 or int(count) != count:
            raise SeriesError(f"week {start + dt.timedelta(weeks=i)}: count {count} is no count")
    plans = []
    for index in range(len(counts)):
        if _seasonal_years(index) >= 2:
            method, baseline = "seasonal", _seasonal_baseline(counts, index)
        else:
            method, baseline = "recent", _recent_baseline(counts, index)
        if len(baseline) < MIN_BASELINE_WEEKS:
            method = "insufficient"
        plans.append((method, baseline))
    checked = [i for i, (method, _) in enumerate(plans) if method != "insufficient"]
    means = np.array([np.mean(plans[i][1]) for i in checked])
    variances = np.array([np.var(plans[i][1], ddof=1) for i in checked])
    thresholds = dict(zip(checked, _thresholds(means, variances, alpha).tolist(), strict=True))
    expected = dict(zip(checked, means.tolist(), strict=True))
    checks = []
    for index, count in enumerate(counts):
        method, baseline = plans[index]
        week = start + dt.timedelta(weeks=index)
        if method == "insufficient":
            checks.append(WeekCheck(week, int(count), method, len(baseline), None, None, False))
            continue
        line = thresholds[index]
        alarm = count >= max(line, min_count)
        checks.append(
            WeekCheck(week, int(count), method, len(baseline), expected[index], line, alarm)
        )
    return checks


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (weeks are ISO weeks, Monday to Sunday)."""
    return day - dt.timedelta(days=day.weekday())


def dense_counts(weekly: dict[dt.date, int], *, first: dt.date, last: dt.date) -> list[int]:
    """Counts for every week from `first` to `last` (Mondays), zero where none were seen."""
    if first > last:
        raise SeriesError(f"the series ends ({last}) before it starts ({first})")
    weeks = (last - first).days // 7 + 1
    return [weekly.get(first + dt.timedelta(weeks=i), 0) for i in range(weeks)]
