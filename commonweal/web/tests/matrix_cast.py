"""The access matrix's cast: the attack World plus the roles it lacks, one user per role.

`attack_world.build()` gives the home organisation's navigator and partner staff, the
receiving organisation's staff, a resident and the outside organisation's staff. The
matrix also needs a coalition admin and an analyst of `home` and a superuser; they are
added here, around the World, so the World stays the attack tests' own. Everyone signs in
as far as the site lets them: with a confirmed second factor for the roles that need one,
because the matrix is about what each role may do once signed in, not about sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonweal.accounts.models import ApiToken, User
from commonweal.directory.models import Taxonomy
from commonweal.web.tests import attack_world
from commonweal.web.tests.attack_world import World

# The columns of the matrix, in the order access_matrix.py writes them.
ROLES = (
    "anonymous",
    "resident",
    "navigator",
    "staff",
    "outside",
    "admin",
    "analyst",
    "superuser",
    "receiver",
)

# A phone no page shows unless it shows the person: the analysts' test looks for it.
PERSON_PHONE = "(305) 555-0199"


@dataclass
class Cast:
    world: World
    users: dict[str, User | None]  # role -> user; anonymous -> None
    taxonomy: Taxonomy  # HSDA serves taxonomies; the World has a term only

    def user(self, role: str) -> User | None:
        return self.users[role]

    def client(self, role: str) -> Client:
        """A browser signed in as `role` (second factor passed where the role needs one)."""
        return signed_in(self.users[role])

    def bearer(self, role: str) -> dict[str, str]:
        """Headers for an API call as `role`; anonymous sends none."""
        user = self.users[role]
        if user is None:
            return {}
        _, raw = ApiToken.issue(user=user, name="access matrix")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="matrix", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def build() -> Cast:
    world = attack_world.build()
    world.person.phone = PERSON_PHONE
    world.person.save(update_fields=["phone"])
    users: dict[str, Any] = {
        "anonymous": None,
        "resident": world.resident,
        "navigator": world.navigator,
        "staff": world.partner_staff,
        "outside": world.intruder_staff,
        "admin": attack_world.member("cora.home", world.home, "coalition_admin"),
        "analyst": attack_world.member("ana.home", world.home, "analyst"),
        "superuser": User.objects.create_superuser(
            username="sam.super", password=attack_world.PASSWORD
        ),
        "receiver": world.receiver,
    }
    assert tuple(users) == ROLES
    taxonomy = Taxonomy.objects.create(name="Matrix taxonomy")
    return Cast(world=world, users=users, taxonomy=taxonomy)
