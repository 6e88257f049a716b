"""The accounts, clients, consents and referrals a load run needs, made once in the kept
benchmark database through the project's own domain functions (people.create_person,
consent.record_consent, referring.create_referral), as navigators would make them.

- a navigators' organisation with NAVIGATORS navigators, each with CLIENTS_EACH clients in
  its care team, every client consenting to share contact details and needs with the
  partner organisations;
- PARTNERS partner organisations (those of real services of the directory), one staff
  member each, and a backlog of BACKLOG_EACH sent referrals to each of their services so
  their inbox has work from the first second;
- every staff account with a confirmed authenticator app (django-otp TOTP) whose key is
  written, with the password, only to the accounts file beside the database (var/, not
  in git), from which the load generator signs in with both factors as staff do.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from pathlib import Path
from typing import Any

ORGANIZATION_NAME = "Load test: community health navigators"
NAVIGATORS = 20
CLIENTS_EACH = 8
PARTNERS = 10
BACKLOG_EACH = 20
# Client ZIP codes in the benchmark directory's metro areas (bench_search.METROS).
CLIENT_ZIPS = ("33125", "77002", "60614", "90012", "11201", "85004", "30303", "98104")
GIVEN = ("Ana", "Luis", "Marie", "Jean", "Keisha", "Tom", "Rosa", "Dmitri", "Mai", "Omar")
FAMILY = ("Garcia", "Pierre", "Johnson", "Nguyen", "Smith", "Lopez", "Brown", "Ali")


def prepare(
    accounts_file: Path,
    *,
    navigators: int = NAVIGATORS,
    clients_each: int = CLIENTS_EACH,
    partners: int = PARTNERS,
    backlog_each: int = BACKLOG_EACH,
) -> dict[str, Any]:
    """The accounts file's contents, making the people first if this database has none."""
    from commonweal.directory.models import Organization

    if accounts_file.exists() and Organization.objects.filter(name=ORGANIZATION_NAME).exists():
        return json.loads(accounts_file.read_text())
    accounts = _make(
        random.Random(20261207),
        navigators=navigators,
        clients_each=clients_each,
        partners=partners,
        backlog_each=backlog_each,
    )
    accounts_file.write_text(json.dumps(accounts, indent=1))
    accounts_file.chmod(0o600)
    return accounts


def _staff(username: str, organization: Any, role: str) -> dict[str, str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from commonweal.accounts.models import Membership, User

    password = secrets.token_urlsafe(18)
    # An address, so that the worker mails them referral notices (to the benchmark's
    # dummy mail backend) as it would real staff.
    user = User.objects.create_user(
        username=username, password=password, email=f"{username}@example.org"
    )
    Membership.objects.create(user=user, organization=organization, role=role)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return {"username": username, "password": password, "totp_key": device.key}


def _partner_services(count: int) -> list[Any]:
    """Active services at a location, one per organisation, first by id (a stable pick)."""
    from commonweal.directory.models import Service, ServiceAtLocation

    chosen, organizations = [], set()
    with_site = ServiceAtLocation.objects.values("service_id")
    for service in (
        Service.objects.filter(status="active", pk__in=with_site)
        .select_related("organization")
        .order_by("id")
        .iterator(chunk_size=200)
    ):
        if service.organization_id not in organizations:
            organizations.add(service.organization_id)
            chosen.append(service)
            if len(chosen) == count:
                break
    return chosen


def _make(
    rng: random.Random, *, navigators: int, clients_each: int, partners: int, backlog_each: int
) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from commonweal.accounts.models import Role
    from commonweal.directory.models import Organization
    from commonweal.referrals import consent, people, referring
    from commonweal.referrals.models import ConsentMethod, DataCategory

    with transaction.atomic():
        home = Organization.objects.create(
            name=ORGANIZATION_NAME, description="Navigators of the load benchmark."
        )
        services = _partner_services(partners)
        partners = [
            _staff(f"load.partner{n:02d}", s.organization, Role.PARTNER_STAFF)
            for n, s in enumerate(services)
        ]
        navigator_accounts = []
        clients: list[tuple[Any, Any]] = []
        for n in range(navigators):
            account = _staff(f"load.navigator{n:02d}", home, Role.NAVIGATOR)
            user = _user(account["username"])
            account["people"] = []
            for _ in range(clients_each):
                person = people.create_person(
                    values={
                        "given_name": rng.choice(GIVEN),
                        "family_name": rng.choice(FAMILY),
                        "date_of_birth": dt.date(rng.randint(1940, 2005), rng.randint(1, 12), 1),
                        "zip_code": rng.choice(CLIENT_ZIPS),
                        "preferred_language": rng.choice(("en", "es")),
                    },
                    organization=home,
                    by=user,
                )
                consent.record_consent(
                    person=person,
                    organizations=[s.organization for s in services],
                    categories=[DataCategory.CONTACT, DataCategory.NEEDS],
                    purpose="help with the needs found at screening",
                    method=ConsentMethod.VERBAL,
                    expires_at=timezone.now() + dt.timedelta(days=365),
                    by=user,
                )
                account["people"].append(str(person.pk))
                clients.append((person, user))
            navigator_accounts.append(account)
        needs = ("food", "living-situation", "utilities", "transportation")
        for service in services:
            for _ in range(backlog_each):
                person, user = rng.choice(clients)
                referring.create_referral(
                    person=person, service=service, by=user, needs=[rng.choice(needs)]
                )
    return {
        "navigators": navigator_accounts,
        "partners": partners,
        "services": [str(s.pk) for s in services],
    }


def _user(username: str) -> Any:
    from commonweal.accounts.models import User

    return User.objects.get(username=username)
