from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commonweal.directory.models import Service
from commonweal.insights.periods import Quarter
from commonweal.partnerships import goals
from commonweal.partnerships.goals import Curve
from commonweal.partnerships.models import Goal, Indicator, IndicatorValue
from commonweal.referrals.models import Referral
from commonweal.referrals.tests.people_fixtures import make_person

Q1 = Quarter(2026, 1)


@pytest.fixture
def goal(db):
    return Goal.objects.create(title="Connected", population_result="People get help.")


def _indicator(goal, **values) -> Indicator:
    fields = {"kind": "performance", "rba_question": "how_much", "name": "Sent", "unit": "count"}
    return Indicator.objects.create(goal=goal, **{**fields, **values})


def _referrals(organization, other_organization, n: int) -> None:
    person = make_person(organization)
    service = Service.objects.create(organization=other_organization, name="Help")
    sent = dt.datetime(2026, 2, 2, 15, tzinfo=dt.UTC)
    for _ in range(n):
        Referral.objects.create(
            person=person,
            from_organization=organization,
            to_organization=other_organization,
            service=service,
            needs=["food"],
            status="completed",
            outcome="served",
            sent_at=sent,
            created_at=sent,
        )


@pytest.mark.django_db
def test_a_computed_count_of_few_people_is_stored_without_its_value(
    goal, organization, other_organization, coalition_admin
) -> None:
    _referrals(organization, other_organization, 3)
    sent = _indicator(goal, measure="referrals-sent")
    share = _indicator(goal, measure="loop-closure-rate", unit="percent", name="Closed")
    value = goals.compute_value(sent, by=coalition_admin, quarter=Q1)
    assert (value.value, value.suppressed) == (None, "primary")
    assert (value.period_start, value.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    value = goals.compute_value(share, by=coalition_admin, quarter=Q1)
    assert (value.value, value.suppressed) == (None, "derived")


@pytest.mark.django_db
def test_recomputing_a_quarter_replaces_its_value(
    goal, organization, other_organization, coalition_admin
) -> None:
    sent = _indicator(goal, measure="referrals-sent")
    goals.compute_value(sent, by=coalition_admin, quarter=Q1)
    _referrals(organization, other_organization, 12)
    goals.compute_value(sent, by=coalition_admin, quarter=Q1)
    (only,) = IndicatorValue.objects.all()
    assert only.value == Decimal("12") and only.suppressed == ""


@pytest.mark.django_db
def test_an_indicator_entered_by_hand_is_not_computed(goal, coalition_admin) -> None:
    with pytest.raises(ValidationError) as failure:
        goals.compute_value(_indicator(goal), by=coalition_admin, quarter=Q1)
    assert failure.value.message_dict == {"measure": [goals.NOT_COMPUTED]}


@pytest.mark.django_db
def test_a_refused_indicator_change_leaves_it_as_it_was(goal, coalition_admin) -> None:
    indicator = _indicator(goal, baseline_value=Decimal("10"))
    with pytest.raises(ValidationError) as failure:
        goals.save_indicator(
            indicator, by=coalition_admin, name="Renamed", target_value=Decimal("-1")
        )
    assert list(failure.value.message_dict) == ["target_value"]
    indicator.refresh_from_db()
    assert indicator.name == "Sent" and indicator.target_value is None


def test_the_curve_reads_the_better_direction() -> None:
    d = Decimal
    assert goals.curve("up", d(40), d(55), d(70)) is Curve.BETTER
    assert goals.curve("up", d(40), d(70), d(70)) is Curve.TARGET_MET
    assert goals.curve("down", d(18), d(20), d(12)) is Curve.WORSE
    assert goals.curve("down", d(18), d(11), d(12)) is Curve.TARGET_MET
    assert goals.curve("up", d(40), d(40), None) is Curve.SAME
    assert goals.curve("up", d(40), None, d(70)) is Curve.NO_DATA
