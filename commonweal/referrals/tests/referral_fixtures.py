"""Referral fixtures: the navigator's organisation refers to `other_organization`'s service.

Sender: `navigator` (of `organization`). Receiver: `other_org_staff` (of
`other_organization`). `third_staff` works for a third organisation and must see nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.accounts.models import ApiToken, Membership, User
from commonweal.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceIntake,
)
from commonweal.referrals import consent as consents
from commonweal.referrals import referring


def bearer(user) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def service(other_organization):
    """A service of the receiving organisation, accepting referrals, at one location."""
    service = Service.objects.create(organization=other_organization, name="Walk-in clinic")
    ServiceIntake.objects.create(
        service=service,
        accepting_referrals=ServiceIntake.YES,
        accepting_new_clients=ServiceIntake.YES,
        waitlist="about two weeks",
        typical_response_days=3,
    )
    return service


@pytest.fixture
def site(service, other_organization):
    location = Location.objects.create(organization=other_organization, name="Main street")
    return ServiceAtLocation.objects.create(service=service, location=location)


@pytest.fixture
def consent(person, other_organization, navigator):
    return consents.record_consent(
        person=person,
        organizations=[other_organization],
        categories=["contact", "needs", "notes"],
        purpose="Referral for primary care",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=90),
        by=navigator,
    )


def refer(person, service, navigator, **values):
    values.setdefault("needs", ["health"])
    values.setdefault("shared_note", "Prefers mornings.")
    values.setdefault("private_note", "Disclosed past eviction; do not share.")
    return referring.create_referral(person=person, service=service, by=navigator, **values)


@pytest.fixture
def referral(person, service, navigator, consent):
    return refer(person, service, navigator).referral


@pytest.fixture
def third_organization(db):
    return Organization.objects.create(name="Westside Shelter", description="Beds.")


@pytest.fixture
def third_staff(third_organization):
    user = User.objects.create_user(username="tina.third", password="correct horse battery")
    Membership.objects.create(user=user, organization=third_organization, role="navigator")
    return user
