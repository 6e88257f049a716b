"""commonweal.policy's programme rules, for every role: who manages, who sees registrants."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from commonweal import policy

ROLES = [
    "anonymous",
    "resident",
    "navigator",
    "partner_staff",
    "other_org_staff",
    "coalition_admin",
    "analyst",
    "superuser",
]


def _user(request: pytest.FixtureRequest, role: str):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def _table(allowed: set[str]) -> list:
    return [pytest.param(role, role in allowed, id=role) for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), _table({"partner_staff", "coalition_admin", "superuser"})
)
def test_managing_an_organisations_programmes(request, organization, role, allowed) -> None:
    user = _user(request, role)
    assert policy.can_manage_programme(user, organization) is allowed
    assert (organization in policy.programme_organizations(user)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    _table({"partner_staff", "other_org_staff", "coalition_admin", "superuser"}),
)
def test_the_programme_manager_is_opened(request, role, allowed) -> None:
    assert policy.can_manage_some_programme(_user(request, role)) is allowed


@pytest.mark.django_db
def test_staff_of_another_organisation_manage_only_their_own(
    organization, other_organization, other_org_staff
) -> None:
    assert policy.can_manage_programme(other_org_staff, other_organization)
    assert not policy.can_manage_programme(other_org_staff, organization)
    assert list(policy.programme_organizations(other_org_staff)) == [other_organization]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"partner_staff", "superuser"}))
def test_registrants_are_seen_by_the_organising_staff_alone(
    request, organization, role, allowed
) -> None:
    # Coalition admins manage every programme but see no registrant: person data.
    assert policy.can_see_registrants(_user(request, role), organization) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"partner_staff", "superuser"}))
def test_keeping_an_organisations_training_records(request, organization, role, allowed) -> None:
    user = _user(request, role)
    assert (organization in policy.training_organizations(user)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"coalition_admin", "superuser"}))
def test_seeing_where_trained_people_are_lacking(request, role, allowed) -> None:
    assert policy.can_see_training_coverage(_user(request, role)) is allowed
