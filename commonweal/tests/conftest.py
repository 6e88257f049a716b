"""The people, referrals and directory fixtures the policy tests share with the apps' tests."""

from commonweal.referrals.tests.people_fixtures import other_person, person
from commonweal.referrals.tests.referral_fixtures import (
    consent,
    referral,
    service,
    third_organization,
    third_staff,
)

__all__ = [
    "consent",
    "other_person",
    "person",
    "referral",
    "service",
    "third_organization",
    "third_staff",
]
