"""/api/v1/referrals/people/{person_id}/care-plan/fhir: a person's care plan as FHIR R4.

Same rule as the pages: the person's care team (a superuser reads, audit-flagged); anyone
else gets 404, the same as for a person who does not exist. Every read is audit-logged.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.referrals import care_plan_fhir, care_plans
from commonweal.referrals.models import Person

router = Router(tags=["care plans"], auth=api_auth)


class CarePlanMessage(Schema):
    detail: str
    code: str = ""
    errors: list[str] = []


def _not_found(what: str) -> Status:
    return Status(
        404, {"detail": f"no {what} for your organisation", "code": "not-found", "errors": []}
    )


@router.get(
    "/{person_id}/care-plan/fhir",
    response={200: dict, 404: CarePlanMessage},
    summary="A person's current care plan as a FHIR R4 Bundle (CarePlan, Goal, Patient)",
)
def care_plan_fhir_bundle(request: HttpRequest, person_id: uuid.UUID):
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not policy.can_view_plan(request.auth, person):
        return _not_found("such person")
    plan = care_plans.current_plan(person)
    if plan is None:
        return _not_found("care plan")
    care_plans.record_read(person=person, by=request.auth, request=request, what="care_plan_fhir")
    return Status(200, care_plan_fhir.care_plan_bundle(plan, request.auth))
