"""The JSON APIs: the project's own under /api/v1/ and Open Referral HSDA 3.0 under /api/hsda/."""

from __future__ import annotations

from ninja import NinjaAPI

from commonweal.accounts.api import router as accounts_router
from commonweal.directory.hsda import build_hsda_api
from commonweal.directory.search_api import router as search_router
from commonweal.referrals.api import router as referrals_router
from commonweal.referrals.care_plan_api import router as care_plan_router
from commonweal.screening.api import router as screening_router

api_v1 = NinjaAPI(
    title="commonweal API",
    version="1",
    urls_namespace="api_v1",
    description="The commonweal JSON API. Authenticate with a personal API token: "
    "`Authorization: Bearer <token>` (create one on your account page).",
)
api_v1.add_router("/accounts/", accounts_router)
api_v1.add_router("/search", search_router)
api_v1.add_router("/screenings/", screening_router)
api_v1.add_router("/referrals", referrals_router)
api_v1.add_router("/referrals/people", care_plan_router)

api_hsda = build_hsda_api()
