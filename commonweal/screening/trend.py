"""A small trend chart of one score over time, drawn as inline SVG on the server.

No JavaScript charting library: the chart is plain SVG coordinates computed here, and the
page always shows the same numbers as a table beside it (the accessible alternative).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH = 320
HEIGHT = 120
PAD_LEFT = 28
PAD_RIGHT = 10
PAD_TOP = 10
PAD_BOTTOM = 22


@dataclass(frozen=True)
class Point:
    when: dt.datetime
    value: float
    band: str | None
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Chart:
    code: str
    name: str
    points: tuple[Point, ...]
    y_min: float
    y_max: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def axis_bottom(self) -> int:
        return self.height - PAD_BOTTOM

    @property
    def axis_left(self) -> int:
        return PAD_LEFT

    @property
    def axis_right(self) -> int:
        return self.width - PAD_RIGHT

    @property
    def axis_top(self) -> int:
        return PAD_TOP

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
    code: str,
    name: str,
    values: list[tuple[dt.datetime, float, str | None]],
    scale: tuple[float, float] | None = None,
) -> Chart:
    """Place (when, value, band) points, oldest first, in the chart's box.

    `scale` is the instrument's possible range (0–27 for PHQ-9) when known, so a change
    from 4 to 6 does not look like a cliff; otherwise the data's own range.
    """
    ordered = sorted(values, key=lambda item: item[0])
    numbers = [value for _, value, _ in ordered]
    low, high = scale if scale is not None else (min(numbers, default=0), max(numbers, default=1))
    low, high = min([low, *numbers]), max([high, *numbers])
    if high == low:
        high = low + 1
    left, right = PAD_LEFT, WIDTH - PAD_RIGHT
    top, bottom = PAD_TOP, HEIGHT - PAD_BOTTOM
    count = len(ordered)
    points = []
    for index, (when, value, band) in enumerate(ordered):
        # Evenly spaced by visit, not by date: screenings are irregular and a gap of
        # months would squeeze the recent ones together.
        x = left + (right - left) * (index / (count - 1) if count > 1 else 0.5)
        y = bottom - (bottom - top) * ((value - low) / (high - low))
        points.append(Point(when=when, value=value, band=band, x=x, y=y))
    return Chart(code=code, name=name, points=tuple(points), y_min=low, y_max=high)
