"""Gap analysis maths on cases small enough to work out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from commonweal.insights import gaps
from commonweal.insights.areas import read_census_tracts
from commonweal.insights.gaps import GapInputError

# One degree of latitude on the mean-radius sphere.
KM_PER_DEGREE = 2 * np.pi * gaps.EARTH_RADIUS_KM / 360


def _line(
    populations: list[float], site_km: list[float], capacity: list[float]
) -> tuple[gaps.Areas, gaps.Sites]:
    """Areas at 0, 10, 20 … km north of the equator's (0, 0); sites at the given km."""
    areas = gaps.Areas.build(
        ids=[f"a{i}" for i in range(len(populations))],
        latitude=[10 * i / KM_PER_DEGREE for i in range(len(populations))],
        longitude=[0.0] * len(populations),
        population=populations,
    )
    sites = gaps.Sites.build(
        ids=[f"s{i}" for i in range(len(site_km))],
        latitude=[km / KM_PER_DEGREE for km in site_km],
        longitude=[0.0] * len(site_km),
        capacity=capacity,
    )
    return areas, sites


def test_haversine_gives_known_distances() -> None:
    assert gaps.haversine_km(0, 0, 1, 0) == pytest.approx(KM_PER_DEGREE, rel=1e-12)
    # Miami (25.7617, -80.1918) to New York (40.7128, -74.0060): about 1,757 km.
    assert gaps.haversine_km(25.7617, -80.1918, 40.7128, -74.0060) == pytest.approx(1757, abs=3)
    assert gaps.haversine_km(10, 179.9, 10, -179.9) < 25  # across the antimeridian


def test_2sfca_by_hand() -> None:
    # a0 (pop 100) at 0 km, a1 (pop 300) at 10 km; s0 (cap 2) at 0 km, s1 (cap 1) at 20 km.
    # Cut-off 15 km: s0 sees a0 and a1 (D=400, R=2/400); s1 sees a1 only (D=300, R=1/300).
    areas, sites = _line([100, 300], [0, 20], [2, 1])
    result = gaps.compute(areas, sites, method="2sfca", max_cost=15)
    assert result.score == pytest.approx([2 / 400, 2 / 400 + 1 / 300], rel=1e-12)
    assert list(result.sites_in_range) == [1, 2]


def test_e2sfca_steps_weigh_both_steps_by_band() -> None:
    # Bands <=10 km: 1, <=20 km: 0.5. s0 at 0 km: a0 (0 km, w 1), a1 (10 km, w 1 since the
    # band includes its bound), a2 (20 km, w 0.5): D0 = 100 + 100 + 0.5*100 = 250.
    areas, sites = _line([100, 100, 100], [0], [5])
    result = gaps.compute(areas, sites, method="e2sfca", max_cost=25, steps=[(10, 1.0), (20, 0.5)])
    r = 5 / 250
    assert result.score == pytest.approx([r, r, 0.5 * r], rel=1e-9)


def test_e2sfca_gaussian_and_gravity_by_hand() -> None:
    areas, sites = _line([100, 100], [0], [1])
    d = 10.0  # a1's distance to s0, to within rounding of the sphere
    gauss = gaps.compute(areas, sites, method="e2sfca", max_cost=30, sigma=10)
    w = np.exp(-(d**2) / 200)
    assert gauss.score == pytest.approx([1 / (100 + 100 * w), w / (100 + 100 * w)], rel=1e-9)
    gravity = gaps.compute(areas, sites, method="gravity", max_cost=30, beta=2, min_cost=1)
    w0, w1 = 1.0, d**-2  # a0 sits on the site, so min_cost=1 stands in for its distance
    assert gravity.score == pytest.approx(
        [w0 / (100 * w0 + 100 * w1), w1 / (100 * w0 + 100 * w1)], rel=1e-9
    )


def test_need_weight_scales_demand_not_population() -> None:
    areas = gaps.Areas.build(
        ids=["a", "b"], latitude=[0, 0], longitude=[0, 0], population=[100, 100], need_weight=[1, 3]
    )
    sites = gaps.Sites.build(ids=["s"], latitude=[0], longitude=[0], capacity=[8])
    result = gaps.compute(areas, sites, max_cost=1)
    assert result.score == pytest.approx([8 / 400, 8 / 400])
    assert result.ranked()[0].population == 100
    assert {r.demand for r in result.ranked()} == {100, 300}


def test_the_catchment_includes_its_boundary() -> None:
    areas, sites = _line([100, 100], [0], [1])
    at_bound = gaps.Costs(np.array([0, 1]), np.array([0, 0]), np.array([0.0, 30.0]))
    assert list(gaps.compute(areas, sites, max_cost=30, costs=at_bound).sites_in_range) == [1, 1]
    assert list(gaps.compute(areas, sites, max_cost=29.999, costs=at_bound).sites_in_range) == [
        1,
        0,
    ]
    # By distance: a1 is 10 km away (to rounding) and counts with a 10 km radius.
    assert gaps.compute(areas, sites, max_cost=10).sites_in_range[1] == 1
    assert gaps.compute(areas, sites, max_cost=9.999).sites_in_range[1] == 0


def test_great_circle_pairs_agree_with_the_haversine_formula() -> None:
    tracts = read_census_tracts()
    sites = gaps.Sites.build(ids=["s"], latitude=[25.7743], longitude=[-80.1937])
    pairs = gaps.pairs_within(tracts, sites, radius_km=400)  # Dry Tortugas: ~370 km
    assert len(pairs) == len(tracts)
    exact = gaps.haversine_km(tracts.latitude, tracts.longitude, 25.7743, -80.1937)
    np.testing.assert_allclose(pairs.cost, exact[pairs.area_index], rtol=1e-11)


def test_sparse_search_equals_the_dense_matrix() -> None:
    tracts = read_census_tracts()
    rng = np.random.default_rng(3)
    pick = rng.choice(len(tracts), 150, replace=False)
    sites = gaps.Sites.build(
        ids=[str(i) for i in range(150)],
        latitude=tracts.latitude[pick] + rng.normal(0, 0.02, 150),
        longitude=tracts.longitude[pick] + rng.normal(0, 0.02, 150),
        capacity=rng.integers(1, 4, 150),
    )
    sparse_pairs = gaps.pairs_within(tracts, sites, radius_km=12.5, chunk=300)
    dense = gaps.dense_pairs(tracts, sites)
    near = dense.cost <= 12.5
    assert sorted(zip(sparse_pairs.area_index, sparse_pairs.site_index, strict=True)) == sorted(
        zip(dense.area_index[near], dense.site_index[near], strict=True)
    )
    for method in gaps.METHODS:
        options = {"min_cost": 0.5} if method == "gravity" else {}
        by_tree = gaps.compute(tracts, sites, method=method, max_cost=12.5, **options)
        by_matrix = gaps.compute(
            tracts, sites, method=method, max_cost=12.5, costs=dense, **options
        )
        np.testing.assert_allclose(by_tree.score, by_matrix.score, rtol=1e-12, atol=0)


def test_ranking_puts_the_least_served_and_most_populous_first() -> None:
    areas, sites = _line([100, 500, 300], [0], [1])
    result = gaps.compute(areas, sites, max_cost=5)
    ranked = result.ranked()
    # a1 and a2 are both out of reach (score 0): the larger population comes first.
    assert [r.id for r in ranked] == ["a1", "a2", "a0"]
    assert [r.sites_in_range for r in ranked] == [0, 0, 1]
    assert [r.id for r in result.ranked(top=1)] == ["a1"]


def test_roll_up_is_a_population_weighted_mean_by_county_or_zip() -> None:
    areas = gaps.Areas.build(
        ids=["12086000100", "12086000200", "12011000100"],
        latitude=[0, 0, 1],
        longitude=[0, 0, 1],
        population=[100, 300, 0],
    )
    result = gaps.GapResult(
        method="2sfca", max_cost=1, areas=areas, score=np.array([1.0, 3.0, 5.0]),
        sites_in_range=np.array([1, 1, 1]),
    )  # fmt: skip
    counties = {r.id: r for r in result.roll_up("county")}
    assert counties["12086"].score == pytest.approx((100 * 1 + 300 * 3) / 400)
    assert counties["12086"].population == 400 and counties["12086"].areas == 2
    assert counties["12011"].score is None  # no people: no mean, and not a silent zero
    zips = result.roll_up({"12086000100": "33101", "12011000100": "33301"})
    assert [(z.id, z.score) for z in zips] == [("33101", 1.0), ("33301", None)]


def test_no_services_gives_an_explicit_empty_result() -> None:
    areas, _ = _line([100], [], [])
    none = gaps.Sites.build(ids=[], latitude=[], longitude=[], capacity=[])
    result = gaps.compute(areas, none)
    assert result.empty and result.message == gaps.NO_SERVICES
    assert result.ranked() == [] and result.roll_up("county") == []
    far = gaps.Sites.build(ids=["far"], latitude=[45], longitude=[0])
    result = gaps.compute(areas, far, max_cost=30)
    assert result.empty and result.message == gaps.NO_SERVICES_IN_RANGE


def test_a_site_nobody_can_reach_with_demand_adds_nothing() -> None:
    # The only area in reach has no people: the site's ratio would be 1/0.
    areas = gaps.Areas.build(
        ids=["empty", "far"], latitude=[0, 5], longitude=[0, 0], population=[0, 10]
    )
    sites = gaps.Sites.build(ids=["s"], latitude=[0], longitude=[0])
    result = gaps.compute(areas, sites, max_cost=10)
    assert np.all(np.isfinite(result.score)) and list(result.score) == [0.0, 0.0]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: gaps.Areas.build(
                ids=["a", "a"], latitude=[0, 0], longitude=[0, 0], population=[1, 1]
            ),
            "duplicate id 'a'",
        ),
        (
            lambda: gaps.Areas.build(ids=["a"], latitude=[91], longitude=[0], population=[1]),
            "outside the world",
        ),
        (
            lambda: gaps.Areas.build(ids=["a"], latitude=[0], longitude=[-181], population=[1]),
            "outside the world",
        ),
        (
            lambda: gaps.Areas.build(ids=["a"], latitude=[0], longitude=[0], population=[np.nan]),
            "population nan",
        ),
        (
            lambda: gaps.Areas.build(ids=["a"], latitude=[0], longitude=[0], population=[-1]),
            "population -1.0",
        ),
        (
            lambda: gaps.Sites.build(ids=["s"], latitude=[0], longitude=[0], capacity=[-2]),
            "capacity -2.0",
        ),
    ],
)
def test_bad_values_raise_a_named_error(build, message: str) -> None:
    with pytest.raises(GapInputError, match=message):
        build()


def test_bad_options_raise_a_named_error() -> None:
    areas, sites = _line([100], [0], [1])
    for options, message in [
        ({"method": "3sfca"}, "method must be one of"),
        ({"max_cost": 0}, "cut-off must be positive"),
        ({"method": "gravity", "beta": 0}, "beta must be positive"),
        ({"method": "e2sfca", "sigma": -1}, "sigma must be positive"),
        ({"method": "e2sfca", "steps": [(10, -1)]}, "must not be negative"),
        ({"method": "e2sfca", "sigma": float("nan")}, "sigma must be positive"),
        ({"method": "gravity", "min_cost": 0}, "a cost of 0 gives an infinite weight"),
    ]:
        with pytest.raises(GapInputError, match=message):
            gaps.compute(areas, sites, **options)


def test_costs_from_ids_refuses_unknown_ids_and_negative_costs() -> None:
    areas, sites = _line([100], [0], [1])
    assert len(gaps.costs_from_ids(areas, sites, [("a0", "s0", 3.0)])) == 1
    with pytest.raises(GapInputError, match="pair 1: unknown area id 'x'"):
        gaps.costs_from_ids(areas, sites, [("x", "s0", 1.0)])
    with pytest.raises(GapInputError, match="pair 2: unknown site id 'y'"):
        gaps.costs_from_ids(areas, sites, [("a0", "s0", 1.0), ("a0", "y", 1.0)])
    with pytest.raises(GapInputError, match="cost -1.0"):
        gaps.costs_from_ids(areas, sites, [("a0", "s0", -1.0)])


def test_2sfca_hands_out_exactly_the_supply_that_someone_can_reach() -> None:
    # Sum over areas of demand x access = total capacity of the sites with demand in reach
    # (Luo & Wang's ratios redistribute supply; none is created or lost).
    rng = np.random.default_rng(11)
    areas = gaps.Areas.build(
        ids=[str(i) for i in range(400)],
        latitude=rng.uniform(25.4, 26.0, 400),
        longitude=rng.uniform(-80.6, -80.1, 400),
        population=rng.integers(0, 5000, 400),
        need_weight=rng.uniform(0.5, 2, 400),
    )
    sites = gaps.Sites.build(
        ids=[str(i) for i in range(60)],
        latitude=rng.uniform(25.0, 26.4, 60),
        longitude=rng.uniform(-81.0, -79.8, 60),
        capacity=rng.integers(1, 9, 60),
    )
    result = gaps.compute(areas, sites, method="2sfca", max_cost=8)
    pairs = gaps.pairs_within(areas, sites, radius_km=8)
    _, seen = gaps.two_step(areas, sites, pairs, np.ones(len(pairs)))
    reached = sites.capacity[seen > 0].sum()
    assert 0 < reached < sites.capacity.sum()  # some sites are out of everyone's reach
    assert float((areas.demand * result.score).sum()) == pytest.approx(reached, rel=1e-12)
