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


# --- referrals ----------------------------------------------------------------------------------
#
# A referral is visible to care staff (navigator, partner staff) of the organisation that
# sent it and of the organisation it is addressed to; to nobody else (a superuser reads
# everything, audit-logged). The receiver sees the referral's snapshot of the person
# (`Referral.shared_person`), never the person's record, and never the private note.
# Outside these, a referral answers "not found" — the same as one that does not exist.


def visible_referrals(user: Any, box: str = "all") -> QuerySet:
    """The referrals this user may see; `box`: "sent", "received" or "all"."""
    from django.db.models import Q

    from commonweal.referrals.models import Referral

    if not _is_signed_in(user):
        return Referral.objects.none()
    organization_ids = care_organization_ids(user)
    sent = Q(from_organization_id__in=organization_ids)
    # A draft has not been sent: the receiver does not see it until it is.
    received = Q(to_organization_id__in=organization_ids) & ~Q(status="draft")
    if user.is_superuser and not organization_ids:
        wanted = Q()
    elif box == "sent":
        wanted = sent
    elif box == "received":
        wanted = received
    else:
        wanted = sent | received
    if not organization_ids and not user.is_superuser:
        return Referral.objects.none()
    return Referral.objects.filter(wanted)


def can_view_referral(user: Any, referral: Any) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    organization_ids = set(care_organization_ids(user))
    if referral.from_organization_id in organization_ids:
        return True
    return referral.to_organization_id in organization_ids and referral.status != "draft"


def can_see_private_note(user: Any, referral: Any) -> bool:
    """Only the referring organisation's staff: the note is theirs, never the receiver's."""
    if not _is_signed_in(user):
        return False
    return referral.from_organization_id in set(care_organization_ids(user))
