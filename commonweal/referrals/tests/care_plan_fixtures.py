"""Care plan fixtures: a screening with positive domains, a plan, a goal, a community resource."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.directory.models import Service
from commonweal.referrals import care_plans
from commonweal.screening.models import Screening


def make_screening(person, *, domains=("food", "loneliness"), days_ago: int = 0) -> Screening:
    return Screening.objects.create(
        person=person,
        instrument="ahc-hrsn",
        result={"instrument": "ahc-hrsn", "scores": [], "positive_domains": list(domains)},
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.fixture
def screening(person):
    # An older screening first, so "latest" is tested rather than "only".
    make_screening(person, domains=("utilities",), days_ago=30)
    return make_screening(person)


@pytest.fixture
def plan(person, navigator):
    return care_plans.start_plan(
        person=person, by=navigator, next_review_on=timezone.localdate() + dt.timedelta(days=30)
    )


@pytest.fixture
def goal(plan, navigator, screening):
    return care_plans.add_goal(
        plan=plan,
        by=navigator,
        description="Feel less alone",
        needs=["loneliness"],
        screening_ids=[screening.pk],
        target_date=timezone.localdate() + dt.timedelta(days=90),
    )


@pytest.fixture
def resource(third_organization):
    """A community resource (a directory service) of an organisation outside the care team."""
    return Service.objects.create(organization=third_organization, name="Tuesday walking group")
