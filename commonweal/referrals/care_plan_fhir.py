"""A care plan as FHIR R4: a `collection` Bundle of CarePlan, its Goals and the Patient.

Shaped for the fhir.resources R4B models (the tests validate each resource and the Bundle):

- `CarePlan`: status (ours are FHIR's), intent `plan`, subject, period (started → closed),
  author the holding Organization, `goal` → each Goal, `activity.reference` → the
  ServiceRequest of each linked referral (the same id and identifier as the referral's own
  Bundle, `GET /api/v1/referrals/{id}/fhir`), `activity.detail` for each programme or
  community resource (a directory service: `code.text` its name, `goal` the goals it
  serves, `performer` its Organization), `note` the review notes in time order.
- `Goal`: lifecycleStatus (achieved → `completed`), achievementStatus (FHIR
  goal-achievement codes), `description.text` the person's words, `target.dueDate`,
  `startDate`. The needs are not Conditions here (a screening result is not a diagnosis),
  so they go in `Goal.category`: one CodeableConcept per need, coded in our needs system
  (the same codes a referral's `reasonCode` carries) and, for screening domains, the SDOH
  Clinical Care category; a free need is text only. Linked screenings are an extension
  holding a logical reference (identifier) to the screening.
- `Patient`: the person's record id (the plan's readers are the care team, who have it)
  and the name they go by — nothing else.

Only the referrals the caller may see are listed (policy.can_view_referral).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from commonweal import policy
from commonweal.referrals import fhir
from commonweal.referrals.care_plan_models import CarePlan, CarePlanGoal, GoalStatus
from commonweal.referrals.care_plans import need_label
from commonweal.screening.presenting import DOMAIN_WORDS

PERSON_SYSTEM = f"{fhir.BASE}/person"
SCREENING_SYSTEM = f"{fhir.BASE}/screening"
CARE_PLAN_SYSTEM = f"{fhir.BASE}/care-plan"
SCREENING_EXTENSION = f"{fhir.BASE}/StructureDefinition/goal-screening"
ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# Our screening domains → SDOH Clinical Care category codes (where the IG has one).
SDOH_DOMAIN = {
    "living-situation": "housing-instability",
    "food": "food-insecurity",
    "transportation": "transportation-insecurity",
    "utilities": "utility-insecurity",
    "interpersonal-safety": "intimate-partner-violence",
    "depression": "mental-health",
    "anxiety": "mental-health",
    "suicide-risk": "mental-health",
    "wellbeing": "mental-health",
    "loneliness": "social-connection",
}
LIFECYCLE = {
    GoalStatus.PROPOSED: "proposed",
    GoalStatus.ACTIVE: "active",
    GoalStatus.ACHIEVED: "completed",
    GoalStatus.CANCELLED: "cancelled",
}


def _uid(kind: str, key: Any) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{fhir.BASE}/{kind}/{key}"))


def _date(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def care_plan_bundle(plan: CarePlan, user: Any) -> dict[str, Any]:
    """The plan as a FHIR R4 `collection` Bundle, as `user` (who may see the plan) sees it."""
    goals = list(
        plan.goals.prefetch_related(
            "referrals__service",
            "referrals__to_organization",
            "services__organization",
            "screenings",
        )
    )
    patient_id = _uid("care-plan-patient", plan.person_id)
    goal_resources = [goal_resource(goal, patient_id) for goal in goals]
    resources = [
        care_plan_resource(plan, goals, patient_id, user),
        *goal_resources,
        patient(plan, patient_id),
    ]
    return {
        "resourceType": "Bundle",
        "id": _uid("care-plan-bundle", plan.pk),
        "identifier": {"system": CARE_PLAN_SYSTEM, "value": str(plan.pk)},
        "type": "collection",
        "timestamp": plan.updated_at.isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def _goal_ref(goal: CarePlanGoal) -> dict[str, Any]:
    return {"reference": f"urn:uuid:{_uid('goal', goal.pk)}"}


def care_plan_resource(
    plan: CarePlan, goals: list[CarePlanGoal], patient_id: str, user: Any
) -> dict[str, Any]:
    period: dict[str, Any] = {"start": plan.created_at.isoformat()}
    if plan.closed_at:
        period["end"] = plan.closed_at.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": _uid("care-plan", plan.pk),
        "identifier": [{"system": CARE_PLAN_SYSTEM, "value": str(plan.pk)}],
        "status": plan.status,
        "intent": "plan",
        "subject": {"reference": f"urn:uuid:{patient_id}"},
        "period": period,
        "created": plan.created_at.isoformat(),
        "author": {
            "identifier": {"system": fhir.ORGANIZATION_SYSTEM, "value": str(plan.organization_id)},
            "display": plan.organization.name,
        },
    }
    if goals:
        resource["goal"] = [_goal_ref(goal) for goal in goals]
    activities = _referral_activities(goals, user) + _service_activities(goals)
    if activities:
        resource["activity"] = activities
    notes = [
        {"time": note.at.isoformat(), "text": note.text} for note in plan.notes.order_by("at", "id")
    ]
    if notes:
        resource["note"] = notes
    return resource


def _referral_activities(goals: list[CarePlanGoal], user: Any) -> list[dict[str, Any]]:
    seen: dict[Any, Any] = {}
    for goal in goals:
        for referral in goal.referrals.all():
            if referral.pk not in seen and policy.can_view_referral(user, referral):
                seen[referral.pk] = referral
    return [
        {
            "reference": {
                "reference": f"urn:uuid:{fhir._uid('service-request', referral.pk)}",
                "type": "ServiceRequest",
                "identifier": {"system": fhir.REFERRAL_SYSTEM, "value": str(referral.pk)},
                "display": referral.service.name,
            }
        }
        for referral in sorted(seen.values(), key=lambda r: (r.created_at, str(r.pk)))
    ]


def _activity_status(goals: list[CarePlanGoal]) -> str:
    """A resource's activity status from the goals it serves: the most alive one wins."""
    statuses = {goal.status for goal in goals}
    if GoalStatus.ACTIVE in statuses:
        return "in-progress"
    if GoalStatus.PROPOSED in statuses:
        return "not-started"
    if GoalStatus.ACHIEVED in statuses:
        return "completed"
    return "stopped"


def _service_activities(goals: list[CarePlanGoal]) -> list[dict[str, Any]]:
    served: dict[Any, tuple[Any, list[CarePlanGoal]]] = {}
    for goal in goals:
        for service in goal.services.all():
            served.setdefault(service.pk, (service, []))[1].append(goal)
    return [
        {
            "detail": {
                "code": {
                    "coding": [{"system": fhir.SERVICE_SYSTEM, "code": str(service.pk)}],
                    "text": service.name,
                },
                "goal": [_goal_ref(goal) for goal in its_goals],
                "status": _activity_status(its_goals),
                "performer": [
                    {
                        "identifier": {
                            "system": fhir.ORGANIZATION_SYSTEM,
                            "value": str(service.organization_id),
                        },
                        "display": service.organization.name,
                    }
                ],
                "description": service.name,
            }
        }
        for service, its_goals in sorted(
            served.values(), key=lambda item: (item[0].name, str(item[0].pk))
        )
    ]


def _need(code: str) -> dict[str, Any]:
    if code not in DOMAIN_WORDS:
        return {"text": code}
    codings = [{"system": fhir.NEED_SYSTEM, "code": code, "display": need_label(code)}]
    if code in SDOH_DOMAIN:
        codings.append({"system": fhir.SDOH_CATEGORY, "code": SDOH_DOMAIN[code]})
    return {"coding": codings, "text": need_label(code)}


def goal_resource(goal: CarePlanGoal, patient_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": _uid("goal", goal.pk),
        "identifier": [{"system": f"{CARE_PLAN_SYSTEM}/goal", "value": str(goal.pk)}],
        "lifecycleStatus": LIFECYCLE[goal.status],
        "achievementStatus": {
            "coding": [
                {
                    "system": ACHIEVEMENT_SYSTEM,
                    "code": goal.achievement,
                    "display": str(goal.get_achievement_display()),
                }
            ]
        },
        "description": {"text": goal.description},
        "subject": {"reference": f"urn:uuid:{patient_id}"},
        "startDate": _date(goal.created_at),
    }
    if goal.needs:
        resource["category"] = [_need(need) for need in goal.needs]
    if goal.target_date:
        resource["target"] = [{"dueDate": goal.target_date.isoformat()}]
    screenings = sorted(goal.screenings.all(), key=lambda s: (s.created_at, str(s.pk)))
    if screenings:
        resource["extension"] = [
            {
                "url": SCREENING_EXTENSION,
                "valueReference": {
                    "identifier": {"system": SCREENING_SYSTEM, "value": str(s.pk)},
                    "display": f"{s.instrument} {_date(s.created_at)}",
                },
            }
            for s in screenings
        ]
    return resource


def patient(plan: CarePlan, patient_id: str) -> dict[str, Any]:
    person = plan.person
    name: dict[str, Any] = {"text": person.display_name}
    if person.family_name:
        name["family"] = person.family_name
    name["given"] = [person.preferred_name or person.given_name]
    return {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": PERSON_SYSTEM, "value": str(person.pk)}],
        "name": [name],
    }
