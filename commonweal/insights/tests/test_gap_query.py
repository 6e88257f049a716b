"""Parsing the gap analysis's parameters: defaults, every refusal named, gaps.compute options."""

from __future__ import annotations

import pytest

from commonweal.insights.gap_query import (
    DEFAULT_MIN_POPULATION,
    GapQuery,
    compute_options,
    parse,
)
from commonweal.insights.gaps import LUO_QI_STEPS


def test_it_uses_the_defaults_for_absent_or_blank_values() -> None:
    query, errors = parse({"category": " 1102 ", "radius_km": "", "method": ""})
    assert errors == []
    assert query == GapQuery(category="1102")
    assert query.min_population == DEFAULT_MIN_POPULATION == 100
    assert query.steps == LUO_QI_STEPS


def test_it_reads_every_parameter() -> None:
    query, errors = parse(
        {"category": "F", "method": "gravity", "radius_km": "45.5", "beta": "1.5",
         "min_cost_km": "2", "min_population": "0", "by": "county", "scale": "normalized",
         "need": "1", "steps": "20:0.5,10:1", "sigma_km": "7"}
    )  # fmt: skip
    assert errors == []
    assert (query.method, query.radius_km, query.beta, query.min_cost_km) == (
        "gravity",
        45.5,
        1.5,
        2,
    )
    assert (query.min_population, query.by, query.normalized, query.need) == (
        0,
        "county",
        True,
        True,
    )
    assert query.steps == ((10.0, 1.0), (20.0, 0.5))  # sorted by distance
    assert query.sigma_km == 7


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"method": "kriging"}, "Method"),
        ({"radius_km": "-5"}, "Catchment distance"),
        ({"radius_km": "0"}, "Catchment distance"),
        ({"radius_km": "ten"}, "Catchment distance"),
        ({"radius_km": "nan"}, "Catchment distance"),
        ({"radius_km": "100000"}, "Catchment distance"),
        ({"sigma_km": "-1"}, "Gaussian width"),
        ({"beta": "0"}, "Gravity exponent"),
        ({"min_cost_km": "inf"}, "Gravity minimum distance"),
        ({"min_population": "-3"}, "Minimum area population"),
        ({"min_population": "2.5"}, "Minimum area population"),
        ({"by": "state"}, "Rank by"),
        ({"scale": "log"}, "Scores"),
        ({"steps": "10"}, "Distance bands"),
        ({"steps": "10:2"}, "Distance bands"),
        ({"steps": "-10:1"}, "Distance bands"),
        ({"steps": "10:1,10:0.5"}, "Distance bands"),
    ],
)
def test_it_names_the_field_of_a_bad_value(values: dict[str, str], named: str) -> None:
    query, errors = parse({"category": "F", **values})
    assert len(errors) == 1
    assert errors[0].startswith(named)
    assert errors[0].parameter in values  # the API names the query parameter
    assert query.category == "F"


def test_it_gives_gaps_compute_the_options_of_the_chosen_method() -> None:
    assert compute_options(GapQuery(method="2sfca", radius_km=20)) == {
        "method": "2sfca", "max_cost": 20, "normalize": False}  # fmt: skip
    stepped = compute_options(GapQuery(method="e2sfca", steps=((5.0, 1.0),)))
    assert stepped["method"] == "e2sfca" and stepped["steps"] == [(5.0, 1.0)]
    gaussian = compute_options(GapQuery(method="e2sfca-gaussian", sigma_km=8, scale="normalized"))
    assert gaussian == {"method": "e2sfca", "max_cost": 30.0, "normalize": True, "sigma": 8}
    gravity = compute_options(GapQuery(method="gravity", beta=2, min_cost_km=1.5))
    assert (gravity["beta"], gravity["min_cost"]) == (2, 1.5)


def test_its_parameters_parse_back_to_the_same_query() -> None:
    query = GapQuery(category="F", method="e2sfca", steps=((10.0, 1.0), (25.0, 0.3)), need=True)
    assert parse(query.as_params()) == (query, [])
