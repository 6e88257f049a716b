"""Local services that help with each positive domain of a screening, near a ZIP code."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from commonweal.directory.search import engine
from commonweal.directory.search.types import SearchRequest

PER_DOMAIN = 3
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


@dataclass(frozen=True)
class Suggestion:
    service_id: uuid.UUID
    name: str
    organization_name: str
    distance_km: float | None
    why: tuple[str, ...] = ()

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / 1.609344


def clean_zip(text: str) -> str:
    """A ZIP code from user input, or "" when it is not one."""
    text = (text or "").strip()
    return text[:5] if ZIP_RE.match(text) else ""


def _engine_search(categories: tuple[str, ...], near: str, limit: int) -> list[Suggestion]:
    """The directory's own search: services in the categories, nearest first near a ZIP."""
    response = engine.search(SearchRequest(categories=categories, near=near, per_page=limit))
    return [
        Suggestion(
            service_id=hit.service_id,
            name=hit.name,
            organization_name=hit.organization_name,
            distance_km=hit.distance_km,
            why=tuple(hit.why),
        )
        for hit in response.hits[:limit]
    ]


def services_for(
    categories: tuple[str, ...], *, near: str = "", limit: int = PER_DOMAIN
) -> list[Suggestion]:
    """Up to `limit` services in these Open Eligibility categories, nearest first if `near`."""
    if not categories:
        return []
    return _engine_search(categories, clean_zip(near), limit)
