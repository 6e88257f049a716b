from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commonweal import policy
from commonweal.partnerships import plan
from commonweal.partnerships.models import Partner, PlanTask, Strategy

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def strategy(db):
    return Strategy.objects.create(title="Weekend food")


@pytest.fixture
def task(strategy, partner):
    return PlanTask.objects.create(
        strategy=strategy,
        title="Open a Saturday pantry",
        owner=partner,
        responsible="Lena Ortiz",
        due_date=dt.date(2026, 12, 1),
    )


@pytest.fixture
def other_partner(other_organization):
    return Partner.objects.create(organization=other_organization, sector="health_care")


@pytest.mark.django_db
def test_an_open_task_past_its_due_date_is_overdue(task) -> None:
    assert task.is_overdue(TODAY)
    assert list(PlanTask.objects.overdue(TODAY)) == [task]
    assert not task.is_overdue(dt.date(2026, 12, 1))  # due today: not yet
    task.status = "done"
    task.save()
    assert not task.is_overdue(TODAY) and not PlanTask.objects.overdue(TODAY).exists()


@pytest.mark.django_db
def test_a_due_date_before_the_start_is_refused_and_nothing_saved(
    strategy, partner, coalition_admin
) -> None:
    with pytest.raises(ValidationError) as failure:
        plan.save_task(
            strategy=strategy,
            by=coalition_admin,
            title="Survey",
            owner=partner,
            responsible="Ben",
            start_date=dt.date(2027, 2, 1),
            due_date=dt.date(2027, 1, 1),
        )
    assert list(failure.value.message_dict) == ["due_date"]
    assert not PlanTask.objects.exists()


@pytest.mark.django_db
def test_partner_staff_report_progress_but_cannot_hand_a_task_on(
    task, partner_staff, other_partner
) -> None:
    plan.update_progress(task, by=partner_staff, status="in_progress", notes="Volunteers found")
    task.refresh_from_db()
    assert task.status == "in_progress"
    with pytest.raises(ValidationError) as failure:
        plan.update_progress(task, by=partner_staff, owner=other_partner, status="done")
    assert failure.value.message_dict == {"owner": [plan.NOT_YOURS]}
    task.refresh_from_db()
    assert task.owner_id != other_partner.pk and task.status == "in_progress"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("partner_staff", True),  # staff of the owning partner
        ("coalition_admin", True),
        ("superuser", True),
        ("navigator", False),  # navigators of the partner read the plan only
        ("analyst", False),
        ("other_org_staff", False),
        ("resident", False),
    ],
)
def test_who_edits_a_task(request, task, other_partner, who, allowed) -> None:
    assert policy.can_edit_task(request.getfixturevalue(who), task) is allowed


@pytest.mark.django_db
def test_staff_of_another_partner_cannot_edit_this_partners_task(
    task, other_partner, other_org_staff
) -> None:
    assert policy.can_see_workspace(other_org_staff)
    assert not policy.can_edit_task(other_org_staff, task)


@pytest.mark.django_db
def test_the_roles_of_a_partner_count_its_open_and_overdue_tasks(task, strategy, partner) -> None:
    PlanTask.objects.create(
        strategy=strategy,
        title="Report",
        owner=partner,
        responsible="Ana",
        due_date=dt.date(2027, 1, 31),
    )
    found = plan.roles(partner, today=TODAY)
    assert (found.open, found.overdue) == (2, 1)
    assert [s.title for s, _ in found.by_strategy] == ["Weekend food"]


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_shows_overdue_tasks_first(client, task, navigator) -> None:
    client.force_login(navigator)
    html = client.get(reverse("partnerships:plan")).content.decode()
    assert "Overdue tasks" in html and "(overdue)" in html and "Open a Saturday pantry" in html
    assert reverse("partnerships:task_edit", args=[task.pk]) not in html  # navigators read only


@pytest.mark.django_db
def test_partner_staff_update_their_own_task_on_a_progress_form(client, task, partner_staff):
    client.force_login(partner_staff)
    url = reverse("partnerships:task_edit", args=[task.pk])
    form = client.get(url).context["form"]
    assert "owner" not in form.fields and "status" in form.fields
    response = client.post(
        url, {"responsible": "Lena Ortiz", "due_date": "2027-01-15", "status": "in_progress"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress" and task.due_date == dt.date(2027, 1, 15)


@pytest.mark.django_db
def test_others_may_not_update_the_task(client, task, other_partner, other_org_staff, navigator):
    url = reverse("partnerships:task_edit", args=[task.pk])
    for user in (other_org_staff, navigator):
        client.force_login(user)
        assert client.post(url, {"status": "done"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "not_started"


@pytest.mark.django_db
def test_a_coalition_admin_adds_a_task(client, strategy, partner, coalition_admin) -> None:
    client.force_login(coalition_admin)
    url = reverse("partnerships:task_create", args=[strategy.pk])
    response = client.post(
        url,
        {
            "title": "Recruit drivers",
            "owner": str(partner.pk),
            "responsible": "Ben Ade",
            "start_date": "2027-03-01",
            "due_date": "2027-02-01",
            "status": "not_started",
        },
    )
    assert "due_date" in response.context["form"].errors
    response = client.post(
        url,
        {
            "title": "Recruit drivers",
            "owner": str(partner.pk),
            "responsible": "Ben Ade",
            "due_date": "2027-02-01",
            "status": "not_started",
        },
    )
    assert response.status_code == 302 and PlanTask.objects.get().title == "Recruit drivers"


@pytest.mark.django_db
def test_the_roles_page_lists_the_partners_tasks(client, task, partner, analyst) -> None:
    client.force_login(analyst)
    html = client.get(reverse("partnerships:partner_roles", args=[partner.pk])).content.decode()
    assert "Open a Saturday pantry" in html and "1 overdue" in html
