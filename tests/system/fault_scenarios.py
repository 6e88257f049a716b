"""Set-ups for the fault tests, run as `python -m tests.system.fault_scenarios NAME` in the
test's own production-mode environment (tests/system/fault_site.py). Each prints one line
of JSON. They go through the project's own functions, as the pages would."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any


def referral() -> dict[str, Any]:
    """A referral sent by a navigator to a clinic, and an API token of the clinic's staff."""
    from django.db import transaction
    from django.utils import timezone

    from commonweal.accounts.models import ApiToken, Membership, User
    from commonweal.directory.models import Organization, Service, ServiceIntake
    from commonweal.referrals import consent, referring
    from commonweal.referrals.models import CareTeamMember, Person

    with transaction.atomic():
        sender = Organization.objects.create(name="Northside Food Bank", description="Food.")
        receiver = Organization.objects.create(name="Eastside Clinic", description="Care.")
        navigator = User.objects.create_user(
            username="nina", password="correct horse battery staple", email="nina@example.org"
        )
        staff = User.objects.create_user(
            username="oscar", password="correct horse battery staple", email="oscar@example.org"
        )
        Membership.objects.create(user=navigator, organization=sender, role="navigator")
        Membership.objects.create(user=staff, organization=receiver, role="partner_staff")
        service = Service.objects.create(organization=receiver, name="Walk-in clinic")
        ServiceIntake.objects.create(
            service=service,
            accepting_referrals=ServiceIntake.YES,
            accepting_new_clients=ServiceIntake.YES,
        )
        person = Person.objects.create(
            given_name="Maria", family_name="Lopez", date_of_birth=dt.date(1980, 5, 17)
        )
        CareTeamMember.objects.create(person=person, organization=sender)
        consent.record_consent(
            person=person,
            organizations=[receiver],
            categories=["contact", "needs", "notes"],
            purpose="Referral for primary care",
            method="verbal",
            expires_at=timezone.now() + dt.timedelta(days=90),
            by=navigator,
        )
        made = referring.create_referral(
            person=person, service=service, by=navigator, needs=["health"]
        ).referral
        _, token = ApiToken.issue(user=staff, name="fault tests")
    return {
        "referral": str(made.pk),
        "service": str(service.pk),
        "version": made.version,
        "status": made.status,
        "token": token,
    }


def reminders(count: str) -> dict[str, Any]:
    """`count` appointment reminders queued in the outbox as text messages, each with its
    idempotency key in its body."""
    from django.db import transaction

    from commonweal.referrals import outbox

    keys = []
    with transaction.atomic():
        for n in range(int(count)):
            key = f"fault-reminder-{n}"
            outbox.enqueue(
                kind="appointment-reminder",
                channel="sms",
                recipient_kind="person",
                to=f"+1305555{n:04d}",
                body=f"Your appointment is tomorrow. [{key}]",
                key=key,
            )
            keys.append(key)
    return {"keys": keys}


def audit_verdict() -> dict[str, Any]:
    """Whether the tamper-evident audit log is still one unbroken chain."""
    from commonweal.accounts import audit

    verdict = audit.verify()
    return {"intact": verdict.intact, "events": verdict.count}


if __name__ == "__main__":
    import django

    django.setup()
    name, *arguments = sys.argv[1:]
    print(json.dumps(globals()[name](*arguments)))
