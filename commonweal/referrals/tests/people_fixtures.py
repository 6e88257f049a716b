"""People for the referrals and screening tests: one in the navigator's care, one elsewhere.

Import the fixtures into a test module (`from commonweal.referrals.tests.people_fixtures
import person, other_person`); the shared staff fixtures come from the root conftest.
"""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.referrals.models import CareTeamMember, Person


def make_person(
    organization, *, given_name: str = "Maria", family_name: str = "Lopez", **values
) -> Person:
    values.setdefault("date_of_birth", dt.date(1980, 5, 17))
    values.setdefault("zip_code", "33130")
    person = Person.objects.create(given_name=given_name, family_name=family_name, **values)
    CareTeamMember.objects.create(person=person, organization=organization)
    return person


@pytest.fixture
def person(organization):
    """In the care of `organization` (the navigator's and partner staff's organisation)."""
    return make_person(organization)


@pytest.fixture
def other_person(other_organization):
    """In the care of `other_organization` only."""
    return make_person(other_organization, given_name="Oliver", family_name="Other")
