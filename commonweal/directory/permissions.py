"""Who may edit which directory listings.

Superusers may edit everything. A coalition admin runs the whole partnership's
directory, so may edit any organisation's listings. Partner staff keep their own
organisation's listings current and may edit only those. Navigators, analysts,
residents and anonymous visitors read the directory but never edit it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from commonweal.accounts.models import Role
from commonweal.directory.models import Organization, Service


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_coalition_admin(user: Any) -> bool:
    if not _is_signed_in(user):
        return False
    return user.memberships.filter(role=Role.COALITION_ADMIN).exists()


def can_edit_any_listing(user: Any) -> bool:
    return _is_signed_in(user) and (user.is_superuser or is_coalition_admin(user))


def can_edit_organization(user: Any, organization: Organization) -> bool:
    if not _is_signed_in(user):
        return False
    if can_edit_any_listing(user):
        return True
    return user.memberships.filter(
        organization_id=organization.pk, role=Role.PARTNER_STAFF
    ).exists()


def can_edit_service(user: Any, service: Service) -> bool:
    return can_edit_organization(user, service.organization)


def can_edit_some_listing(user: Any) -> bool:
    """Whether to offer this user the "My organization" page at all."""
    if not _is_signed_in(user):
        return False
    return (
        user.is_superuser
        or user.memberships.filter(role__in=[Role.PARTNER_STAFF, Role.COALITION_ADMIN]).exists()
    )


def own_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations this user belongs to as partner staff or coalition admin."""
    if not _is_signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user,
        memberships__role__in=[Role.PARTNER_STAFF, Role.COALITION_ADMIN],
    ).distinct()
