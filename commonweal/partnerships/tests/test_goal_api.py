from __future__ import annotations

import pytest

from commonweal.partnerships.models import CommunityNeed, Goal, Indicator, IndicatorValue
from commonweal.partnerships.tests.test_api import _bearer, _send

API = "/api/v1/partnership"


@pytest.fixture
def goal(db):
    return Goal.objects.create(title="Food security", population_result="Enough to eat.")


@pytest.mark.django_db
def test_it_lists_the_ready_made_measures(client, partner, partner_staff) -> None:
    response = client.get(f"{API}/measures", **_bearer(partner_staff))
    assert response.status_code == 200
    codes = {m["code"]: m for m in response.json()}
    assert len(codes) >= 8
    assert codes["loop-closure-rate"]["unit"] == "percent"
    assert codes["who5-better"]["question"] == "better_off"


@pytest.mark.django_db
def test_a_coalition_admin_builds_a_goal_with_an_indicator_and_values(
    client, coalition_admin
) -> None:
    need = _send(client, "POST", f"{API}/needs", coalition_admin, {"title": "Food"}).json()
    goal = _send(
        client,
        "POST",
        f"{API}/goals",
        coalition_admin,
        {"title": "Fed", "population_result": "Enough to eat.", "need_ids": [need["id"]]},
    )
    assert goal.status_code == 201 and goal.json()["need_ids"] == [need["id"]]
    indicator = _send(
        client,
        "POST",
        f"{API}/goals/{goal.json()['id']}/indicators",
        coalition_admin,
        {
            "kind": "performance",
            "rba_question": "how_much",
            "name": "Referrals sent",
            "unit": "count",
            "measure": "referrals-sent",
            "baseline_value": 20,
            "baseline_date": "2025-01-01",
        },
    )
    assert indicator.status_code == 201, indicator.content
    url = f"{API}/indicators/{indicator.json()['id']}"
    manual = _send(
        client,
        "POST",
        f"{url}/values",
        coalition_admin,
        {"period_start": "2025-01-01", "period_end": "2025-03-31", "value": 24},
    )
    assert manual.status_code == 200 and manual.json()["values"][0]["value"] == 24.0
    computed = _send(client, "POST", f"{url}/compute", coalition_admin, {"quarter": "2026-Q1"})
    assert computed.status_code == 200, computed.content
    assert computed.json()["values"][-1] == {
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "value": 0.0,
        "suppressed": "",
        "source": "computed",
        "note": "",
    }


@pytest.mark.django_db
def test_bad_input_names_the_field(client, coalition_admin, goal) -> None:
    url = f"{API}/goals/{goal.pk}/indicators"
    base = {"kind": "population", "name": "Short of food", "unit": "percent"}
    for change, field in (
        ({"target_value": 130}, "target_value"),
        ({"baseline_date": "2026-01-01", "target_date": "2025-01-01"}, "target_date"),
        ({"measure": "referrals-sent"}, "unit"),
        ({"partner_id": "00000000-0000-0000-0000-000000000000"}, "partner_id"),
        ({"shape": "round"}, "shape"),
    ):
        response = _send(client, "POST", url, coalition_admin, {**base, **change})
        assert response.status_code == 400, change
        assert field in response.json()["errors"], (change, response.json())
    assert not Indicator.objects.exists()
    indicator = Indicator.objects.create(goal=goal, **base)
    values = f"{API}/indicators/{indicator.pk}/values"
    backwards = {"period_start": "2026-03-31", "period_end": "2026-01-01", "value": 5}
    response = _send(client, "POST", values, coalition_admin, backwards)
    assert response.status_code == 400 and "period_end" in response.json()["errors"]
    compute = f"{API}/indicators/{indicator.pk}/compute"
    response = _send(client, "POST", compute, coalition_admin, {"quarter": "2099-Q1"})
    assert response.status_code == 400 and "quarter" in response.json()["errors"]
    response = _send(client, "POST", compute, coalition_admin, {"quarter": "2026-Q1"})
    assert response.status_code == 400 and "measure" in response.json()["errors"]
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_members_read_and_only_coalition_admins_write(
    client, partner, partner_staff, other_org_staff, goal
) -> None:
    assert client.get(f"{API}/goals/{goal.pk}", **_bearer(partner_staff)).status_code == 200
    assert client.get(f"{API}/goals", **_bearer(other_org_staff)).status_code == 403
    assert client.get(f"{API}/needs").status_code == 401
    response = _send(client, "POST", f"{API}/needs", partner_staff, {"title": "Housing"})
    assert response.status_code == 403
    assert not CommunityNeed.objects.exists()
