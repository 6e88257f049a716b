"""/api/v1/directory/: the project's own directory endpoints (search comes with the search issue)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["directory"])
