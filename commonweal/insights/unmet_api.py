"""The unmet need part of the JSON API (/api/v1/insights/unmet/)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insights"])
