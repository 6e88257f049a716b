"""Demo logins, one per role, for `make run` (demo mode only: the passwords are public)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from commonweal.accounts.models import Membership, Role, User
from commonweal.directory.models import Organization

SUPERUSER = "superuser"
RESIDENT = "resident"


class DemoUsersRefused(Exception):
    pass


@dataclass(frozen=True)
class DemoLogin:
    """One printed demo login; `role` is a Role value, "resident" or "superuser"."""

    username: str
    password: str
    role: str
    organization_name: str


# (username, password, role). The passwords are printed by `make run` and listed in the
# README: they exist only on a demo database, which is why production refuses them.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("navigator", "demo-navigator-2026", Role.NAVIGATOR),
    ("partner", "demo-partner-2026", Role.PARTNER_STAFF),
    ("coalition", "demo-coalition-2026", Role.COALITION_ADMIN),
    ("analyst", "demo-analyst-2026", Role.ANALYST),
    ("resident", "demo-resident-2026", RESIDENT),
    ("admin", "demo-admin-2026", SUPERUSER),
]


def _organization_for(
    role: str, partner_organization: Organization, other_organization: Organization | None
) -> Organization | None:
    if role in (RESIDENT, SUPERUSER):
        return None
    # A navigator usually works somewhere other than the partner it refers people to.
    if role == Role.NAVIGATOR and other_organization is not None:
        return other_organization
    return partner_organization


@transaction.atomic
def create_demo_users(
    *, partner_organization: Organization, other_organization: Organization | None = None
) -> list[DemoLogin]:
    """Create (or repair) one demo login per role; running it again changes nothing."""
    if not (settings.DEBUG or getattr(settings, "TESTING", False)):
        raise DemoUsersRefused(
            "Demo users have published passwords; they are only created in demo mode (DEBUG=true)."
        )
    clashes = sorted(
        User.objects.filter(
            username__in=[username for username, _, _ in DEMO_ACCOUNTS], is_demo=False
        ).values_list("username", flat=True)
    )
    if clashes:
        raise DemoUsersRefused(
            "This database has real accounts named "
            + ", ".join(clashes)
            + "; demo logins are never written over real accounts."
        )
    logins: list[DemoLogin] = []
    for username, password, role in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_demo=True)
        is_superuser = role == SUPERUSER
        changed = user.pk is None or user.is_superuser != is_superuser or not user.is_active
        user.is_superuser = user.is_staff = is_superuser
        user.is_active = True
        if user.pk is None or not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        organization = _organization_for(role, partner_organization, other_organization)
        if organization is not None:
            Membership.objects.get_or_create(user=user, organization=organization, role=role)
        logins.append(
            DemoLogin(
                username=username,
                password=password,
                role=str(role),
                organization_name=organization.name if organization is not None else "",
            )
        )
    return logins
