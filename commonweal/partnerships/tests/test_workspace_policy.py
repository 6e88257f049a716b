"""The workspace's rules in commonweal.policy, for every role, denials included."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from commonweal import policy
from commonweal.partnerships.models import Partner

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
    if role == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(role)


def _table(allowed: set[str]) -> list:
    return [pytest.param(role, role in allowed, id=role) for role in ROLES]


MEMBERS = {"navigator", "partner_staff", "coalition_admin", "analyst", "superuser"}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table(MEMBERS))
def test_seeing_the_workspace(request, partner, role, allowed) -> None:
    # other_org_staff works for an organisation that is no partner.
    assert policy.can_see_workspace(_user(request, role)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _table({"coalition_admin", "superuser"}))
def test_managing_the_workspace(request, partner, role, allowed) -> None:
    assert policy.can_manage_workspace(_user(request, role)) is allowed


@pytest.mark.django_db
def test_staff_of_a_former_partner_no_longer_see_the_workspace(partner, partner_staff) -> None:
    assert policy.can_see_workspace(partner_staff)
    Partner.objects.filter(pk=partner.pk).update(active=False)
    assert not policy.can_see_workspace(partner_staff)


@pytest.mark.django_db
def test_staff_of_a_new_partner_see_the_workspace(other_organization, other_org_staff) -> None:
    assert not policy.can_see_workspace(other_org_staff)
    Partner.objects.create(organization=other_organization, sector="health_care")
    assert policy.can_see_workspace(other_org_staff)


@pytest.mark.django_db
def test_a_deactivated_coalition_admin_is_shut_out(coalition_admin) -> None:
    coalition_admin.is_active = False
    coalition_admin.save()
    assert not policy.can_see_workspace(coalition_admin)
    assert not policy.can_manage_workspace(coalition_admin)
