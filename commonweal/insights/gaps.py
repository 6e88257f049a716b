"""Spatial accessibility of services per area: 2SFCA, enhanced 2SFCA and the gravity model.

Pure NumPy/SciPy (no Django) so a page, the API and the `gaps` command are thin layers on
`compute(...)`. The definitions follow the PySAL `access` package (Saxon et al., 1.1.10)
exactly where it has the method, and the tests use that package as the oracle:

- catchment: a pair (area i, site j) counts when its cost c_ij <= max_cost (`access.fca.
  weighted_catchment` keeps `cost <= max_cost`);
- step 1, demand seen by each site:  D_j = sum_i  P_i * n_i * w(c_ij)
- step 2, access of each area:       A_i = sum_j  (S_j / D_j) * w(c_ij)
  (Luo & Wang 2003 for 2SFCA with w = 1; Luo & Qi 2009 for the enhanced 2SFCA with
  stepped weights; McGrail & Humphreys 2009 / `access.weights.gaussian` for Gaussian decay;
  Joseph & Bantock 1982 and Wang 2012 for the gravity model, which is the same two steps
  with w(c) = (max(c, c_min) / scale) ** -beta, i.e. `access.weights.gravity(scale, -beta,
  c_min)` passed to `Access.two_stage_fca`, so demand is weighted by the same decay as
  supply — the "competition" term of the gravity model).

P_i is population, n_i the need weight (1 unless given), S_j the site's capacity (1 when
unknown). A site that no area within reach has any demand for (D_j = 0) contributes
nothing; `access` would produce an infinite or undefined ratio there instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

# Mean Earth radius (IUGG, Moritz 2000), km: the usual constant for haversine distances.
EARTH_RADIUS_KM = 6371.0088

# Luo & Qi 2009 (Health & Place 15:1100), the weights of the enhanced 2SFCA's three travel
# bands 0-10, 10-20, 20-30 (minutes there; the same numbers are used for km), as in
# `access.Access.enhanced_two_stage_fca`'s default `step_fn({10: 1, 20: 0.68, 30: 0.22})`.
LUO_QI_STEPS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))

Method = Literal["2sfca", "e2sfca", "gravity"]
METHODS: tuple[str, ...] = ("2sfca", "e2sfca", "gravity")

NO_SERVICES = "no services of this category"
NO_SERVICES_IN_RANGE = "no services of this category in range"


class GapInputError(ValueError):
    """Input the analysis cannot use; the message names the record and field at fault."""


@dataclass(frozen=True)
class Areas:
    """Demand areas as parallel arrays (85,000 tracts fit; a list of objects would be slow)."""

    ids: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    population: np.ndarray
    need_weight: np.ndarray
    names: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(self.names) == 0:
            object.__setattr__(self, "names", np.array([""] * n, dtype=object))
        for name in ("latitude", "longitude", "population", "need_weight", "names"):
            if len(getattr(self, name)) != n:
                raise GapInputError(
                    f"areas: {name} has {len(getattr(self, name))} values for {n} ids"
                )
        _check_ids("areas", self.ids)
        _check_coordinates("areas", self.ids, self.latitude, self.longitude)
        _check_non_negative("areas", "population", self.ids, self.population)
        _check_non_negative("areas", "need_weight", self.ids, self.need_weight)

    @classmethod
    def build(
        cls,
        *,
        ids: Sequence[str],
        latitude: Sequence[float],
        longitude: Sequence[float],
        population: Sequence[float],
        need_weight: Sequence[float] | None = None,
        names: Sequence[str] | None = None,
    ) -> Areas:
        n = len(ids)
        return cls(
            ids=np.asarray([str(i) for i in ids], dtype=object),
            latitude=np.asarray(latitude, dtype=np.float64),
            longitude=np.asarray(longitude, dtype=np.float64),
            population=np.asarray(population, dtype=np.float64),
            need_weight=(
                np.ones(n) if need_weight is None else np.asarray(need_weight, dtype=np.float64)
            ),
            names=np.asarray(names if names is not None else [""] * n, dtype=object),
        )

    @property
    def demand(self) -> np.ndarray:
        return self.population * self.need_weight

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Sites:
    """Supply points: one per service at a location, capacity 1 when nobody said otherwise."""

    ids: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    capacity: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("latitude", "longitude", "capacity"):
            if len(getattr(self, name)) != n:
                raise GapInputError(
                    f"sites: {name} has {len(getattr(self, name))} values for {n} ids"
                )
        _check_ids("sites", self.ids)
        _check_coordinates("sites", self.ids, self.latitude, self.longitude)
        _check_non_negative("sites", "capacity", self.ids, self.capacity)

    @classmethod
    def build(
        cls,
        *,
        ids: Sequence[str],
        latitude: Sequence[float],
        longitude: Sequence[float],
        capacity: Sequence[float] | None = None,
    ) -> Sites:
        return cls(
            ids=np.asarray([str(i) for i in ids], dtype=object),
            latitude=np.asarray(latitude, dtype=np.float64),
            longitude=np.asarray(longitude, dtype=np.float64),
            capacity=(
                np.ones(len(ids)) if capacity is None else np.asarray(capacity, dtype=np.float64)
            ),
        )

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Costs:
    """Area→site pairs within reach: positions into Areas/Sites and the travel cost."""

    area_index: np.ndarray  # int64
    site_index: np.ndarray  # int64
    cost: np.ndarray  # float64, km or the matrix's unit (minutes)

    def __len__(self) -> int:
        return len(self.cost)


@dataclass(frozen=True)
class AreaScore:
    id: str
    name: str
    population: float
    demand: float
    score: float
    sites_in_range: int


@dataclass(frozen=True)
class RegionScore:
    id: str
    population: float
    score: float | None  # population-weighted mean; None when the region has no population
    areas: int


@dataclass(frozen=True)
class GapResult:
    """Scores per area (in the Areas' order); `message` set when there is nothing to rank."""

    method: str
    max_cost: float
    areas: Areas
    score: np.ndarray
    sites_in_range: np.ndarray
    message: str | None = None

    @property
    def empty(self) -> bool:
        return self.message is not None

    def ranked(self, top: int | None = None) -> list[AreaScore]:
        """Least-served first; ties (often 0, out of reach) by larger population, then id."""
        if self.empty:
            return []
        order = np.lexsort((self.areas.ids.astype(str), -self.areas.population, self.score))
        if top is not None:
            order = order[:top]
        return [self._row(int(i)) for i in order]

    def _row(self, i: int) -> AreaScore:
        a = self.areas
        return AreaScore(
            id=str(a.ids[i]),
            name=str(a.names[i]),
            population=float(a.population[i]),
            demand=float(a.demand[i]),
            score=float(self.score[i]),
            sites_in_range=int(self.sites_in_range[i]),
        )

    def roll_up(self, key: Mapping[str, str] | Literal["county"]) -> list[RegionScore]:
        """Population-weighted mean score per county (GEOID's first 5 digits) or per ZIP
        (a mapping area id → ZIP; areas missing from it are left out), least-served first."""
        if self.empty:
            return []
        ids = [str(i) for i in self.areas.ids]
        groups = [i[:5] for i in ids] if key == "county" else [key.get(i) for i in ids]
        totals: dict[str, list[float]] = {}
        for group, pop, score in zip(groups, self.areas.population, self.score, strict=True):
            if group is None:
                continue
            acc = totals.setdefault(group, [0.0, 0.0, 0.0])
            acc[0] += pop
            acc[1] += pop * score
            acc[2] += 1
        regions = [
            RegionScore(id=g, population=p, score=(ps / p if p > 0 else None), areas=int(n))
            for g, (p, ps, n) in totals.items()
        ]
        return sorted(
            regions,
            key=lambda r: (r.score is None, r.score or 0.0, -r.population, r.id),
        )


def haversine_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km on the mean-radius sphere (haversine formula)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lmb = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lmb), np.cos(phi) * np.sin(lmb), np.sin(phi)))


def pairs_within(areas: Areas, sites: Sites, *, radius_km: float, chunk: int = 20_000) -> Costs:
    """All area–site pairs at most radius_km apart, by great-circle distance.

    A k-d tree on 3-D unit vectors finds the pairs whose chord c is short enough; the
    great-circle distance is then 2R asin(c / 2), the same quantity as the haversine
    formula's (its h is exactly c^2 / 4) without a second pass of trigonometry over every
    pair — that pass was most of the national run's time. Areas go in chunks so the
    tree's output (24 bytes a pair) stays small.
    """
    if not radius_km > 0:
        raise GapInputError(f"radius_km must be positive, not {radius_km}")
    if len(areas) == 0 or len(sites) == 0:
        return Costs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    angle = min(radius_km / EARTH_RADIUS_KM, np.pi)
    # The small margin keeps pairs at exactly the radius that rounding in 3-D would drop;
    # the exact cut-off is applied to the distance below.
    chord = 2 * np.sin(angle / 2) * (1 + 1e-9) + 1e-12
    site_tree = cKDTree(unit_vectors(sites.latitude, sites.longitude))
    a_parts, s_parts, c_parts = [], [], []
    for start in range(0, len(areas), chunk):
        stop = min(start + chunk, len(areas))
        tree = cKDTree(unit_vectors(areas.latitude[start:stop], areas.longitude[start:stop]))
        found = tree.sparse_distance_matrix(site_tree, chord, output_type="ndarray")
        cost = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(found["v"] / 2, 1.0))
        keep = cost <= radius_km
        a_parts.append(found["i"][keep] + start)
        s_parts.append(found["j"][keep])
        c_parts.append(cost[keep])
        del found, cost, keep
    return Costs(np.concatenate(a_parts), np.concatenate(s_parts), np.concatenate(c_parts))


def dense_pairs(areas: Areas, sites: Sites) -> Costs:
    """Every area–site pair with its haversine distance (no cut-off); for small inputs/tests."""
    ai, si = np.meshgrid(np.arange(len(areas)), np.arange(len(sites)), indexing="ij")
    ai, si = ai.ravel(), si.ravel()
    cost = haversine_km(
        areas.latitude[ai], areas.longitude[ai], sites.latitude[si], sites.longitude[si]
    )
    return Costs(ai, si, cost)


def decay_weights(
    cost: np.ndarray,
    *,
    method: str,
    steps: Sequence[tuple[float, float]] | None = None,
    sigma: float | None = None,
    beta: float = 1.0,
    scale: float = 1.0,
    min_cost: float = 0.0,
) -> np.ndarray:
    """w(c) for each pair's cost c.

    - 2sfca: 1 (the catchment alone; Luo & Wang 2003).
    - e2sfca, stepped: the weight of the first band whose upper bound is >= c, 0 beyond the
      last band (`access.weights.step_fn`; Luo & Qi 2009).
    - e2sfca, Gaussian (sigma given): exp(-c^2 / (2 sigma^2)), f(0) = 1
      (`access.weights.gaussian`; Dai 2010 and McGrail & Humphreys 2009 use this shape).
    - gravity: (max(c, min_cost) / scale) ** -beta (`access.weights.gravity(scale, -beta,
      min_cost)`); with min_cost 0 a zero cost gives an infinite weight, so set min_cost.
    """
    cost = np.asarray(cost, dtype=np.float64)
    if method == "2sfca":
        return np.ones_like(cost)
    if method == "e2sfca":
        if sigma is not None:
            if not sigma > 0:
                raise GapInputError(f"sigma must be positive, not {sigma}")
            return np.exp(-cost * cost / (2 * sigma**2))
        bands = sorted(steps if steps is not None else LUO_QI_STEPS)
        if not bands:
            raise GapInputError("steps: give at least one (upper bound, weight) band")
        if any(not w >= 0 for _, w in bands):
            raise GapInputError("steps: weights must not be negative")
        bounds = np.array([b for b, _ in bands], dtype=np.float64)
        values = np.array([w for _, w in bands] + [0.0], dtype=np.float64)
        return values[np.searchsorted(bounds, cost, side="left")]
    if method == "gravity":
        if not beta > 0:
            raise GapInputError(f"beta must be positive, not {beta}")
        if not scale > 0:
            raise GapInputError(f"scale must be positive, not {scale}")
        floor = np.maximum(cost, min_cost)
        if floor.size and not floor.min() > 0:
            # 1/0: an area on top of a site would take all of it and leave NaN elsewhere.
            raise GapInputError(
                "gravity: a cost of 0 gives an infinite weight; set min_cost above 0"
            )
        return np.power(floor / scale, -beta)
    raise GapInputError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def two_step(
    areas: Areas, sites: Sites, costs: Costs, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The two floating-catchment steps on a sparse area×site weight matrix.

    Returns (A_i per area, D_j per site). Pairs must already be within the catchment.
    """
    # COO, not CSR: a matrix-vector product on COO needs no sort of the 15 million pairs.
    w = sparse.coo_matrix(
        (weights, (costs.area_index, costs.site_index)), shape=(len(areas), len(sites))
    )
    seen = w.T @ areas.demand  # D_j
    ratio = np.zeros(len(sites))
    has = seen > 0
    ratio[has] = sites.capacity[has] / seen[has]
    return w @ ratio, seen


def compute(
    areas: Areas,
    sites: Sites,
    *,
    method: str = "2sfca",
    max_cost: float = 30.0,
    costs: Costs | None = None,
    steps: Sequence[tuple[float, float]] | None = None,
    sigma: float | None = None,
    beta: float = 1.0,
    scale: float = 1.0,
    min_cost: float = 0.0,
    normalize: bool = False,
) -> GapResult:
    """Accessibility per area. Costs default to great-circle km within max_cost; a travel-time
    matrix (`Costs`, e.g. from `areas.read_travel_times`) replaces them, same cut-off (<=).

    normalize=True divides by the population-weighted mean access, as `access`'s
    `normalize=True` does (`helpers.normalized_access`), so 1 is the region's average.
    """
    if method not in METHODS:
        raise GapInputError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if not max_cost > 0:
        raise GapInputError(f"the distance cut-off must be positive, not {max_cost}")
    if len(sites) == 0:
        return _empty(areas, method, max_cost, NO_SERVICES)
    if costs is None:
        costs = pairs_within(areas, sites, radius_km=max_cost)
    else:
        keep = costs.cost <= max_cost
        costs = Costs(costs.area_index[keep], costs.site_index[keep], costs.cost[keep])
    if len(costs) == 0:
        return _empty(areas, method, max_cost, NO_SERVICES_IN_RANGE)
    weights = decay_weights(
        costs.cost,
        method=method,
        steps=steps,
        sigma=sigma,
        beta=beta,
        scale=scale,
        min_cost=min_cost,
    )
    score, _ = two_step(areas, sites, costs, weights)
    reach = np.bincount(costs.area_index[weights > 0], minlength=len(areas))
    if normalize:
        total = areas.population.sum()
        mean = float((score * areas.population).sum() / total) if total > 0 else 0.0
        if mean > 0:
            score = score / mean
    return GapResult(
        method=method, max_cost=max_cost, areas=areas, score=score, sites_in_range=reach
    )


def _empty(areas: Areas, method: str, max_cost: float, message: str) -> GapResult:
    n = len(areas)
    return GapResult(
        method=method,
        max_cost=max_cost,
        areas=areas,
        score=np.zeros(n),
        sites_in_range=np.zeros(n, dtype=np.int64),
        message=message,
    )


def _check_ids(what: str, ids: np.ndarray) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise GapInputError(f"{what}: duplicate id {i!r}")
        if str(i).strip() == "":
            raise GapInputError(f"{what}: an id is empty")
        seen.add(i)


def _check_coordinates(what: str, ids: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> None:
    bad = ~((lat >= -90) & (lat <= 90) & (lon >= -180) & (lon <= 180))  # NaN fails too
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise GapInputError(
            f"{what}: {ids[i]!r} has coordinates outside the world ({lat[i]}, {lon[i]})"
        )


def _check_non_negative(what: str, name: str, ids: np.ndarray, values: np.ndarray) -> None:
    bad = ~(np.isfinite(values) & (values >= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise GapInputError(f"{what}: {ids[i]!r} has {name} {values[i]}, not a number >= 0")


def costs_from_ids(areas: Areas, sites: Sites, rows: Iterable[tuple[str, str, float]]) -> Costs:
    """Costs from (area id, site id, cost) triples; unknown ids or negative costs raise."""
    area_pos = {str(a): i for i, a in enumerate(areas.ids)}
    site_pos = {str(s): i for i, s in enumerate(sites.ids)}
    ai, si, cs = [], [], []
    for n, (origin, dest, cost) in enumerate(rows, start=1):
        if origin not in area_pos:
            raise GapInputError(f"pair {n}: unknown area id {origin!r}")
        if dest not in site_pos:
            raise GapInputError(f"pair {n}: unknown site id {dest!r}")
        if not (np.isfinite(cost) and cost >= 0):
            raise GapInputError(f"pair {n}: cost {cost} is not a number >= 0")
        ai.append(area_pos[origin])
        si.append(site_pos[dest])
        cs.append(float(cost))
    return Costs(np.asarray(ai, np.int64), np.asarray(si, np.int64), np.asarray(cs, np.float64))
