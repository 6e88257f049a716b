"""Early warning on simulated data: how often it cries wolf, and how often it sees a real rise.

Not a speed benchmark: the measured error rates that docs/insights-early-warning.md quotes.
Each series is four years of weekly Poisson counts with a yearly cycle (mean m·(1 + 0.4 sin),
peak-to-trough 2.3:1) and no real rise anywhere, so every alarm is a false alarm. Rates are
per area-week, split by the baseline the week was judged on. Detection: the last week of each
series is raised to its true mean + 3 standard deviations + 3 and checked alone.

    .venv/bin/python benchmarks/sim_early_warning.py [--series 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from commonweal.insights import early_warning as ew  # noqa: E402

MONDAY = dt.date(2021, 1, 4)
MEANS = (0.5, 2.0, 5.0, 20.0)


def simulate(mean: float, series: int, rng: np.random.Generator) -> dict[str, float]:
    weeks = np.arange(4 * ew.WEEKS_PER_YEAR)
    truth = mean * (1 + 0.4 * np.sin(2 * np.pi * weeks / ew.WEEKS_PER_YEAR))
    alarms = {"seasonal": 0, "recent": 0}
    judged = {"seasonal": 0, "recent": 0}
    detected = 0
    for _ in range(series):
        counts = rng.poisson(truth).tolist()
        for check in ew.check_series(counts, start=MONDAY):
            if check.method in judged:
                judged[check.method] += 1
                alarms[check.method] += check.alarm
        last = len(counts) - 1
        counts[last] = int(round(truth[last] + 3 * np.sqrt(truth[last]) + 3))
        detected += ew.check_series(counts, start=MONDAY)[last].alarm
    return {
        "seasonal": alarms["seasonal"] / judged["seasonal"],
        "recent": alarms["recent"] / judged["recent"],
        "detected": detected / series,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"alpha {ew.ALPHA}, minimum count {ew.MIN_COUNT}, {args.series} series per mean")
    print("mean/week  false alarms (seasonal)  false alarms (recent)  rise detected")
    for mean in MEANS:
        r = simulate(mean, args.series, rng)
        print(f"{mean:9.1f}  {r['seasonal']:22.4f}  {r['recent']:21.4f}  {r['detected']:13.0%}")


if __name__ == "__main__":
    main()
