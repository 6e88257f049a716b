"""Gap analysis speed: ours against PySAL `access` on the same inputs, then ours nationally.

Inputs are real: Census 2020 tract population centres and the SAMHSA mental-health,
substance-use and opioid-treatment facilities plus HRSA health-centre sites from
../shared/data. For each size (default 500, 2,000 and 8,000 tracts — the first N by GEOID,
so they form contiguous states, as a state-wide run would), the sites are those near those
tracts, sub-sampled so the sites:tracts ratio is the national one (~0.48).

Per size and method (2SFCA; enhanced 2SFCA with Luo & Qi's 10/20/30 km bands; gravity,
beta 1, min cost 1 km), 30 km cut-off:

- access: `Access(...)` + `two_stage_fca(...)` given a ready cost table of the pairs
  within the cut-off (building that table is NOT timed);
- ours, same inputs: `gaps.compute(..., costs=<that same table>)` — the like-for-like ratio;
- ours, from coordinates: `gaps.compute(areas, sites, ...)` including the k-d tree pair
  search and the distances, which access was handed for free.

Results are checked equal (1e-9 relative) before any time is printed; times are medians.
Then ours alone on all ~85,000 tracts x all ~40,000 sites, in a child process so its peak
resident memory (getrusage) is its own; tracemalloc's peak (NumPy buffers) is printed too.

    .venv/bin/python benchmarks/bench_gaps.py [--sizes 500 2000 8000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commonweal.insights import gaps  # noqa: E402
from commonweal.insights.areas import read_census_tracts  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TRACTS = DATA / "census-tract-pop-centers-2020" / "CenPop2020_Mean_TR.txt"
SAMHSA = DATA / "samhsa-treatment-facilities"
# (file, latitude column, longitude column)
SITE_FILES = (
    ("mental_health_facilities.csv", "latitude", "longitude"),
    ("substance_use_treatment_facilities.csv", "latitude", "longitude"),
    ("opioid_treatment_programs.csv", "Latitude", "Longitude"),
    ("hrsa_fqhc_sites.csv", "lat", "lon"),
)
RADIUS_KM = 30.0
METHODS: tuple[tuple[str, dict], ...] = (
    ("2sfca", {}),
    ("e2sfca", {}),
    ("gravity", {"beta": 1.0, "min_cost": 1.0}),
)


def read_sites() -> gaps.Sites:
    """Every geocoded site in the four files; capacity 1 each (the files carry none)."""
    ids, lats, lons = [], [], []
    for name, lat_col, lon_col in SITE_FILES:
        with open(SAMHSA / name, encoding="utf-8-sig", errors="replace", newline="") as handle:
            for n, row in enumerate(csv.DictReader(handle)):
                try:
                    lat, lon = float(row[lat_col]), float(row[lon_col])
                except (TypeError, ValueError):
                    continue
                if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
                    ids.append(f"{name.split('_')[0]}-{n}")
                    lats.append(lat)
                    lons.append(lon)
    return gaps.Sites.build(ids=ids, latitude=lats, longitude=lons)


def subset(areas: gaps.Areas, index: np.ndarray) -> gaps.Areas:
    return gaps.Areas(
        ids=areas.ids[index], latitude=areas.latitude[index], longitude=areas.longitude[index],
        population=areas.population[index], need_weight=areas.need_weight[index],
        names=areas.names[index],
    )  # fmt: skip


def subset_sites(sites: gaps.Sites, index: np.ndarray) -> gaps.Sites:
    return gaps.Sites(
        ids=sites.ids[index], latitude=sites.latitude[index], longitude=sites.longitude[index],
        capacity=sites.capacity[index],
    )  # fmt: skip


def region(areas: gaps.Areas, sites: gaps.Sites, n: int, rng: np.random.Generator):
    """The first n tracts by GEOID and a proportional sample of the sites within reach."""
    order = np.argsort(areas.ids.astype(str))[:n]
    chosen = subset(areas, np.sort(order))
    near = np.unique(gaps.pairs_within(chosen, sites, radius_km=RADIUS_KM).site_index)
    want = min(len(near), round(n * len(sites) / len(areas)))
    return chosen, subset_sites(sites, np.sort(rng.choice(near, want, replace=False)))


def median_time(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def oracle(
    areas: gaps.Areas,
    sites: gaps.Sites,
    pairs: gaps.Costs,
    method: str,
    options: dict,
    repeat: int,
):
    import pandas as pd
    from access import Access, weights

    cost_df = pd.DataFrame(
        {"origin": areas.ids[pairs.area_index].astype(str),
         "dest": sites.ids[pairs.site_index].astype(str), "cost": pairs.cost}
    )  # fmt: skip
    demand = pd.DataFrame({"geoid": areas.ids.astype(str), "need": areas.demand})
    supply = pd.DataFrame({"geoid": sites.ids.astype(str), "cap": sites.capacity})
    weight_fn = {
        "2sfca": None,
        "e2sfca": weights.step_fn({10: 1, 20: 0.68, 30: 0.22}),
        "gravity": weights.gravity(1.0, -options.get("beta", 1.0), options.get("min_cost", 0.0)),
    }[method]

    def run() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Access(
                demand_df=demand, demand_index="geoid", demand_value="need",
                supply_df=supply, supply_index="geoid", supply_value="cap",
                cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost",
            )  # fmt: skip
            series = model.two_stage_fca(name="a", max_cost=RADIUS_KM, weight_fn=weight_fn)
        return series["a_cap"].reindex(areas.ids.astype(str)).fillna(0.0).to_numpy()

    seconds, score = median_time(run, repeat)
    return seconds, score


def compare(sizes: list[int], repeat: int, oracle_repeat: int) -> list[dict]:
    areas = read_census_tracts(TRACTS)
    sites = read_sites()
    rng = np.random.default_rng(9)
    rows = []
    for n in sizes:
        region_areas, region_sites = region(areas, sites, n, rng)
        pairs = gaps.pairs_within(region_areas, region_sites, radius_km=RADIUS_KM)
        for method, options in METHODS:

            def coords(a=region_areas, s=region_sites, m=method, o=options) -> gaps.GapResult:
                return gaps.compute(a, s, method=m, max_cost=RADIUS_KM, **o)

            def table(
                a=region_areas, s=region_sites, m=method, o=options, c=pairs
            ) -> gaps.GapResult:
                return gaps.compute(a, s, method=m, max_cost=RADIUS_KM, costs=c, **o)

            coords(), table()  # warm-up (imports, page faults)
            coords_s, from_coords = median_time(coords, repeat)
            table_s, from_table = median_time(table, repeat)
            their_s, their_score = oracle(
                region_areas, region_sites, pairs, method, options, oracle_repeat
            )
            np.testing.assert_allclose(from_coords.score, their_score, rtol=1e-9, atol=0)
            np.testing.assert_allclose(from_table.score, their_score, rtol=1e-9, atol=0)
            row = {"areas": len(region_areas), "sites": len(region_sites), "pairs": len(pairs),
                   "method": method, "access_s": their_s, "table_s": table_s,
                   "coords_s": coords_s, "ratio": their_s / table_s,
                   "ratio_coords": their_s / coords_s}  # fmt: skip
            rows.append(row)
            print(
                f"| {row['areas']:,} | {row['sites']:,} | {len(pairs):,} | {method} "
                f"| {their_s * 1000:,.1f} | {table_s * 1000:,.1f} | **{row['ratio']:.0f}×** "
                f"| {coords_s * 1000:,.1f} | {row['ratio_coords']:.1f}× |",
                flush=True,
            )
    return rows


def national(repeat: int) -> dict:
    """Run in a child process: all tracts x all sites, time and peak memory."""
    start = time.perf_counter()
    areas = read_census_tracts(TRACTS)
    sites = read_sites()
    read_s = time.perf_counter() - start
    out: dict = {"areas": len(areas), "sites": len(sites), "read_s": read_s}
    for method, options in METHODS:
        seconds, result = median_time(
            lambda m=method, o=options: gaps.compute(
                areas, sites, method=m, max_cost=RADIUS_KM, **o
            ),
            repeat,
        )
        out[method] = seconds
    tracemalloc.start()
    result = gaps.compute(areas, sites, method="e2sfca", max_cost=RADIUS_KM)
    out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    out["pairs"] = int(len(gaps.pairs_within(areas, sites, radius_km=RADIUS_KM)))
    out["in_reach"] = int(np.count_nonzero(result.sites_in_range))
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--repeat", type=int, default=5, help="repeats of ours (median)")
    parser.add_argument("--oracle-repeat", type=int, default=3, help="repeats of access (median)")
    parser.add_argument("--national-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.national_only:
        print(json.dumps(national(args.repeat)))
        return
    if not TRACTS.exists():
        sys.exit(f"needs ../shared/data ({TRACTS} not found)")
    print("| areas | sites | pairs | method | access ms | ours ms (same table) | ratio "
          "| ours ms (from coordinates) | ratio |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    rows = compare(args.sizes, args.repeat, args.oracle_repeat)
    for key, what in (("ratio", "same table"), ("ratio_coords", "from coordinates")):
        ratios = [r[key] for r in rows]
        print(
            f"access/ours ({what}): min {min(ratios):.1f}x, median {statistics.median(ratios):.1f}x"
        )
    print("every score equal to access's within 1e-9 relative")
    child = subprocess.run(
        [sys.executable, __file__, "--national-only", "--repeat", str(args.repeat)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"national: {result['areas']:,} tracts x {result['sites']:,} sites, "
        f"{result['pairs']:,} pairs within {RADIUS_KM:g} km ({result['in_reach']:,} tracts in reach); "
        f"reading the files {result['read_s']:.1f} s"
    )
    for method, _ in METHODS:
        print(f"  {method:<8} {result[method]:6.2f} s (median of {args.repeat})")
    print(
        f"  peak memory: {result['maxrss_mb']:.0f} MB resident (whole process), "
        f"{result['tracemalloc_peak_mb']:.0f} MB traced allocations during one compute"
    )


if __name__ == "__main__":
    main()
