"""Gathering from the database: the same hand-computed figures from real rows."""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.directory.models import Service
from commonweal.partnerships import measure_data, measures
from commonweal.partnerships.models import Partner
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.referrals.tests.people_fixtures import make_person
from commonweal.screening.models import Screening

Q1 = measures.Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
UTC = dt.UTC


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def _who5(person, when: dt.datetime, percent: int) -> None:
    Screening.objects.create(
        person=person,
        instrument="who-5",
        created_at=when,
        result={
            "instrument": "who-5",
            "positive_domains": ["wellbeing"] if percent <= 50 else [],
            "scores": [
                {"code": "who-5/raw", "value": percent / 4},
                {"code": "who-5/percentage", "value": percent},
            ],
        },
    )


@pytest.fixture
def world(organization, other_organization, settings):
    settings.TIME_ZONE = "UTC"
    anna, ben = make_person(organization), make_person(organization, given_name="Ben")
    Screening.objects.create(
        person=anna,
        instrument="phq-9",
        created_at=_at(2026, 1, 5, 12),
        result={"positive_domains": ["depression"]},
    )
    Screening.objects.create(
        person=ben, instrument="phq-9", created_at=_at(2026, 4, 2, 12), result={}
    )
    _who5(anna, _at(2025, 11, 1, 9), 40)
    _who5(anna, _at(2026, 2, 1, 9), 52)
    _who5(ben, _at(2026, 1, 10, 9), 60)
    _who5(ben, _at(2026, 3, 15, 9), 64)
    service = Service.objects.create(organization=other_organization, name="Clinic")
    Service.objects.create(organization=other_organization, name="Closed", status="inactive")

    def refer(sent: dt.datetime, status: str, outcome: str = "", contact_hours=None):
        referral = Referral.objects.create(
            person=anna,
            from_organization=organization,
            to_organization=other_organization,
            service=service,
            needs=["health"],
            status=status,
            outcome=outcome,
            sent_at=sent,
            created_at=sent,
        )
        if contact_hours is not None:
            # A note by the sender first: not the receiver's contact.
            ReferralEvent.objects.create(
                referral=referral,
                to_status="requested",
                actor_organization=organization,
                at=sent,
                version=1,
            )
            ReferralEvent.objects.create(
                referral=referral,
                to_status="accepted",
                actor_organization=other_organization,
                at=sent + dt.timedelta(hours=contact_hours),
                version=2,
            )
        return referral

    refer(_at(2026, 1, 2, 10), "completed", "served", contact_hours=24)
    refer(_at(2026, 2, 1, 10), "rejected", contact_hours=60)
    refer(_at(2026, 3, 30, 10), "requested")
    refer(_at(2025, 12, 30, 10), "completed", "served", contact_hours=1)
    Referral.objects.create(
        person=anna,
        from_organization=organization,
        to_organization=other_organization,
        service=service,
        needs=["health"],
        status="draft",
        created_at=_at(2026, 1, 3),
    )
    Partner.objects.create(organization=organization, sector="faith", joined_on=dt.date(2025, 1, 1))
    Partner.objects.create(organization=other_organization, sector="health_care", active=False)


@pytest.mark.django_db
def test_it_gathers_the_figures_worked_out_by_hand(world) -> None:
    facts = measure_data.gather(Q1)

    def raw(code: str) -> measures.Result:
        return measures.MEASURES[code].compute(facts, Q1)

    # Anna's PHQ-9 and three WHO-5s in Q1 (Ben's PHQ-9 is in April).
    assert raw("screenings-done").value == 4
    assert raw("positive-screens").value == 1  # the PHQ-9; no WHO-5 in Q1 is at or below 50
    assert raw("referrals-sent").value == 3  # not December's, not the draft
    assert raw("referrals-served").value == 1
    assert raw("loop-closure-rate") == measures.Result(66.7, 3)
    # 24 and 60 hours after sending: 1 and 2.5 days, median 1.75 (shown to one decimal).
    assert raw("days-to-first-contact") == measures.Result(1.8, 2)
    assert raw("who5-better") == measures.Result(50.0, 2)  # Anna +12, Ben +4
    assert raw("services-listed").value == 1
    assert raw("partners-active").value == 1


@pytest.mark.django_db
def test_it_reads_no_name_and_keeps_people_opaque(world) -> None:
    facts = measure_data.gather(Q1)
    keys = {s.person_key for s in facts.screenings}
    assert len(keys) == 2
    assert not any("Maria" in k or "Ben" in k for k in keys)
