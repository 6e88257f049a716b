"""The "turning the curve" chart of one indicator: its values over time, the baseline and the
target, as SVG coordinates computed on the server (no charting library, no JavaScript).

The x axis is time (so an uneven gap between values shows as one), from the earliest of the
baseline date and the first value to the latest of the target date and the last value. The
pages always print the same numbers in a table beside the chart (the accessible
alternative); the chart itself is an image with a text summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 480
HEIGHT = 200
PAD_LEFT = 44
PAD_RIGHT = 16
PAD_TOP = 14
PAD_BOTTOM = 28


@dataclass(frozen=True)
class Dot:
    when: dt.date
    value: float
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    dots: tuple[Dot, ...]
    baseline_y: float | None
    target: Dot | None
    y_min: float
    y_max: float
    first_day: dt.date
    last_day: dt.date
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)

    @property
    def left(self) -> int:
        return PAD_LEFT

    @property
    def right(self) -> int:
        return self.width - PAD_RIGHT

    @property
    def top(self) -> int:
        return PAD_TOP

    @property
    def bottom(self) -> int:
        return self.height - PAD_BOTTOM

    @property
    def label_top(self) -> str:
        return _number(self.y_max)

    @property
    def label_bottom(self) -> str:
        return _number(self.y_min)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def build(
    *,
    values: list[tuple[dt.date, Decimal | float]],
    baseline: tuple[dt.date | None, Decimal | float | None] = (None, None),
    target: tuple[dt.date | None, Decimal | float | None] = (None, None),
    floor: float | None = None,
    ceiling: float | None = None,
) -> Chart | None:
    """Place the values (by the day each period ends), baseline and target; None when there
    is nothing to draw. `floor`/`ceiling` bound the scale (0 and 100 for a percentage)."""
    baseline_day, baseline_value = baseline
    target_day, target_value = target
    numbers = [float(v) for _, v in values]
    numbers += [float(v) for v in (baseline_value, target_value) if v is not None]
    if not values and target_value is None:
        return None
    low, high = min(numbers), max(numbers)
    # A tenth of the range as room above and below, within what the unit allows.
    span = (high - low) or max(abs(high), 1.0)
    low, high = low - span * 0.1, high + span * 0.1
    if floor is not None:
        low = max(low, floor)
    if ceiling is not None:
        high = min(high, ceiling)
    if high <= low:
        high = low + 1
    days = [d for d, _ in values]
    days += [d for d in (baseline_day, target_day) if d is not None]
    first, last = min(days), max(days)
    if first == last:
        first, last = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    span_days = (last - first).days

    def x(day: dt.date) -> float:
        return PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * (day - first).days / span_days

    def y(value: float) -> float:
        return (HEIGHT - PAD_BOTTOM) - (HEIGHT - PAD_BOTTOM - PAD_TOP) * (value - low) / (
            high - low
        )

    dots = tuple(
        Dot(day, float(value), x(day), y(float(value)))
        for day, value in sorted(values, key=lambda item: item[0])
    )
    goal = None
    if target_value is not None:
        when = target_day or last
        goal = Dot(when, float(target_value), x(when), y(float(target_value)))
    return Chart(
        dots=dots,
        baseline_y=y(float(baseline_value)) if baseline_value is not None else None,
        target=goal,
        y_min=low,
        y_max=high,
        first_day=first,
        last_day=last,
    )
