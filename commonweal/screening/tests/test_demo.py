from __future__ import annotations

import pytest

from commonweal import policy
from commonweal.referrals.models import Person
from commonweal.screening import demo
from commonweal.screening.models import SafetyFollowUp, Screening


@pytest.mark.django_db
def test_it_creates_demo_people_with_screenings_once(navigator, other_org_staff) -> None:
    assert demo.create_demo_people(navigator=navigator) == len(demo.DEMO_PEOPLE)
    assert demo.create_demo_people(navigator=navigator) == 0
    assert Person.objects.count() == len(demo.DEMO_PEOPLE)
    assert set(policy.visible_people(navigator)) == set(Person.objects.all())
    assert not policy.visible_people(other_org_staff).exists()
    assert Screening.objects.count() == sum(len(s) for _, s in demo.DEMO_PEOPLE)
    assert SafetyFollowUp.objects.filter(status="open").count() == 1
    assert Screening.objects.filter(result__not_scorable=[]).count() == Screening.objects.count()


@pytest.mark.django_db
def test_it_is_refused_outside_demo_mode(settings, navigator) -> None:
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(demo.DemoRefused):
        demo.create_demo_people(navigator=navigator)
    assert not Person.objects.exists()
