"""The JSON APIs: the project's own under /api/v1/ and Open Referral HSDA 3.0 under /api/hsda/."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from commonweal.accounts.api import router as accounts_router
from commonweal.directory.hsda import build_hsda_api
from commonweal.directory.search_api import router as search_router
from commonweal.insights.gap_api import router as gaps_router
from commonweal.insights.outcome_api import router as outcomes_router
from commonweal.insights.participation_api import router as participation_router
from commonweal.insights.unmet_api import router as unmet_router
from commonweal.partnerships.api import router as partnership_router
from commonweal.programs.api import router as programs_router
from commonweal.programs.campaign_api import router as campaigns_router
from commonweal.programs.reminder_api import router as reminders_router
from commonweal.programs.route_api import router as routes_router
from commonweal.programs.volunteer_api import router as volunteers_router
from commonweal.referrals.api import router as referrals_router
from commonweal.referrals.care_plan_api import router as care_plan_router
from commonweal.screening.api import router as screening_router
from commonweal.web.api_reference import AccessibleReference

UNAUTHORIZED = {
    "description": "No valid bearer token (or signed-in session) was sent.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail"],
                "properties": {"detail": {"type": "string"}},
            }
        }
    },
}


MALFORMED = {
    "description": "A path or query parameter is not of its type (an id that is no UUID).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail"],
                "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
            }
        }
    },
}


def _typed(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema", {})
    return schema.get("type") != "string" or "format" in schema


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose document declares the 401 and 422 that ninja itself answers.

    ninja answers 401 for an operation with `auth` when no authenticator accepts the
    caller, and 422 when a typed path or query parameter does not parse, but leaves both
    out of the operation's responses; clients generated from the document (and
    schemathesis) would then meet undocumented statuses.
    """

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(**kwargs)
        for item in document["paths"].values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                if operation.get("security"):
                    operation["responses"].setdefault(401, UNAUTHORIZED)
                if any(_typed(p) for p in operation.get("parameters", [])):
                    operation["responses"].setdefault(422, MALFORMED)
        return document


api_v1 = DocumentedAPI(
    title="commonweal API",
    docs=AccessibleReference(),
    version="1",
    urls_namespace="api_v1",
    description="The commonweal JSON API. Authenticate with a personal API token: "
    "`Authorization: Bearer <token>` (create one on your account page).",
)
api_v1.add_router("/accounts/", accounts_router)
api_v1.add_router("/search", search_router)
api_v1.add_router("/screenings/", screening_router)
api_v1.add_router("/insights/gaps/", gaps_router)
api_v1.add_router("/insights/unmet/", unmet_router)
api_v1.add_router("/insights/outcomes/", outcomes_router)
api_v1.add_router("/insights/participation/", participation_router)
api_v1.add_router("/referrals", referrals_router)
api_v1.add_router("/referrals/people", care_plan_router)
api_v1.add_router("/partnership/", partnership_router)
api_v1.add_router("/programs/", programs_router)
api_v1.add_router("/programs/routes/", routes_router)
api_v1.add_router("/programs/reminders/", reminders_router)
api_v1.add_router("/programs/volunteers/", volunteers_router)
api_v1.add_router("/learn/", campaigns_router)

api_hsda = build_hsda_api()
