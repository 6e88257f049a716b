"""The care plan as FHIR R4 (CarePlan + Goal + Patient), validated with fhir.resources R4B,
and its API: care team only (404 otherwise), every read audit-logged."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan as FhirCarePlan
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.patient import Patient

from commonweal.accounts.models import AuditEvent
from commonweal.referrals import care_plan_fhir, care_plans, fhir
from commonweal.referrals.models import CareTeamMember, Referral
from commonweal.referrals.tests.care_plan_fixtures import goal, plan, resource, screening
from commonweal.referrals.tests.referral_fixtures import bearer

__all__ = ["goal", "plan", "resource", "screening"]


def _url(person) -> str:
    return f"/api/v1/referrals/people/{person.pk}/care-plan/fhir"


def _by_type(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


@pytest.fixture
def full_plan(plan, goal, navigator, referral, resource):
    """Two goals: one served by a referral and a resource, one achieved and served by both."""
    achieved = care_plans.add_goal(
        plan=plan, by=navigator, description="Stable housing by spring", needs=["help with rent"]
    )
    care_plans.add_review(
        plan=plan,
        by=navigator,
        text="Moved in.",
        goal_updates={achieved.pk: {"status": "achieved", "achievement": "achieved"}},
    )
    for each in (goal, achieved):
        care_plans.link_referral(goal=each, referral=referral, by=navigator)
        care_plans.link_service(goal=each, service=resource, by=navigator)
    return plan


@pytest.mark.django_db
def test_the_bundle_and_each_resource_validate_and_link_up(full_plan, navigator, referral) -> None:
    bundle = care_plan_fhir.care_plan_bundle(full_plan, navigator)
    Bundle.model_validate(bundle)
    found = _by_type(bundle)
    (care_plan,) = found["CarePlan"]
    FhirCarePlan.model_validate(care_plan)
    Patient.model_validate(found["Patient"][0])
    for each in found["Goal"]:
        FhirGoal.model_validate(each)
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    assert care_plan["subject"]["reference"] in urls
    assert [g["reference"] for g in care_plan["goal"]] == [
        f"urn:uuid:{g['id']}" for g in found["Goal"]
    ]
    assert all(
        g["subject"]["reference"] == care_plan["subject"]["reference"] for g in found["Goal"]
    )
    # One activity per referral (two goals share it), pointing at the referral's own ServiceRequest.
    references = [a["reference"] for a in care_plan["activity"] if "reference" in a]
    request = next(r for r in _by_type(fhir.referral_bundle(referral))["ServiceRequest"])
    assert len(references) == 1
    assert references[0]["reference"] == f"urn:uuid:{request['id']}"
    assert references[0]["identifier"]["value"] == str(referral.pk)
    (detail,) = [a["detail"] for a in care_plan["activity"] if "detail" in a]
    assert detail["code"]["text"] == "Tuesday walking group"
    assert sorted(g["reference"] for g in detail["goal"]) == sorted(
        g["reference"] for g in care_plan["goal"]
    )
    assert detail["status"] == "in-progress"  # one of its goals is still being worked on
    assert care_plan["note"][0]["text"] == "Moved in."


@pytest.mark.django_db
def test_goals_carry_status_progress_words_needs_and_target(
    full_plan, navigator, screening
) -> None:
    goals = {
        g["description"]["text"]: g
        for g in _by_type(care_plan_fhir.care_plan_bundle(full_plan, navigator))["Goal"]
    }
    alone, housing = goals["Feel less alone"], goals["Stable housing by spring"]
    assert alone["lifecycleStatus"] == "active"
    assert alone["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert housing["lifecycleStatus"] == "completed"  # our "achieved" is FHIR's completed…
    assert housing["achievementStatus"]["coding"][0]["code"] == "achieved"  # …and achieved
    (need,) = alone["category"]
    codes = {(c["system"], c["code"]) for c in need["coding"]}
    assert (fhir.NEED_SYSTEM, "loneliness") in codes
    assert (fhir.SDOH_CATEGORY, "social-connection") in codes
    assert housing["category"] == [{"text": "help with rent"}]  # a free need: words only
    assert alone["target"][0]["dueDate"]
    assert alone["extension"][0]["valueReference"]["identifier"]["value"] == str(screening.pk)
    assert "target" not in housing and "extension" not in housing


@pytest.mark.django_db
def test_a_closed_plan_has_an_end(plan, navigator) -> None:
    care_plans.close_plan(plan=plan, status="revoked", by=navigator)
    plan.refresh_from_db()
    care_plan = _by_type(care_plan_fhir.care_plan_bundle(plan, navigator))["CarePlan"][0]
    FhirCarePlan.model_validate(care_plan)
    assert care_plan["status"] == "revoked" and care_plan["period"]["end"]
    assert "goal" not in care_plan and "activity" not in care_plan


@pytest.mark.django_db
def test_the_api_answers_the_bundle_and_audits_the_read(
    client, navigator, person, full_plan
) -> None:
    response = client.get(_url(person), **bearer(navigator))
    assert response.status_code == 200
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert bundle["identifier"]["value"] == str(full_plan.pk)
    event = AuditEvent.objects.filter(person_id=str(person.pk), action="view").latest("at")
    assert event.detail["read"] == "care_plan_fhir" and event.actor == navigator


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "third_staff", "coalition_admin", "analyst"])
def test_the_api_is_404_outside_the_care_team(client, request, person, full_plan, who) -> None:
    response = client.get(_url(person), **bearer(request.getfixturevalue(who)))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        person_id=str(person.pk), action="view", detail__read="care_plan_fhir"
    ).exists()


@pytest.mark.django_db
def test_the_api_is_404_without_a_plan_or_a_person(client, navigator, person) -> None:
    assert client.get(_url(person), **bearer(navigator)).status_code == 404
    unknown = "/api/v1/referrals/people/00000000-0000-0000-0000-000000000001/care-plan/fhir"
    assert client.get(unknown, **bearer(navigator)).status_code == 404
    bad = "/api/v1/referrals/people/not-a-uuid/care-plan/fhir"
    assert client.get(bad, **bearer(navigator)).status_code in (404, 422)


@pytest.mark.django_db
def test_the_api_needs_a_sign_in(client, person, plan) -> None:
    assert client.get(_url(person)).status_code == 401


@pytest.mark.django_db
def test_a_referral_the_caller_cannot_see_is_left_out(
    client, person, full_plan, third_organization, third_staff
) -> None:
    CareTeamMember.objects.create(person=person, organization=third_organization)
    response = client.get(_url(person), **bearer(third_staff))
    assert response.status_code == 200
    care_plan = _by_type(json.loads(response.content))["CarePlan"][0]
    assert all("reference" not in a for a in care_plan["activity"])
    assert Referral.objects.count() == 1  # it exists; this caller just may not see it
