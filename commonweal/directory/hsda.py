"""Open Referral HSDA 3.0 read-only API under /api/hsda/."""

from __future__ import annotations

from ninja import NinjaAPI


def build_hsda_api() -> NinjaAPI:
    api = NinjaAPI(title="HSDA 3.0", version="3.0", urls_namespace="hsda")
    return api
