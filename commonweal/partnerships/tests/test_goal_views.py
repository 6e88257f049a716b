from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from commonweal.partnerships.models import CommunityNeed, Goal, Indicator, IndicatorValue


@pytest.fixture
def goal(db):
    return Goal.objects.create(
        title="Food security", population_result="Every family in Northside has enough to eat."
    )


@pytest.fixture
def indicator(goal):
    return Indicator.objects.create(
        goal=goal,
        kind="performance",
        rba_question="how_well",
        name="Loop closure",
        unit="percent",
        measure="loop-closure-rate",
        baseline_value=Decimal("40"),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal("70"),
        target_date=dt.date(2027, 12, 31),
    )


INDICATOR = {
    "kind": "population",
    "name": "Households short of food",
    "unit": "percent",
    "direction": "down",
    "baseline_value": "18",
    "baseline_date": "2025-01-01",
    "target_value": "12",
    "target_date": "2028-01-01",
}


@pytest.mark.django_db
def test_a_coalition_admin_records_a_need_with_evidence(client, coalition_admin) -> None:
    client.force_login(coalition_admin)
    client.post(reverse("partnerships:need_create"), {"title": "Food", "status": "active"})
    need = CommunityNeed.objects.get()
    client.post(
        reverse("partnerships:evidence_create", args=[need.pk]),
        {"kind": "resident_input", "summary": "Listening sessions: groceries run out."},
    )
    html = client.get(reverse("partnerships:need_list")).content.decode()
    assert "Resident input" in html and "groceries run out" in html


@pytest.mark.django_db
def test_a_coalition_admin_adds_an_indicator_to_a_goal(client, coalition_admin, goal) -> None:
    client.force_login(coalition_admin)
    response = client.post(reverse("partnerships:indicator_create", args=[goal.pk]), INDICATOR)
    indicator = Indicator.objects.get()
    assert response["Location"] == indicator.get_absolute_url()
    html = client.get(goal.get_absolute_url()).content.decode()
    assert "Households short of food" in html and "18%" in html and "12%" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"target_date": "2024-12-31"}, "target_date", "after the baseline date"),
        ({"target_value": "120"}, "target_value", "at most 100"),
        ({"unit": "count", "target_value": "12.5"}, "target_value", "whole number"),
        ({"measure": "referrals-sent"}, "unit", "is counted in number"),
        ({"kind": "performance"}, "rba_question", "three questions"),
    ],
)
def test_a_bad_indicator_names_its_field_and_saves_nothing(
    client, coalition_admin, goal, change, field, words
) -> None:
    client.force_login(coalition_admin)
    url = reverse("partnerships:indicator_create", args=[goal.pk])
    response = client.post(url, {**INDICATOR, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert words in response.content.decode()
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_a_value_entered_by_hand_is_drawn_and_tabled(client, coalition_admin, indicator) -> None:
    client.force_login(coalition_admin)
    url = reverse("partnerships:value_create", args=[indicator.pk])
    client.post(url, {"period_start": "2026-01-01", "period_end": "2026-03-31", "value": "55.5"})
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "<svg" in html and 'class="baseline"' in html and 'class="target"' in html
    assert "55.5%" in html and "better than the baseline" in html


@pytest.mark.django_db
def test_a_value_with_its_end_before_its_start_is_refused(
    client, coalition_admin, indicator
) -> None:
    client.force_login(coalition_admin)
    url = reverse("partnerships:value_create", args=[indicator.pk])
    response = client.post(
        url, {"period_start": "2026-03-31", "period_end": "2026-01-01", "value": "50"}
    )
    assert "period_end" in response.context["form"].errors
    response = client.post(
        url, {"period_start": "2026-01-01", "period_end": "2026-03-31", "value": "150"}
    )
    assert "value" in response.context["form"].errors
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_computed_share_of_nobody_has_no_value_and_only_past_quarters_compute(
    client, coalition_admin, indicator
) -> None:
    client.force_login(coalition_admin)
    url = reverse("partnerships:value_compute", args=[indicator.pk])
    assert client.get(url).status_code == 405
    # No referral at all: a share of nobody has no value, and nothing is hidden.
    client.post(url, {"quarter": "2026-Q1"})
    stored = IndicatorValue.objects.get()
    assert stored.source == "computed" and stored.value is None and stored.suppressed == ""
    # A quarter not yet over is not offered.
    client.post(url, {"quarter": "2099-Q1"})
    assert IndicatorValue.objects.count() == 1


@pytest.mark.django_db
def test_partner_staff_read_goals_but_change_nothing(
    client, partner, partner_staff, goal, indicator
) -> None:
    client.force_login(partner_staff)
    assert client.get(reverse("partnerships:goal_list")).status_code == 200
    assert client.get(indicator.get_absolute_url()).status_code == 200
    for name, args in (
        ("partnerships:indicator_create", [goal.pk]),
        ("partnerships:value_create", [indicator.pk]),
        ("partnerships:value_compute", [indicator.pk]),
        ("partnerships:goal_edit", [goal.pk]),
    ):
        assert client.post(reverse(name, args=args), {}).status_code == 403, name


@pytest.mark.django_db
def test_residents_see_no_goal(client, resident, goal) -> None:
    client.force_login(resident)
    assert client.get(reverse("partnerships:goal_list")).status_code == 403
    assert client.get(goal.get_absolute_url()).status_code == 403
