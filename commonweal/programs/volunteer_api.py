"""API of this part, mounted by commonweal/api.py."""

from __future__ import annotations

from ninja import Router

from commonweal.accounts.api_auth import api_auth

router = Router(tags=["programs"], auth=api_auth)
