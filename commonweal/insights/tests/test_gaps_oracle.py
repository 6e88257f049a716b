"""Our 2SFCA / E2SFCA / gravity equal PySAL `access`'s, on its example data and on ours."""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from commonweal.insights import gaps
from commonweal.insights.areas import read_census_tracts
from conftest import shared_data_path

access = pytest.importorskip("access", reason="SKIPPED LOUDLY: the dev extra is not installed")

RTOL = 1e-9
DEMO_ZIP = Path(gaps.__file__).resolve().parent.parent / "directory/data/demo/miami-211.zip"


def _oracle(
    areas: gaps.Areas,
    sites: gaps.Sites,
    costs: gaps.Costs,
    *,
    max_cost: float,
    weight_fn: Callable[[float], float] | None,
) -> np.ndarray:
    """access.Access.two_stage_fca on the same pairs, as a score per area (0 out of reach)."""
    demand = pd.DataFrame({"geoid": areas.ids.astype(str), "need": areas.demand})
    supply = pd.DataFrame({"geoid": sites.ids.astype(str), "cap": sites.capacity})
    cost_df = pd.DataFrame(
        {
            "origin": areas.ids[costs.area_index].astype(str),
            "dest": sites.ids[costs.site_index].astype(str),
            "cost": costs.cost,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = access.Access(
            demand_df=demand,
            demand_index="geoid",
            demand_value="need",
            supply_df=supply,
            supply_index="geoid",
            supply_value="cap",
            cost_df=cost_df,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        series = model.two_stage_fca(name="a", max_cost=max_cost, weight_fn=weight_fn)["a_cap"]
    return series.reindex(areas.ids.astype(str)).fillna(0.0).to_numpy()


def _assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    assert np.count_nonzero(theirs) > 0  # a comparison of zeros would prove nothing
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=0)


METHODS = [
    ("2sfca", {}, lambda scale: None),
    (
        "e2sfca",
        {},
        lambda scale: access.weights.step_fn({10 * scale: 1, 20 * scale: 0.68, 30 * scale: 0.22}),
    ),
    ("e2sfca", {"sigma": 12.0}, lambda scale: access.weights.gaussian(12.0 * scale)),
    (
        "gravity",
        {"beta": 1.5, "min_cost": 1.0},
        lambda scale: access.weights.gravity(scale, -1.5, scale),
    ),
]


def test_it_reproduces_access_hospital_example_with_gravity_weights() -> None:
    """access's own fixture: 3 tracts, 4 congestion scenarios, 2SFCA with weight 1/cost."""
    folder = shared_data_path("pysal-access-chicago", "hospital_example")
    tracts = pd.read_csv(folder / "tracts.csv")
    all_costs = pd.read_csv(folder / "costs.csv")
    expected = json.loads((folder / "expected_access.json").read_text())
    areas = gaps.Areas.build(
        ids=tracts.geoid.astype(str),
        latitude=[0, 0, 0],
        longitude=[0, 0, 0],
        population=tracts["pop"],
    )
    sites = gaps.Sites.build(
        ids=tracts.geoid.astype(str), latitude=[0, 0, 0], longitude=[0, 0, 0], capacity=tracts.doc
    )
    for scenario in range(4):
        rows = all_costs[all_costs.scenario == scenario]
        costs = gaps.costs_from_ids(
            areas,
            sites,
            zip(
                rows.origin.astype(str), rows.dest.astype(str), rows.cost.astype(float), strict=True
            ),
        )
        # Its catchment is cost < 61 on whole minutes, i.e. <= 60.
        result = gaps.compute(areas, sites, method="gravity", beta=1.0, max_cost=60, costs=costs)
        want = np.array([expected[f"2sfca_s{scenario}"][t] for t in ("1", "2", "3")])
        np.testing.assert_allclose(result.score, want, rtol=RTOL, atol=0)
        theirs = _oracle(areas, sites, costs, max_cost=60, weight_fn=access.weights.gravity(1, -1))
        _assert_same(result.score, theirs)


def _chicago() -> tuple[gaps.Areas, gaps.Sites, np.ndarray]:
    folder = shared_data_path("pysal-access-chicago")
    features = json.loads((folder / "chicago_metro_pop.geojson").read_text())["features"]
    doctors = pd.read_csv(folder / "chicago_metro_docs_dentists.csv").set_index("geoid")
    ids = [str(f["properties"]["geoid"]) for f in features]
    xy = np.array([f["geometry"]["coordinates"] for f in features])
    # The points are EPSG:2790 metres, not degrees; only the Euclidean costs below use them.
    areas = gaps.Areas.build(
        ids=ids,
        latitude=np.zeros(len(ids)),
        longitude=np.zeros(len(ids)),
        population=[f["properties"]["pop"] for f in features],
    )
    sites = gaps.Sites.build(
        ids=ids,
        latitude=np.zeros(len(ids)),
        longitude=np.zeros(len(ids)),
        capacity=doctors.loc[[int(i) for i in ids], "doc"].to_numpy(),
    )
    return areas, sites, xy


def test_it_matches_access_on_the_chicago_metro_tracts_with_euclidean_costs() -> None:
    areas, sites, xy = _chicago()
    # Cost unit 500 m: bands at 5, 10, 15 km and a 12 km cut-off keep the oracle's pandas
    # pairs few enough for a quick test while every band and the cut-off still bite.
    metres = 500.0
    tree = cKDTree(xy)
    found = tree.sparse_distance_matrix(tree, 24 * metres, output_type="ndarray")
    costs = gaps.Costs(found["i"].astype(np.int64), found["j"].astype(np.int64), found["v"])
    for method, options, weight_for in METHODS:
        scaled = dict(options)
        if "sigma" in scaled:
            scaled["sigma"] *= metres
        if "min_cost" in scaled:
            scaled["min_cost"] *= metres
            scaled["scale"] = metres
        steps = [(10 * metres, 1.0), (20 * metres, 0.68), (30 * metres, 0.22)]
        ours = gaps.compute(
            areas, sites, method=method, max_cost=24 * metres, costs=costs, steps=steps, **scaled
        )
        theirs = _oracle(areas, sites, costs, max_cost=24 * metres, weight_fn=weight_for(metres))
        _assert_same(ours.score, theirs)


def _demo_sites() -> gaps.Sites:
    """Every third geocoded location of the demo directory, a capacity of 1 to 4 each."""
    with zipfile.ZipFile(DEMO_ZIP) as archive:
        text = archive.read("data/locations.csv").decode("utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["latitude"] and r["longitude"]][::3]
    rng = np.random.default_rng(20261207)
    return gaps.Sites.build(
        ids=[r["id"] for r in rows],
        latitude=[float(r["latitude"]) for r in rows],
        longitude=[float(r["longitude"]) for r in rows],
        capacity=rng.integers(1, 5, len(rows)).astype(float),
    )


@pytest.mark.parametrize(
    ("method", "options", "weight_for"),
    METHODS,
    ids=["2sfca", "e2sfca-steps", "e2sfca-gauss", "gravity"],
)
def test_it_matches_access_on_the_bundled_miami_tracts_and_demo_sites(
    method: str, options: dict, weight_for: Callable
) -> None:
    tracts = read_census_tracts()
    rng = np.random.default_rng(7)
    # Need weights that vary, so the oracle sees demand = population x need, not population.
    areas = gaps.Areas.build(
        ids=tracts.ids,
        latitude=tracts.latitude,
        longitude=tracts.longitude,
        population=tracts.population,
        need_weight=rng.uniform(0.5, 2.0, len(tracts)),
    )
    sites = _demo_sites()
    ours = gaps.compute(areas, sites, method=method, max_cost=30.0, **options)
    # The oracle gets every pair with no cut-off of ours, so it also checks the sparse search.
    within = gaps.dense_pairs(areas, sites)
    near = within.cost <= 35.0  # a margin past the cut-off, so the oracle applies it
    within = gaps.Costs(within.area_index[near], within.site_index[near], within.cost[near])
    theirs = _oracle(areas, sites, within, max_cost=30.0, weight_fn=weight_for(1.0))
    _assert_same(ours.score, theirs)


def test_normalized_scores_match_access_normalize() -> None:
    tracts = read_census_tracts()
    sites = _demo_sites()
    ours = gaps.compute(tracts, sites, method="2sfca", max_cost=20.0, normalize=True)
    raw = gaps.compute(tracts, sites, method="2sfca", max_cost=20.0)
    demand = pd.DataFrame({"geoid": tracts.ids.astype(str), "need": tracts.demand})
    pairs = gaps.pairs_within(tracts, sites, radius_km=20.0)
    cost_df = pd.DataFrame(
        {
            "origin": tracts.ids[pairs.area_index].astype(str),
            "dest": sites.ids[pairs.site_index].astype(str),
            "cost": pairs.cost,
        }
    )
    supply = pd.DataFrame({"geoid": sites.ids.astype(str), "cap": sites.capacity})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = access.Access(
            demand_df=demand, demand_index="geoid", demand_value="need",
            supply_df=supply, supply_index="geoid", supply_value="cap",
            cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost",
        )  # fmt: skip
        theirs = model.two_stage_fca(name="a", max_cost=20.0, normalize=True)["a_cap"]
    theirs = theirs.reindex(tracts.ids.astype(str)).fillna(0.0).to_numpy()
    _assert_same(ours.score, theirs)
    assert not np.allclose(ours.score, raw.score)  # normalising changed something
