"""The gap analysis part of the JSON API (/api/v1/insights/gaps/)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insights"])
