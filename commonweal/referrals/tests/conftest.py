"""Fixtures for the referrals tests (people and referrals, shared with other apps' tests)."""

from commonweal.referrals.tests.people_fixtures import other_person, person
from commonweal.referrals.tests.referral_fixtures import (
    consent,
    referral,
    service,
    site,
    third_organization,
    third_staff,
)

__all__ = [
    "consent",
    "other_person",
    "person",
    "referral",
    "service",
    "site",
    "third_organization",
    "third_staff",
]
