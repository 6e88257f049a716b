"""/api/v1/search: the resident search as JSON, open to anonymous callers."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["search"])
