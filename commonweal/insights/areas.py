"""Read the gap analysis's inputs: area files, Census tract centres, travel times, ZIP maps.

Every error names the file, the line and the field, so a partner can fix their CSV.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from commonweal.directory.sources.geocode import zip_centroids
from commonweal.insights.gaps import (
    EARTH_RADIUS_KM,
    Areas,
    Costs,
    GapInputError,
    Sites,
    unit_vectors,
)

DATA = Path(__file__).resolve().parent / "data"
# Census 2020 tract centres of population for Miami-Dade (12086) plus its neighbours
# Broward (12011) and Monroe (12087), so tracts at the county edge see the services across it.
BUNDLED_TRACTS = DATA / "tract_pop_centers_2020_miami.csv.gz"

AREA_FIELDS = ("id", "name", "latitude", "longitude", "population")
TRACT_FIELDS = ("STATEFP", "COUNTYFP", "TRACTCE", "POPULATION", "LATITUDE", "LONGITUDE")


def _open_text(path: Path) -> io.TextIOBase:
    # utf-8-sig: the Census file starts with a byte-order mark that would glue onto STATEFP.
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; the header must have the required fields."""
    try:
        handle = _open_text(path)
    except OSError as error:
        raise GapInputError(f"{path}: cannot read ({error.strerror or error})") from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = [f.strip() for f in reader.fieldnames or []]
            missing = [f for f in required if f not in header]
            if missing:
                raise GapInputError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
            reader.fieldnames = header
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
        except (UnicodeDecodeError, csv.Error, EOFError, gzip.BadGzipFile) as error:
            raise GapInputError(f"{path}: not a readable CSV file ({error})") from None


def _number(
    path: Path, line: int, row: dict[str, str], field: str, *, default: float | None = None
) -> float:
    text = row.get(field, "")
    if text == "":
        if default is not None:
            return default
        raise GapInputError(f"{path}, line {line}, {field}: missing")
    try:
        value = float(text)
    except ValueError:
        raise GapInputError(f"{path}, line {line}, {field}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise GapInputError(f"{path}, line {line}, {field}: {text!r} is not a number")
    return value


def _coordinates(
    path: Path, line: int, row: dict[str, str], lat_field: str, lon_field: str
) -> tuple[float, float]:
    lat = _number(path, line, row, lat_field)
    lon = _number(path, line, row, lon_field)
    if not -90 <= lat <= 90:
        raise GapInputError(
            f"{path}, line {line}, {lat_field}: {lat} is outside the world (-90 to 90)"
        )
    if not -180 <= lon <= 180:
        raise GapInputError(
            f"{path}, line {line}, {lon_field}: {lon} is outside the world (-180 to 180)"
        )
    return lat, lon


def _non_negative(path: Path, line: int, field: str, value: float) -> float:
    if value < 0:
        raise GapInputError(f"{path}, line {line}, {field}: {value} is negative")
    return value


def read_area_csv(path: Path | str) -> Areas:
    """An area file: id,name,latitude,longitude,population[,need_weight] (need weight 1 if absent)."""
    path = Path(path)
    ids, names, lats, lons, pops, needs = [], [], [], [], [], []
    first_line: dict[str, int] = {}
    for line, row in _rows(path, AREA_FIELDS):
        area_id = row["id"]
        if not area_id:
            raise GapInputError(f"{path}, line {line}, id: missing")
        if area_id in first_line:
            raise GapInputError(
                f"{path}, line {line}, id: duplicate {area_id!r} (first on line {first_line[area_id]})"
            )
        first_line[area_id] = line
        lat, lon = _coordinates(path, line, row, "latitude", "longitude")
        pop = _non_negative(path, line, "population", _number(path, line, row, "population"))
        need = _non_negative(
            path, line, "need_weight", _number(path, line, row, "need_weight", default=1.0)
        )
        ids.append(area_id)
        names.append(row["name"])
        lats.append(lat)
        lons.append(lon)
        pops.append(pop)
        needs.append(need)
    if not ids:
        raise GapInputError(f"{path}: no areas in the file")
    return Areas.build(
        ids=ids, names=names, latitude=lats, longitude=lons, population=pops, need_weight=needs
    )


def read_census_tracts(
    path: Path | str = BUNDLED_TRACTS, *, counties: set[str] | None = None
) -> Areas:
    """Census 2020 tract centres of population (CenPop2020_Mean_TR.txt layout, plain or .gz).

    The area id is the 11-digit tract GEOID (state + county + tract), so county roll-ups
    read its first five digits. `counties` keeps only those 5-digit county codes.
    """
    path = Path(path)
    ids, lats, lons, pops = [], [], [], []
    seen: set[str] = set()
    for line, row in _rows(path, TRACT_FIELDS):
        county = row["STATEFP"] + row["COUNTYFP"]
        if counties is not None and county not in counties:
            continue
        geoid = county + row["TRACTCE"]
        if len(geoid) != 11 or not geoid.isdigit():
            raise GapInputError(f"{path}, line {line}, TRACTCE: {geoid!r} is not an 11-digit GEOID")
        if geoid in seen:
            raise GapInputError(f"{path}, line {line}, TRACTCE: duplicate tract {geoid}")
        seen.add(geoid)
        lat, lon = _coordinates(path, line, row, "LATITUDE", "LONGITUDE")
        ids.append(geoid)
        lats.append(lat)
        lons.append(lon)
        pops.append(_non_negative(path, line, "POPULATION", _number(path, line, row, "POPULATION")))
    if not ids:
        raise GapInputError(f"{path}: no tracts in the file")
    return Areas.build(ids=ids, latitude=lats, longitude=lons, population=pops)


def read_travel_times(path: Path | str, areas: Areas, sites: Sites) -> Costs:
    """A travel-time matrix CSV: origin (area id), destination (site id), cost (>= 0).

    Pairs not in the file are out of reach. A pair given twice is an error, not a sum.
    """
    path = Path(path)
    area_pos = {str(a): i for i, a in enumerate(areas.ids)}
    site_pos = {str(s): i for i, s in enumerate(sites.ids)}
    ai, si, cs = [], [], []
    seen: dict[tuple[int, int], int] = {}
    for line, row in _rows(path, ("origin", "destination", "cost")):
        origin, dest = row["origin"], row["destination"]
        if origin not in area_pos:
            raise GapInputError(f"{path}, line {line}, origin: unknown area id {origin!r}")
        if dest not in site_pos:
            raise GapInputError(f"{path}, line {line}, destination: unknown site id {dest!r}")
        cost = _number(path, line, row, "cost")
        if cost < 0:
            raise GapInputError(f"{path}, line {line}, cost: {cost} is negative")
        pair = (area_pos[origin], site_pos[dest])
        if pair in seen:
            raise GapInputError(
                f"{path}, line {line}: pair {origin!r} → {dest!r} repeats line {seen[pair]}"
            )
        seen[pair] = line
        ai.append(pair[0])
        si.append(pair[1])
        cs.append(cost)
    return Costs(np.asarray(ai, np.int64), np.asarray(si, np.int64), np.asarray(cs, np.float64))


def read_zip_map(path: Path | str) -> dict[str, str]:
    """area_id,zip rows → {area id: 5-digit ZIP}, for ZIP roll-ups."""
    path = Path(path)
    mapping: dict[str, str] = {}
    for line, row in _rows(path, ("area_id", "zip")):
        code = row["zip"].zfill(5)
        if len(code) != 5 or not code.isdigit():
            raise GapInputError(f"{path}, line {line}, zip: {row['zip']!r} is not a ZIP code")
        mapping[row["area_id"]] = code
    return mapping


def read_areas(path: Path | str) -> Areas:
    """An area file in either layout: ours (id,name,…) or the Census tract centres file."""
    path = Path(path)
    try:
        with _open_text(path) as handle:
            header = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as error:
        raise GapInputError(f"{path}: cannot read ({error})") from None
    if header.startswith("STATEFP"):
        return read_census_tracts(path)
    return read_area_csv(path)


@cache
def _zip_tree() -> tuple[np.ndarray, cKDTree]:
    points = zip_centroids()
    codes = np.array(list(points), dtype=object)
    lat_lon = np.array(list(points.values()), dtype=float)
    return codes, cKDTree(unit_vectors(lat_lon[:, 0], lat_lon[:, 1]))


def nearest_zips(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ZIP codes, great-circle km) of the ZCTA internal point nearest each point."""
    codes, tree = _zip_tree()
    chord, index = tree.query(unit_vectors(np.asarray(latitude), np.asarray(longitude)))
    return codes[index], 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2, 1.0))
