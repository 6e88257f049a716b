"""Approximate positions for US ZIP codes, from the bundled Census ZCTA gazetteer.

A location with an address but no coordinates can still be found by distance if we
place it at its ZIP code's point. The point is the Census Bureau's *internal point* of
the ZIP Code Tabulation Area (ZCTA): a point guaranteed inside the area, not a surveyed
address, so callers must flag such positions as approximate. ZCTAs approximate ZIP codes;
ZIP codes that only serve PO boxes or a single firm have no ZCTA and get no position.

The data (public domain, US government work) is the whole 2010-vintage ZCTA set, 33,120
points, bundled as `data/zcta_centroids.csv.gz` (≈ 370 KB); `build_zcta_file` remakes it.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from functools import cache
from pathlib import Path

ZCTA_FILE = Path(__file__).resolve().parent.parent / "data" / "zcta_centroids.csv.gz"

_DIGITS = re.compile(r"\d+")


def normalize_zip(postal_code: str) -> str | None:
    """The 5-digit ZIP in `postal_code`, or None when it does not look like one.

    Accepts "33157", " 33157 ", "33157-1234", "33157 1234", "331571234", and ZIPs whose
    leading zeros were lost by a spreadsheet ("6708" → "06708", "601" → "00601").
    """
    text = postal_code.strip()
    if not text:
        return None
    groups = _DIGITS.findall(text)
    # Anything but digits, one separator and a +4 part is not a US ZIP (e.g. "K1A 0B1").
    if not groups or re.sub(r"[\s-]", "", text) != "".join(groups) or len(groups) > 2:
        return None
    first = groups[0]
    if len(groups) == 2:
        if len(groups[1]) != 4 or len(first) > 5:
            return None
        return first.zfill(5)
    if len(first) == 9:  # ZIP+4 written without its hyphen
        return first[:5]
    if 3 <= len(first) <= 5:
        return first.zfill(5)
    return None


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    with gzip.open(ZCTA_FILE, "rt", encoding="utf-8", newline="") as handle:
        return {
            row["zcta"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def zip_centroids() -> dict[str, tuple[float, float]]:
    """Every ZIP code's ZCTA internal point: {code: (latitude, longitude)} (read once)."""
    return _centroids()


def zip_centroid(postal_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the ZCTA internal point for a US ZIP code, or None."""
    zcta = normalize_zip(postal_code)
    if zcta is None:
        return None
    return _centroids().get(zcta)


def build_zcta_file(gazetteer: Path, dest: Path = ZCTA_FILE) -> int:
    """Write the bundled file from the Census gazetteer (`Gaz_zcta_national.txt`: tab
    separated, GEOID, …, INTPTLONG, INTPTLAT in either order, trailing blanks and a
    blank last line tolerated). Coordinates are copied as written. Returns the row count."""
    with gazetteer.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        points = []
        for raw in reader:
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if row.get("GEOID"):
                points.append((row["GEOID"].zfill(5), row["INTPTLAT"], row["INTPTLONG"]))
    points.sort()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["zcta", "latitude", "longitude"])
    writer.writerows(points)
    # mtime=0 keeps the compressed bytes identical from run to run (reviewable diffs).
    dest.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    _centroids.cache_clear()
    return len(points)
