"""The programme and campaign measures: hand-counted worlds, pure and from real rows."""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal import policy
from commonweal.insights.deidentify import Suppressed
from commonweal.partnerships import measure_data, measures
from commonweal.partnerships.measures import CampaignMonthRow, Facts, Period, RegistrationRow
from commonweal.partnerships.models import Partner
from commonweal.programs import campaigns, schedule
from commonweal.programs.campaign_models import EducationPage, PageVisit
from commonweal.programs.models import Registration, RegistrationStatus

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
D = dt.date
NEW = ("programme-attendances", "programme-attendance-rate", "campaign-event-attendance")


def _rows(day: dt.date, status: str, attended: bool, n: int) -> list[RegistrationRow]:
    return [RegistrationRow(day, status, attended)] * n


WORLD = Facts(
    registrations=[
        *_rows(D(2026, 1, 6), "registered", True, 9),
        *_rows(D(2026, 3, 31), "registered", True, 3),  # the last day counts
        *_rows(D(2026, 2, 3), "registered", False, 4),  # no-shows
        *_rows(D(2026, 2, 3), "waitlisted", False, 5),  # never held a place
        *_rows(D(2026, 2, 3), "cancelled", True, 1),  # a stale check-in of a cancelled place
        *_rows(D(2026, 4, 1), "registered", True, 7),  # after the period
    ],
    campaign_months=[
        CampaignMonthRow(D(2026, 2, 1), attended=6, materials=3, visits=40),
        CampaignMonthRow(D(2026, 3, 1), attended=8, materials=200, visits=2),
        CampaignMonthRow(D(2026, 3, 1), attended=0, materials=0, visits=5),  # a second campaign
        CampaignMonthRow(D(2026, 4, 1), attended=50, materials=50, visits=50),  # after
    ],
)


def _raw(code: str) -> measures.Result:
    return measures.MEASURES[code].compute(WORLD, Q1)


def test_it_counts_check_ins_of_places_held_in_the_period() -> None:
    assert _raw("programme-attendances") == measures.Result(12.0, 12)  # 9 + 3


def test_it_shares_attendance_over_places_held() -> None:
    # 12 of the 16 places (9 + 3 attended, 4 no-shows); waiting list and cancelled left out.
    assert _raw("programme-attendance-rate") == measures.Result(75.0, 16)


def test_it_sums_campaign_reach_over_campaigns_in_the_period() -> None:
    assert _raw("campaign-event-attendance").value == 14
    assert _raw("campaign-materials").value == 203
    assert _raw("campaign-page-visits").value == 47


def test_small_counts_of_people_are_hidden_and_counts_of_things_are_not() -> None:
    few = Facts(
        registrations=_rows(D(2026, 2, 3), "registered", True, 4),
        campaign_months=[CampaignMonthRow(D(2026, 2, 1), attended=3, materials=2, visits=1)],
    )
    assert measures.compute("programme-attendances", few, Q1) == measures.Result(
        None, 4, Suppressed.PRIMARY
    )
    assert measures.compute("programme-attendance-rate", few, Q1) == measures.Result(
        None, 4, Suppressed.DERIVED
    )
    assert measures.compute("campaign-event-attendance", few, Q1).suppressed is Suppressed.PRIMARY
    assert measures.compute("campaign-materials", few, Q1) == measures.Result(2.0, 2)
    assert measures.compute("campaign-page-visits", few, Q1) == measures.Result(1.0, 1)


def test_eleven_places_are_enough_for_a_share() -> None:
    eleven = Facts(
        registrations=[
            *_rows(D(2026, 2, 3), "registered", True, 10),
            *_rows(D(2026, 2, 3), "registered", False, 1),
        ]
    )
    assert measures.compute("programme-attendance-rate", eleven, Q1) == measures.Result(90.9, 11)


def test_the_new_measures_answer_their_rba_questions() -> None:
    assert measures.MEASURES["programme-attendances"].question == measures.HOW_MUCH
    assert measures.MEASURES["programme-attendance-rate"].question == measures.HOW_WELL
    assert all(measures.MEASURES[code].about_people for code in NEW)
    assert not measures.MEASURES["campaign-materials"].about_people


# --- from the database ---------------------------------------------------------------------


def _signups(session, occurrence: str, status: str, attended: bool, n: int) -> None:
    for i in range(n):
        Registration.objects.create(
            session=session,
            occurrence=occurrence,
            name="A. B.",
            contact=f"person{i}@example.org",
            status=status,
            attended=attended,
        )


@pytest.fixture
def world(organization, partner_staff, coalition_admin, settings):
    settings.TIME_ZONE = "UTC"
    programme = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Tuesday support group",
        kind="support_group",
        starts_on=dt.date(2026, 1, 1),
        time_zone="UTC",
    )
    session = schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=dt.date(2026, 3, 3),
        start_time=dt.time(18, 0),
        rule="FREQ=WEEKLY;COUNT=10",  # 3 Mar to 5 May
    )
    _signups(session, "2026-03-03T18:00:00", RegistrationStatus.REGISTERED, True, 11)
    _signups(session, "2026-03-31T18:00:00", RegistrationStatus.REGISTERED, False, 2)
    _signups(session, "2026-03-31T18:00:00", RegistrationStatus.WAITLISTED, False, 3)
    _signups(session, "2026-03-31T18:00:00", RegistrationStatus.CANCELLED, False, 1)
    _signups(session, "2026-04-07T18:00:00", RegistrationStatus.REGISTERED, True, 5)  # Q2
    partner = Partner.objects.create(organization=organization, sector="social_services")
    page = EducationPage.objects.get(slug="help-a-friend-who-is-struggling")
    campaign = campaigns.create_campaign(
        by=coalition_admin,
        name="Talk about it month",
        aim="More people talk about mental health.",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 30),
        partners=[partner],
        pages=[page],
    )
    allowed = policy.campaign_partners_for(coalition_admin, campaign)
    for kind, day, count in (("materials", D(2026, 3, 5), 120), ("materials", D(2026, 4, 2), 9)):
        campaigns.add_activity(
            campaign,
            by=coalition_admin,
            allowed_partners=allowed,
            partner=partner,
            kind=kind,
            title="Leaflets",
            held_on=day,
            count=count,
        )
    campaigns.add_activity(
        campaign,
        by=coalition_admin,
        allowed_partners=allowed,
        partner=partner,
        kind="event",
        title="Evening talk",
        held_on=D(2026, 3, 3),
        session=session,
    )
    PageVisit.objects.create(page=page, day=D(2026, 3, 9), language="en", count=30)
    PageVisit.objects.create(page=page, day=D(2026, 2, 9), language="en", count=99)  # before
    return campaign


@pytest.mark.django_db
def test_it_gathers_attendance_and_reach_counted_by_hand(world) -> None:
    facts = measure_data.gather(Q1)

    def raw(code: str) -> measures.Result:
        return measures.MEASURES[code].compute(facts, Q1)

    assert raw("programme-attendances") == measures.Result(11.0, 11)  # not April's five
    assert raw("programme-attendance-rate") == measures.Result(84.6, 13)  # 11 of 11 + 2
    # The event is the session: its March check-ins (11) count for the campaign too.
    assert raw("campaign-event-attendance").value == 11
    assert raw("campaign-materials").value == 120  # not April's nine
    assert raw("campaign-page-visits").value == 30  # not February's, before the campaign


@pytest.mark.django_db
def test_it_reads_registrations_in_one_query_whatever_their_number(
    world, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        rows = measure_data.registrations(Q1)
    assert len(rows) == 17
