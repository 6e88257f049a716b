"""Retention: closed referrals and old screenings go when their time is up, as counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.insights.models import ReferralTally, RemovalReason, ScreeningTally
from commonweal.referrals import retention, schedule
from commonweal.referrals.models import Referral
from commonweal.referrals.tests.referral_fixtures import refer
from commonweal.screening import instruments, recording
from commonweal.screening.models import FollowUpStatus, SafetyFollowUp, Screening
from commonweal.screening.tests.answers import phq9

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=400)


def _screen(person, navigator, item9: int = 0) -> Screening:
    return recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=2, item9=item9),
        language="en",
        by=navigator,
    ).screening


def _age(model, pk, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields)


@pytest.fixture
def short_retention(settings):
    settings.RETENTION_CLOSED_REFERRAL_DAYS = 365
    settings.RETENTION_SCREENING_DAYS = 365


def test_closed_referrals_past_retention_become_counts(
    short_retention, person, service, navigator, consent
) -> None:
    old_closed = refer(person, service, navigator).referral
    _age(Referral, old_closed.pk, status="completed", outcome="served", closed_at=LONG_AGO)
    recent_closed = refer(person, service, navigator).referral
    _age(Referral, recent_closed.pk, status="completed", closed_at=NOW - dt.timedelta(days=364))
    old_open = refer(person, service, navigator).referral
    _age(Referral, old_open.pk, created_at=LONG_AGO, updated_at=LONG_AGO)  # still "requested"

    run = retention.apply_retention(now=NOW)

    assert run.referrals == 1
    assert set(Referral.objects.values_list("pk", flat=True)) == {recent_closed.pk, old_open.pk}
    tally = ReferralTally.objects.get()
    assert (tally.status, tally.outcome, tally.count, tally.removed_for) == (
        "completed",
        "served",
        1,
        RemovalReason.RETENTION,
    )
    event = AuditEvent.objects.get(object_type="retention")
    assert event.detail == {"retention": {"referrals": 1, "screenings": 0}}
    # Running again removes nothing more and counts nothing twice.
    assert retention.apply_retention(now=NOW).referrals == 0
    assert ReferralTally.objects.get().count == 1


def test_old_screenings_go_but_never_one_with_an_open_safety_follow_up(
    short_retention, person, navigator
) -> None:
    plain = _screen(person, navigator)
    risky = _screen(person, navigator, item9=2)
    recent = _screen(person, navigator)
    _age(Screening, plain.pk, created_at=LONG_AGO)
    _age(Screening, risky.pk, created_at=LONG_AGO)
    assert SafetyFollowUp.objects.filter(screening=risky).exists()

    assert retention.apply_retention(now=NOW).screenings == 1
    assert set(Screening.objects.values_list("pk", flat=True)) == {risky.pk, recent.pk}
    tally = ScreeningTally.objects.get()
    assert (tally.instrument, tally.positive, tally.count) == ("phq-9", True, 1)

    # Once the follow-up is closed, it may go too.
    SafetyFollowUp.objects.filter(screening=risky).update(status=FollowUpStatus.CLOSED)
    assert retention.apply_retention(now=NOW).screenings == 1
    assert not SafetyFollowUp.objects.exists()


def test_zero_keeps_everything(settings, person, service, navigator, consent) -> None:
    settings.RETENTION_CLOSED_REFERRAL_DAYS = 0
    settings.RETENTION_SCREENING_DAYS = 0
    referral = refer(person, service, navigator).referral
    _age(Referral, referral.pk, status="completed", closed_at=LONG_AGO)
    screening = _screen(person, navigator)
    _age(Screening, screening.pk, created_at=LONG_AGO)
    assert retention.apply_retention(now=NOW).as_dict() == {"referrals": 0, "screenings": 0}
    assert Referral.objects.exists() and Screening.objects.exists()


def test_retention_is_a_daily_job_of_the_worker() -> None:
    job = schedule.JOBS["retention"]
    assert job.every_minutes == 24 * 60
    assert job.run().as_dict() == {"referrals": 0, "screenings": 0}
