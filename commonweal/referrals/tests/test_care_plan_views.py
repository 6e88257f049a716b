"""The care plan pages: the care team works on the plan; everyone else gets 404; reads audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.referrals import care_plans
from commonweal.referrals.care_plan_models import CarePlan, CarePlanGoal, CarePlanNote
from commonweal.referrals.models import CareTeamMember
from commonweal.referrals.tests.care_plan_fixtures import goal, plan, resource, screening

__all__ = ["goal", "plan", "resource", "screening"]


def _url(name: str, person, *args) -> str:
    return reverse(f"referrals:{name}", args=[person.pk, *args])


@pytest.mark.django_db
def test_the_person_page_has_a_care_plan_section(client, navigator, person) -> None:
    client.force_login(navigator)
    html = client.get(person.get_absolute_url()).content.decode()
    assert 'id="care-plan-title"' in html
    assert "Start a care plan" in html and _url("care_plan", person) in html


@pytest.mark.django_db
def test_the_person_page_lists_the_goals(client, navigator, person, goal) -> None:
    client.force_login(navigator)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Feel less alone" in html and "Start a care plan" not in html


@pytest.mark.django_db
def test_a_navigator_starts_a_plan_from_the_page(client, navigator, person) -> None:
    client.force_login(navigator)
    assert "Start a care plan" in client.get(_url("care_plan", person)).content.decode()
    review = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(_url("care_plan_start", person), {"next_review_on": review.isoformat()})
    assert response.status_code == 302
    plan = CarePlan.objects.get(person=person)
    assert plan.next_review_on == review
    # A second click does not make a second plan, and says why.
    response = client.post(_url("care_plan_start", person), {}, follow=True)
    assert CarePlan.objects.filter(person=person).count() == 1
    assert "already has an active care plan" in response.content.decode()


@pytest.mark.django_db
def test_a_bad_review_date_on_start_is_a_message_not_a_500(client, navigator, person) -> None:
    client.force_login(navigator)
    response = client.post(_url("care_plan_start", person), {"next_review_on": "soon"}, follow=True)
    assert response.status_code == 200
    assert "Enter the review date" in response.content.decode()
    assert not CarePlan.objects.exists()


@pytest.mark.django_db
def test_the_plan_page_shows_goals_links_and_notes_in_time_order(
    client, navigator, person, plan, goal, referral, resource
) -> None:
    care_plans.link_referral(goal=goal, referral=referral, by=navigator)
    care_plans.link_service(goal=goal, service=resource, by=navigator)
    care_plans.add_review(plan=plan, by=navigator, text="First review: joined a group.")
    care_plans.add_review(plan=plan, by=navigator, text="Second review: feels better.")
    client.force_login(navigator)
    response = client.get(_url("care_plan", person))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Feel less alone" in html and "Feeling connected" in html  # the need, in words
    assert referral.service.name in html and resource.name in html
    assert html.index("First review") < html.index("Second review")
    event = AuditEvent.objects.filter(person_id=str(person.pk), action="view").latest("at")
    assert event.detail["read"] == "care_plan" and event.actor == navigator


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "third_staff", "coalition_admin", "analyst"])
def test_outside_the_care_team_every_page_is_404(client, request, person, plan, goal, who) -> None:
    client.force_login(request.getfixturevalue(who))
    for url in (
        _url("care_plan", person),
        _url("care_plan_goal_create", person),
        _url("care_plan_goal_edit", person, goal.pk),
        _url("care_plan_goal_links", person, goal.pk),
        _url("care_plan_review", person),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(_url("care_plan_goal_create", person), {"description": "x"}).status_code == 404
    )
    assert client.post(_url("care_plan_close", person), {"status": "revoked"}).status_code == 404
    assert CarePlanGoal.objects.count() == 1
    assert CarePlan.objects.get().status == "active"


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, person, plan) -> None:
    response = client.get(_url("care_plan", person))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_a_superuser_reads_the_plan_but_changes_nothing(client, superuser, person, plan) -> None:
    client.force_login(superuser)
    html = client.get(_url("care_plan", person)).content.decode()
    assert "Add a goal" not in html
    assert client.get(_url("care_plan_goal_create", person)).status_code == 404
    event = AuditEvent.objects.filter(person_id=str(person.pk), action="view").latest("at")
    assert event.detail.get("as_superuser") is True


@pytest.mark.django_db
def test_the_goal_form_ticks_the_latest_screenings_needs(
    client, navigator, person, plan, screening
) -> None:
    client.force_login(navigator)
    html = client.get(_url("care_plan_goal_create", person)).content.decode()
    ticked = set(
        re.findall(r'<input type="checkbox" name="needs" value="([^"]+)"[^>]*checked', html)
    )
    assert ticked == {"food", "loneliness"}  # not "utilities": that was the older screening


@pytest.mark.django_db
def test_adding_a_goal(client, navigator, person, plan, screening) -> None:
    client.force_login(navigator)
    target = timezone.localdate() + dt.timedelta(days=120)
    response = client.post(
        _url("care_plan_goal_create", person),
        {
            "description": "Stable housing by spring",
            "needs": ["living-situation"],
            "other_needs": "help with rent, a quiet place",
            "screenings": [str(screening.pk)],
            "target_date": target.isoformat(),
            "status": "active",
        },
    )
    assert response.status_code == 302
    goal = CarePlanGoal.objects.get()
    assert goal.needs == ["living-situation", "help with rent", "a quiet place"]
    assert goal.target_date == target
    assert list(goal.screenings.all()) == [screening]


@pytest.mark.django_db
def test_a_bad_goal_is_shown_with_its_error_and_not_saved(client, navigator, person, plan) -> None:
    client.force_login(navigator)
    response = client.post(
        _url("care_plan_goal_create", person),
        {"description": "ok\x07", "status": "active", "target_date": "not a date"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Enter a valid date" in html
    assert not CarePlanGoal.objects.exists()


@pytest.mark.django_db
def test_editing_a_goal_records_progress(client, navigator, person, goal) -> None:
    client.force_login(navigator)
    html = client.get(_url("care_plan_goal_edit", person, goal.pk)).content.decode()
    assert "Feel less alone" in html
    response = client.post(
        _url("care_plan_goal_edit", person, goal.pk),
        {
            "description": "Feel less alone",
            "needs": ["loneliness"],
            "status": "achieved",
            "achievement": "achieved",
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.achievement) == ("achieved", "achieved")


@pytest.mark.django_db
def test_linking_a_referral_and_a_service(
    client, navigator, person, goal, referral, resource
) -> None:
    client.force_login(navigator)
    url = _url("care_plan_goal_links", person, goal.pk)
    assert (
        client.post(url, {"action": "link-referral", "referral": str(referral.pk)}).status_code
        == 302
    )
    html = client.get(url, {"q": "walking"}).content.decode()
    assert resource.name in html
    assert client.post(url, {"action": "link-service", "id": str(resource.pk)}).status_code == 302
    assert list(goal.referrals.all()) == [referral]
    assert list(goal.services.all()) == [resource]
    assert client.post(url, {"action": "unlink-service", "id": str(resource.pk)}).status_code == 302
    assert not goal.services.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"action": "link-service", "id": "not-a-uuid"},
        {"action": "link-service", "id": "00000000-0000-0000-0000-000000000001"},
        {"action": "unlink-referral", "id": ""},
    ],
)
def test_bad_link_input_is_a_404_never_a_500(client, navigator, person, goal, data) -> None:
    client.force_login(navigator)
    assert client.post(_url("care_plan_goal_links", person, goal.pk), data).status_code == 404


@pytest.mark.django_db
def test_an_unknown_link_action_is_a_clear_400(client, navigator, person, goal) -> None:
    client.force_login(navigator)
    response = client.post(_url("care_plan_goal_links", person, goal.pk), {"action": "frobnicate"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_colleague_of_another_care_team_organisation_does_not_see_the_referral(
    client, navigator, person, goal, referral, third_organization, third_staff
) -> None:
    care_plans.link_referral(goal=goal, referral=referral, by=navigator)
    CareTeamMember.objects.create(person=person, organization=third_organization)
    client.force_login(third_staff)
    html = client.get(_url("care_plan", person)).content.decode()
    assert "Feel less alone" in html
    assert referral.service.name not in html


@pytest.mark.django_db
def test_a_review_updates_goal_statuses_and_adds_a_note(
    client, navigator, person, plan, goal
) -> None:
    client.force_login(navigator)
    url = _url("care_plan_review", person)
    assert "Feel less alone" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "text": "Goes to the group every week.",
            f"status_{goal.pk}": "achieved",
            f"achievement_{goal.pk}": "achieved",
            "next_review_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"
    note = CarePlanNote.objects.get()
    assert note.goal_changes[0]["status"] == ["active", "achieved"]


@pytest.mark.django_db
def test_a_review_with_a_bad_status_writes_nothing(client, navigator, person, plan, goal) -> None:
    client.force_login(navigator)
    response = client.post(
        _url("care_plan_review", person),
        {"text": "Review", f"status_{goal.pk}": "done", f"achievement_{goal.pk}": "achieved"},
    )
    assert response.status_code == 400
    assert not CarePlanNote.objects.exists()


@pytest.mark.django_db
def test_closing_the_plan(client, navigator, person, plan) -> None:
    client.force_login(navigator)
    assert client.post(_url("care_plan_close", person), {"status": "completed"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "completed" and plan.closed_at is not None
    html = client.get(_url("care_plan", person)).content.decode()
    assert "Start a care plan" in html and "Add a goal" not in html
