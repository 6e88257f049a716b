from __future__ import annotations

import datetime as dt

from commonweal.screening import trend

DAY = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_points_run_left_to_right_oldest_first_and_higher_values_sit_higher() -> None:
    chart = trend.build(
        code="44261-6",
        name="PHQ-9",
        values=[
            (DAY + dt.timedelta(days=30), 5, "mild"),
            (DAY, 20, "severe"),
            (DAY + dt.timedelta(days=60), 0, None),
        ],
        scale=(0, 27),
    )
    assert [p.value for p in chart.points] == [20, 5, 0]
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] == trend.PAD_LEFT and xs[-1] == trend.WIDTH - trend.PAD_RIGHT
    ys = [p.y for p in chart.points]
    assert ys[0] < ys[1] < ys[2]  # SVG y grows downwards
    assert ys[2] == trend.HEIGHT - trend.PAD_BOTTOM  # 0 on the axis
    assert chart.label_top == "27" and chart.label_bottom == "0"


def test_the_polyline_is_plain_svg_numbers_whatever_the_locale() -> None:
    chart = trend.build(
        code="x", name="x", values=[(DAY, 1.5, None), (DAY + dt.timedelta(days=1), 2.5, None)]
    )
    assert "," in chart.polyline and ";" not in chart.polyline
    for pair in chart.polyline.split(" "):
        x, y = pair.split(",")
        float(x), float(y)


def test_a_flat_series_does_not_divide_by_zero() -> None:
    chart = trend.build(
        code="x", name="x", values=[(DAY, 3, None), (DAY + dt.timedelta(days=1), 3, None)]
    )
    assert len({p.y for p in chart.points}) == 1


def test_a_value_outside_the_scale_widens_it() -> None:
    chart = trend.build(
        code="x",
        name="x",
        values=[(DAY, 30, None), (DAY + dt.timedelta(days=1), 1, None)],
        scale=(0, 27),
    )
    assert chart.y_max == 30
