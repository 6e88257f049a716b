"""The care plan rules (care_plans.py): care team only, one active plan, checked input,
links to the person's own referrals, reviews written whole, audit without the person's words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.referrals import care_plans
from commonweal.referrals import consent as consents
from commonweal.referrals.care_plan_models import CarePlan, CarePlanGoal, CarePlanNote
from commonweal.referrals.errors import NotAllowed
from commonweal.referrals.models import CareTeamMember
from commonweal.referrals.tests.care_plan_fixtures import (
    goal,
    make_screening,
    plan,
    resource,
    screening,
)
from commonweal.referrals.tests.referral_fixtures import refer

__all__ = ["goal", "plan", "resource", "screening"]


@pytest.mark.django_db
def test_a_navigator_starts_a_plan_held_by_their_organisation(
    person, navigator, organization
) -> None:
    plan = care_plans.start_plan(person=person, by=navigator)
    assert plan.organization == organization and plan.status == "active"
    event = AuditEvent.objects.get(object_type=care_plans.PLAN_TYPE, action="create")
    assert event.person_id == str(person.pk) and event.actor == navigator


@pytest.mark.django_db
def test_a_person_has_one_active_plan_at_a_time(person, navigator, plan) -> None:
    with pytest.raises(care_plans.CarePlanError) as refused:
        care_plans.start_plan(person=person, by=navigator)
    assert refused.value.code == "plan-exists"
    care_plans.close_plan(plan=plan, status="completed", by=navigator)
    again = care_plans.start_plan(person=person, by=navigator)
    assert again.pk != plan.pk
    assert care_plans.current_plan(person) == again


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "coalition_admin", "analyst", "superuser"])
def test_only_the_care_team_changes_a_plan(request, person, who) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        care_plans.start_plan(person=person, by=user)
    assert not CarePlan.objects.exists()


@pytest.mark.django_db
def test_partner_staff_of_the_care_team_may_add_goals(plan, partner_staff) -> None:
    goal = care_plans.add_goal(plan=plan, by=partner_staff, description="Stable housing by spring")
    assert goal.status == "active" and goal.achievement == "in-progress"


@pytest.mark.django_db
def test_a_goal_keeps_the_persons_words_needs_and_screenings(plan, navigator, screening) -> None:
    goal = care_plans.add_goal(
        plan=plan,
        by=navigator,
        description="  Stable housing by spring ",
        needs=["living-situation", "help with  rent", "living-situation", ""],
        screening_ids=[str(screening.pk)],
    )
    goal.refresh_from_db()
    assert goal.description == "Stable housing by spring"
    assert goal.needs == ["living-situation", "help with rent"]
    assert list(goal.screenings.all()) == [screening]
    event = AuditEvent.objects.filter(object_type=care_plans.PLAN_TYPE).latest("at")
    # Ids only: the goal's words are the person's and never reach the audit log.
    assert event.detail == {"goal": str(goal.pk)}
    assert "housing" not in str(event.detail)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values, message",
    [
        ({"description": "   "}, "Write the goal"),
        ({"description": "x" * 501}, "at most 500"),
        ({"description": "ok\x00"}, "control characters"),
        ({"needs": [f"need {i}" for i in range(11)]}, "at most 10 needs"),
        ({"needs": ["x" * 61]}, "at most 60"),
        ({"status": "done"}, "from the list"),
        (
            {"target_date": dt.date.today() + dt.timedelta(days=4 * 365)},
            "more than three years",
        ),
    ],
)
def test_bad_goal_input_is_refused_and_nothing_written(plan, navigator, values, message) -> None:
    values = {"description": "Feel less alone", **values}
    with pytest.raises(care_plans.CarePlanError) as refused:
        care_plans.add_goal(plan=plan, by=navigator, **values)
    assert message in refused.value.message
    assert not CarePlanGoal.objects.exists()


@pytest.mark.django_db
def test_a_goal_cannot_cite_another_persons_screening(plan, navigator, other_person) -> None:
    theirs = make_screening(other_person)
    with pytest.raises(care_plans.CarePlanError):
        care_plans.add_goal(
            plan=plan, by=navigator, description="Eat well", screening_ids=[theirs.pk]
        )
    assert not CarePlanGoal.objects.exists()


@pytest.mark.django_db
def test_updating_a_goal_names_the_fields_that_changed(goal, navigator) -> None:
    changed = care_plans.update_goal(
        goal=goal,
        by=navigator,
        values={"description": "Feel less alone", "achievement": "improving", "needs": []},
    )
    assert changed == ["needs", "achievement"]
    goal.refresh_from_db()
    assert goal.achievement == "improving" and goal.needs == []
    assert care_plans.update_goal(goal=goal, by=navigator, values={"status": "active"}) == []


@pytest.mark.django_db
def test_the_latest_screenings_positive_domains_are_suggested(person, screening) -> None:
    suggested = care_plans.suggested_needs(person)
    assert suggested.screening == screening
    assert suggested.codes == ("food", "loneliness")


@pytest.mark.django_db
def test_no_screening_suggests_nothing(person) -> None:
    assert care_plans.suggested_needs(person) == care_plans.SuggestedNeeds(None, ())


@pytest.mark.django_db
def test_a_goal_links_the_persons_own_referrals_only(
    goal, navigator, referral, other_person, organization, service, consent
) -> None:
    care_plans.link_referral(goal=goal, referral=referral, by=navigator)
    assert list(goal.referrals.all()) == [referral]
    CareTeamMember.objects.create(person=other_person, organization=organization)
    consents.record_consent(
        person=other_person,
        organizations=[service.organization],
        categories=["contact", "needs", "notes"],
        purpose="Referral",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=30),
        by=navigator,
    )
    other = refer(other_person, service, navigator).referral
    with pytest.raises(care_plans.CarePlanError):
        care_plans.link_referral(goal=goal, referral=other, by=navigator)
    care_plans.link_referral(goal=goal, referral=referral, by=navigator, linked=False)
    assert not goal.referrals.exists()


@pytest.mark.django_db
def test_a_referral_the_user_cannot_see_is_not_linked(
    goal, referral, person, third_organization, third_staff
) -> None:
    # The third organisation joins the care team, but the referral is between two others.
    CareTeamMember.objects.create(person=person, organization=third_organization)
    with pytest.raises(care_plans.CarePlanError):
        care_plans.link_referral(goal=goal, referral=referral, by=third_staff)
    assert not goal.referrals.exists()


@pytest.mark.django_db
def test_a_goal_links_active_services(goal, navigator, resource) -> None:
    care_plans.link_service(goal=goal, service=resource, by=navigator)
    assert list(goal.services.all()) == [resource]
    resource.status = "inactive"
    resource.save()
    care_plans.link_service(goal=goal, service=resource, by=navigator, linked=False)
    with pytest.raises(care_plans.CarePlanError):
        care_plans.link_service(goal=goal, service=resource, by=navigator)
    assert not goal.services.exists()


@pytest.mark.django_db
def test_a_review_writes_the_note_and_goal_statuses_together(goal, plan, navigator) -> None:
    next_review = timezone.localdate() + dt.timedelta(days=60)
    note = care_plans.add_review(
        plan=plan,
        by=navigator,
        text="Joined the walking group; feels better.",
        goal_updates={goal.pk: {"status": "active", "achievement": "improving"}},
        next_review_on=next_review,
    )
    goal.refresh_from_db()
    plan.refresh_from_db()
    assert goal.achievement == "improving"
    assert note.goal_changes == [
        {"goal": str(goal.pk), "achievement": ["in-progress", "improving"]}
    ]
    assert plan.next_review_on == next_review
    event = AuditEvent.objects.filter(object_type=care_plans.PLAN_TYPE).latest("at")
    assert "walking" not in str(event.detail)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "updates",
    [
        {"achievement": "finished"},  # not a choice
        None,  # a goal of another plan, below
    ],
)
def test_a_bad_review_writes_nothing(goal, plan, navigator, person, updates) -> None:
    if updates is None:
        stray = CarePlanGoal(pk=goal.pk.__class__(int=1))
        goal_updates = {stray.pk: {"status": "achieved"}}
    else:
        goal_updates = {goal.pk: {"status": "achieved", **updates}}
    with pytest.raises(care_plans.CarePlanError):
        care_plans.add_review(plan=plan, by=navigator, text="Review", goal_updates=goal_updates)
    goal.refresh_from_db()
    assert goal.status == "active"
    assert not CarePlanNote.objects.exists()


@pytest.mark.django_db
def test_a_closed_plan_takes_no_new_goals(plan, navigator) -> None:
    care_plans.close_plan(plan=plan, status="revoked", by=navigator)
    with pytest.raises(care_plans.CarePlanError):
        care_plans.add_goal(plan=plan, by=navigator, description="Later")
    with pytest.raises(care_plans.CarePlanError):
        care_plans.close_plan(plan=plan, status="completed", by=navigator)


@pytest.mark.django_db
def test_review_notes_are_append_only(plan, navigator) -> None:
    note = care_plans.add_review(plan=plan, by=navigator, text="First review")
    note.text = "Rewritten"
    with pytest.raises(PermissionError):
        note.save()
