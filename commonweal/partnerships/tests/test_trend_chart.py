from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commonweal.partnerships import trend_chart
from commonweal.partnerships.trend_chart import HEIGHT, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT, WIDTH

D = dt.date


def test_it_spaces_values_by_time_between_baseline_and_target() -> None:
    chart = trend_chart.build(
        values=[(D(2026, 3, 31), Decimal("50")), (D(2026, 6, 30), Decimal("60"))],
        baseline=(D(2026, 1, 1), Decimal("40")),
        target=(D(2027, 1, 1), Decimal("70")),
        floor=0,
        ceiling=100,
    )
    assert chart is not None
    assert (chart.first_day, chart.last_day) == (D(2026, 1, 1), D(2027, 1, 1))
    # 89 of 365 days in, on the plotting width.
    first = chart.dots[0]
    assert round(first.x, 1) == round(PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * 89 / 365, 1)
    assert chart.target is not None and chart.target.x == WIDTH - PAD_RIGHT
    # Higher values sit higher (smaller y); the baseline lies below the first value.
    assert chart.dots[1].y < first.y < chart.baseline_y <= HEIGHT - PAD_BOTTOM
    assert chart.polyline.count(",") == 2


def test_it_keeps_a_percentage_within_0_and_100() -> None:
    chart = trend_chart.build(
        values=[(D(2026, 3, 31), 0), (D(2026, 6, 30), 100)], floor=0, ceiling=100
    )
    assert chart is not None and (chart.y_min, chart.y_max) == (0, 100)


def test_it_draws_nothing_without_values_or_target() -> None:
    assert trend_chart.build(values=[]) is None
    lone = trend_chart.build(values=[(D(2026, 3, 31), 5)])
    assert lone is not None and len(lone.dots) == 1 and lone.y_min < 5 < lone.y_max
