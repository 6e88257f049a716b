"""The outcomes part of the JSON API (/api/v1/insights/outcomes/)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insights"])
