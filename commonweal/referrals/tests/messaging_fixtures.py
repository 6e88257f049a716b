"""Fixtures for the outbox, notification and reminder tests: staff who can be emailed,
a person who agreed to texts, an accepted referral, and helpers to read the outbox."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings

from commonweal.referrals import lifecycle
from commonweal.referrals.models import ReferralStatus
from commonweal.referrals.outbox_models import OutboxMessage

PHONE = "305-555-0123"
E164 = "+13055550123"
EMAIL = "maria.lopez@example.org"
PRIVATE_NOTE = "Disclosed past eviction; do not share."
SHARED_NOTE = "Prefers mornings."
ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


@pytest.fixture
def emails(navigator, other_org_staff):
    navigator.email = "nina@northside.example"
    navigator.save()
    other_org_staff.email = "oscar@eastside.example"
    other_org_staff.save()
    return navigator, other_org_staff


def accept(referral, by):
    return lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(to_status=ReferralStatus.ACCEPTED),
        by=by,
        expected_version=referral.version,
    )


def schedule(referral, by, at):
    return lifecycle.schedule_appointment(
        referral=referral, at=at, by=by, expected_version=referral.version
    )


def reachable(person, **values):
    values.setdefault("phone", PHONE)
    values.setdefault("text_ok", True)
    for name, value in values.items():
        setattr(person, name, value)
    person.save()
    return person


def messages(kind: str | None = None):
    rows = OutboxMessage.objects.order_by("created_at", "id")
    return list(rows.filter(kind=kind) if kind else rows)


def assert_no_person_data(text: str) -> None:
    for secret in (PHONE, E164, EMAIL, "5550123", PRIVATE_NOTE, "Maria", "Lopez"):
        assert secret not in text, f"{secret!r} leaked"
