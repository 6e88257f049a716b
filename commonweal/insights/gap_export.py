"""Write a gap analysis result as CSV (ranked areas) and GeoJSON (points at area centres)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from commonweal.insights.gaps import GapResult

CSV_FIELDS = ("rank", "id", "name", "population", "demand", "score", "sites_in_range")


def write_csv(result: GapResult, path: Path) -> int:
    """Every area, least-served first; an empty result writes the header only. Returns rows."""
    rows = result.ranked()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        for rank, row in enumerate(rows, start=1):
            writer.writerow(
                [rank, row.id, row.name, _number(row.population), _number(row.demand),
                 repr(row.score), row.sites_in_range]
            )  # fmt: skip
    return len(rows)


def geojson(result: GapResult) -> dict[str, Any]:
    """A FeatureCollection of Point features (RFC 7946: [longitude, latitude], WGS 84)."""
    areas = result.areas
    position = {str(a): i for i, a in enumerate(areas.ids)}
    features = []
    for rank, row in enumerate(result.ranked(), start=1):
        i = position[row.id]
        features.append(
            {
                "type": "Feature",
                "id": row.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(areas.longitude[i]), float(areas.latitude[i])],
                },
                "properties": {
                    "rank": rank,
                    "name": row.name,
                    "population": row.population,
                    "demand": row.demand,
                    "score": row.score,
                    "sites_in_range": row.sites_in_range,
                },
            }
        )
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "method": result.method,
        "max_cost": result.max_cost,
        "features": features,
    }
    if result.message:
        # A foreign member (RFC 7946 §6.1): says why there are no features.
        collection["message"] = result.message
    return collection


def write_geojson(result: GapResult, path: Path) -> int:
    collection = geojson(result)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(collection, handle, ensure_ascii=False)
    return len(collection["features"])


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
