"""Who may see and change a person's record: the person's care team, nobody else.

The rule (minimum necessary, docs/privacy model):

- A user with a *navigator* or *partner staff* membership in an organisation of the
  person's care team may see and edit the person (and their screenings).
- Other roles grant nothing here. A coalition admin runs the partnership, not anyone's
  care: the coalition-admin role alone never opens a person record, even in a care-team
  organisation; a coalition admin who also works as a navigator there gets in through
  that navigator membership. An analyst role never opens a person record.
- A superuser may see everything; every read is audit-logged like anyone else's, with
  `as_superuser` in the audit detail so reviewers can find such reads.
- Anonymous visitors and residents never see anyone's record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from commonweal.accounts.models import Role
from commonweal.directory.models import Organization
from commonweal.referrals.models import Person

# The roles that work with people. Coalition admin and analyst are deliberately absent.
CARE_ROLES = (Role.NAVIGATOR, Role.PARTNER_STAFF)


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def care_organization_ids(user: Any) -> list:
    """The organisations in which this user may work with people."""
    if not _is_signed_in(user):
        return []
    return user.organization_ids_with_role(*CARE_ROLES)


def care_organizations(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=care_organization_ids(user)).order_by("name")


def can_work_with_people(user: Any) -> bool:
    """Whether to offer this user the people pages at all (create, list)."""
    return bool(care_organization_ids(user))


def visible_people(user: Any) -> QuerySet[Person]:
    """The people this user may see; the only way pages and the API list people."""
    if not _is_signed_in(user):
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    organization_ids = care_organization_ids(user)
    if not organization_ids:
        return Person.objects.none()
    return Person.objects.in_care_of(organization_ids)


def can_view_person(user: Any, person: Person) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    organization_ids = care_organization_ids(user)
    return (
        bool(organization_ids)
        and person.care_team.filter(organization_id__in=organization_ids).exists()
    )


def can_edit_person(user: Any, person: Person) -> bool:
    # Same people, same rule: whoever cares for a person keeps their record current.
    return can_view_person(user, person)


def acting_organization(user: Any, person: Person) -> Organization | None:
    """The organisation on whose behalf `user` works with `person` (their first shared one)."""
    organization_ids = care_organization_ids(user)
    member = (
        person.care_team.filter(organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("added_at", "id")
        .first()
    )
    return member.organization if member is not None else None
