"""The point map's layout: quintile classes, projection, the legend and the tile host."""

from __future__ import annotations

import numpy as np

from commonweal.insights.gap_map import CLASS_COLOURS, layout, quintiles, tile_origin


def test_it_puts_tied_zeros_together_in_the_lowest_class() -> None:
    scores = np.array([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], dtype=float)
    classes = quintiles(scores)
    assert list(classes[:6]) == [0] * 6
    assert classes[-1] == 4
    assert list(classes) == sorted(classes)


def test_it_projects_north_up_and_west_left_within_the_box() -> None:
    areas = [(26.0, -80.5, 0.0), (25.0, -80.1, 1.0), (25.5, -80.3, 2.0)]
    sites = [(25.5, -80.2), (40.0, -74.0)]  # New York is far outside the box
    result = layout(areas, sites, width=300)
    north, south = result.dots[0], result.dots[1]
    assert north.y < south.y and north.x < south.x
    for dot in result.dots:
        assert 0 <= dot.x <= result.width and 0 <= dot.y <= result.height
    assert len(result.sites) == 1
    assert result.dots[0].colour == CLASS_COLOURS[0]


def test_its_legend_covers_every_dot_with_each_class_range() -> None:
    areas = [(25.0 + i / 100, -80.0, float(i)) for i in range(20)]
    result = layout(areas, [])
    assert sum(e.count for e in result.legend) == 20
    assert result.legend[0].low == 0 and result.legend[-1].high == 19
    assert [e.quintile for e in result.legend] == [0, 1, 2, 3, 4]


def test_it_lays_out_nothing_without_areas() -> None:
    assert layout([], [(25.0, -80.0)]).dots == []


def test_it_turns_a_tile_url_into_a_content_security_policy_source() -> None:
    assert (
        tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    )
    assert tile_origin("http://127.0.0.1:8123/{z}/{x}/{y}.png") == "http://127.0.0.1:8123"
    assert tile_origin("javascript:alert(1)") is None
    assert tile_origin("https://{z}.example.org/{x}.png") is None
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None
