from __future__ import annotations

import datetime as dt

import pytest

from commonweal.partnerships.models import PlanTask, Strategy
from commonweal.partnerships.tests.test_api import _bearer, _send

API = "/api/v1/partnership"


@pytest.fixture
def task(partner):
    strategy = Strategy.objects.create(title="Weekend food")
    return PlanTask.objects.create(
        strategy=strategy,
        title="Open a Saturday pantry",
        owner=partner,
        responsible="Lena Ortiz",
        due_date=dt.date(2020, 1, 1),
    )


@pytest.mark.django_db
def test_a_coalition_admin_builds_the_plan(client, partner, coalition_admin) -> None:
    strategy = _send(client, "POST", f"{API}/strategies", coalition_admin, {"title": "Rides"})
    assert strategy.status_code == 201
    url = f"{API}/strategies/{strategy.json()['id']}/tasks"
    body = {
        "title": "Recruit drivers",
        "owner_id": str(partner.pk),
        "responsible": "Ben Ade",
        "start_date": "2027-03-01",
        "due_date": "2027-02-01",
    }
    refused = _send(client, "POST", url, coalition_admin, body)
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["due_date"]
    created = _send(client, "POST", url, coalition_admin, {**body, "start_date": None})
    assert created.status_code == 201, created.content
    assert created.json()["owner_name"] == partner.name and created.json()["overdue"] is False
    listed = client.get(f"{API}/strategies", **_bearer(coalition_admin)).json()
    assert [t["title"] for t in listed[0]["tasks"]] == ["Recruit drivers"]


@pytest.mark.django_db
def test_overdue_tasks_are_listed_apart(client, task, navigator) -> None:
    found = client.get(f"{API}/tasks?overdue=true", **_bearer(navigator)).json()
    assert [t["id"] for t in found] == [str(task.pk)] and found[0]["overdue"] is True
    task.status = "done"
    task.save()
    assert client.get(f"{API}/tasks?overdue=true", **_bearer(navigator)).json() == []


@pytest.mark.django_db
def test_the_owning_partners_staff_patch_progress_only(client, task, partner_staff) -> None:
    url = f"{API}/tasks/{task.pk}"
    done = _send(client, "PATCH", url, partner_staff, {"status": "done", "notes": "Opened"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["overdue"] is False
    renamed = _send(client, "PATCH", url, partner_staff, {"title": "Something else"})
    assert renamed.status_code == 403 and "title" in renamed.json()["detail"]
    task.refresh_from_db()
    assert task.title == "Open a Saturday pantry"


@pytest.mark.django_db
def test_others_may_not_patch_the_task(client, task, navigator, other_org_staff) -> None:
    url = f"{API}/tasks/{task.pk}"
    assert _send(client, "PATCH", url, navigator, {"status": "done"}).status_code == 403
    assert _send(client, "PATCH", url, other_org_staff, {"status": "done"}).status_code == 403
    assert _send(client, "POST", f"{API}/strategies", navigator, {"title": "X"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "not_started"


@pytest.mark.django_db
def test_a_bad_patch_names_the_field(client, task, coalition_admin) -> None:
    url = f"{API}/tasks/{task.pk}"
    for body, field in (
        ({"status": "finished"}, "status"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"owner_id": "not-a-partner"}, "owner_id"),
        ({"start_date": "2020-02-01"}, "due_date"),
    ):
        response = _send(client, "PATCH", url, coalition_admin, body)
        assert response.status_code == 400 and field in response.json()["errors"], body
