"""Lay out the gap analysis's point map: areas as dots shaded by score quintile, sites as marks.

Pure (no Django): the page draws the layout as inline SVG, so the map needs no tiles, no
script and no third party; the ranked table beside it is its text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

WIDTH = 640.0
MAX_HEIGHT = 640.0
PADDING = 12.0
# ColorBrewer RdBu, 5 classes (Brewer, colorbrewer2.org; colour-blind safe): red for the
# least-served fifth, blue for the best served; every dot has a dark outline, so the pale
# middle class stays visible on white.
CLASS_COLOURS = ("#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0")


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    quintile: int  # 0 = least served
    colour: str


@dataclass(frozen=True)
class LegendEntry:
    quintile: int
    colour: str
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    dots: list[Dot]
    sites: list[tuple[float, float]]
    legend: list[LegendEntry]


def quintiles(scores: np.ndarray) -> np.ndarray:
    """Class 0–4 per score: how many of the 20/40/60/80 % quantiles lie strictly below it.

    Ties stay together, so the many areas with nothing in reach (score 0) all land in the
    lowest class, and a class can be empty when ties fill more than a fifth.
    """
    if len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    breaks = np.quantile(scores, [0.2, 0.4, 0.6, 0.8])
    return np.searchsorted(breaks, scores, side="left").astype(np.int64)


def layout(
    areas: Sequence[tuple[float, float, float]],
    sites: Sequence[tuple[float, float]],
    *,
    width: float = WIDTH,
) -> MapLayout:
    """(latitude, longitude, score) per area and (latitude, longitude) per site → a layout.

    An equirectangular projection scaled by the cosine of the middle latitude: over a
    county or a state the shapes are true enough for a point map, and it needs no library.
    Sites outside the areas' box (plus a margin) are left off.
    """
    if not areas:
        return MapLayout(width, 0.0, [], [], [])
    lat = np.array([a[0] for a in areas])
    lon = np.array([a[1] for a in areas])
    score = np.array([a[2] for a in areas])
    south, north, west, east = lat.min(), lat.max(), lon.min(), lon.max()
    squash = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squash, 1e-6)
    span_y = max(north - south, 1e-6)
    inner = width - 2 * PADDING
    unit = inner / span_x
    if span_y * unit > MAX_HEIGHT - 2 * PADDING:
        unit = (MAX_HEIGHT - 2 * PADDING) / span_y
    height = span_y * unit + 2 * PADDING

    def project(la: float, lo: float) -> tuple[float, float]:
        return (
            round(PADDING + (lo - west) * squash * unit, 1),
            round(PADDING + (north - la) * unit, 1),
        )

    classes = quintiles(score)
    dots = [
        Dot(*project(la, lo), quintile=int(k), colour=CLASS_COLOURS[int(k)])
        for la, lo, k in zip(lat, lon, classes, strict=True)
    ]
    margin_lat, margin_lon = span_y * 0.02, (east - west) * 0.02
    placed = [
        project(la, lo)
        for la, lo in sites
        if south - margin_lat <= la <= north + margin_lat
        and west - margin_lon <= lo <= east + margin_lon
    ]
    legend = [
        LegendEntry(
            quintile=k,
            colour=CLASS_COLOURS[k],
            low=float(score[classes == k].min()),
            high=float(score[classes == k].max()),
            count=int((classes == k).sum()),
        )
        for k in range(len(CLASS_COLOURS))
        if (classes == k).any()
    ]
    return MapLayout(width, round(height, 1), dots, placed, legend)


def tile_origin(url_template: str) -> str | None:
    """The CSP source for a Leaflet tile URL template, or None when it is not a usable one.

    "https://{s}.tile.example.org/{z}/{x}/{y}.png" → "https://*.tile.example.org": Leaflet's
    {s} subdomain placeholder becomes CSP's leading wildcard; any other placeholder in the
    host (which CSP cannot express) makes the URL unusable, so no tiles are offered.
    """
    parts = urlsplit(url_template.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}", "*", 1)
    if "{" in host or "}" in host or "@" in host or "*" in host[1:]:
        return None
    return f"{parts.scheme}://{host}"
