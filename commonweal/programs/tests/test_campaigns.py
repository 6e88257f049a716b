"""Awareness campaigns: writing them, recording activities, and reach against figures
computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commonweal import policy
from commonweal.partnerships.models import Goal, Partner
from commonweal.programs import campaigns, education
from commonweal.programs.campaign_models import Activity, Campaign, EducationPage
from commonweal.programs.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(organization):
    return Partner.objects.create(organization=organization, sector="social_services")


@pytest.fixture
def other_partner(other_organization):
    return Partner.objects.create(organization=other_organization, sector="health_care")


@pytest.fixture
def campaign(coalition_admin, partner, other_partner):
    goal = Goal.objects.create(title="Fewer people feel alone", population_result="All connected.")
    return campaigns.create_campaign(
        by=coalition_admin,
        name="Talk about it month",
        aim="More people talk about mental health in faith communities and schools.",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 30),
        audiences=["faith", "schools"],
        languages=["en", "es"],
        partners=[partner, other_partner],
        goals=[goal],
        pages=list(EducationPage.objects.filter(slug="help-a-friend-who-is-struggling")),
        published=True,
    )


def _activity(campaign, by, partner, **fields):
    defaults = {
        "kind": "materials",
        "title": "Leaflets",
        "held_on": dt.date(2026, 3, 5),
        "count": 1,
    }
    defaults.update(fields)
    return campaigns.add_activity(
        campaign,
        by=by,
        allowed_partners=policy.campaign_partners_for(by, campaign),
        partner=partner,
        **defaults,
    )


def _signup(session, occurrence: str, *, attended: bool, status=RegistrationStatus.REGISTERED):
    return Registration.objects.create(
        session=session,
        occurrence=occurrence,
        name="A. B.",
        contact="a@example.org",
        status=status,
        attended=attended,
    )


def test_it_creates_a_campaign_with_its_partners_goals_and_pages(campaign) -> None:
    assert campaign.slug == "talk-about-it-month"
    assert campaign.partners.count() == 2
    assert campaign.goals.get().title == "Fewer people feel alone"
    assert campaign.audience_labels() == ["Faith communities", "Schools"]


def test_it_refuses_an_end_before_the_start_and_saves_nothing(coalition_admin) -> None:
    with pytest.raises(ValidationError) as caught:
        campaigns.create_campaign(
            by=coalition_admin,
            name="Backwards",
            aim="x",
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 4, 1),
            audiences=["nobody"],
        )
    assert caught.value.message_dict["ends_on"] == [str(campaigns.ENDS_BEFORE_START)]
    assert caught.value.message_dict["audiences"] == [str(campaigns.UNKNOWN_AUDIENCE)]
    assert not Campaign.objects.exists()


def test_it_refuses_a_taken_address(campaign, coalition_admin) -> None:
    with pytest.raises(ValidationError) as caught:
        campaigns.create_campaign(
            by=coalition_admin,
            name="Talk about it month",
            aim="x",
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 2),
        )
    assert caught.value.message_dict["slug"] == [str(campaigns.SLUG_TAKEN)]


def test_partner_staff_record_for_their_own_partner_only(
    campaign, partner_staff, partner, other_partner
) -> None:
    _activity(campaign, partner_staff, partner)
    with pytest.raises(ValidationError) as caught:
        _activity(campaign, partner_staff, other_partner)
    assert caught.value.message_dict["partner"] == [str(campaigns.NOT_A_CAMPAIGN_PARTNER)]
    assert Activity.objects.count() == 1


def test_staff_of_a_non_partner_may_not_work_on_the_campaign(
    campaign, navigator, resident, analyst
) -> None:
    for user in (navigator, resident, analyst):
        assert not policy.can_work_on_campaign(user, campaign)
        assert not policy.campaign_partners_for(user, campaign).exists()


def test_an_activity_must_fall_within_the_campaign(campaign, coalition_admin, partner) -> None:
    with pytest.raises(ValidationError) as caught:
        _activity(campaign, coalition_admin, partner, held_on=dt.date(2026, 6, 1))
    assert caught.value.message_dict["held_on"] == [str(campaigns.OUTSIDE_DATES)]


def test_an_event_names_its_programme_or_session(
    campaign, coalition_admin, partner, programme, weekly
) -> None:
    with pytest.raises(ValidationError) as caught:
        _activity(campaign, coalition_admin, partner, kind="event", title="Evening talk")
    assert caught.value.message_dict["programme"] == [str(campaigns.EVENT_NEEDS_PROGRAMME)]
    event = _activity(
        campaign, coalition_admin, partner, kind="event", title="Talk", session=weekly, count=40
    )
    assert event.programme == programme
    assert event.count == 0  # an event is counted from its sign-ups, never typed


def test_reach_by_month_matches_the_figures_computed_by_hand(
    campaign, coalition_admin, partner, other_partner, weekly
) -> None:
    # Entered counts: March 120 + 30 leaflets, 25 at a workshop, 40 contacts; April 60 media.
    _activity(campaign, coalition_admin, partner, count=120)
    _activity(campaign, coalition_admin, other_partner, count=30, held_on=dt.date(2026, 3, 20))
    _activity(campaign, coalition_admin, partner, kind="workshop", title="Youth group", count=25)
    _activity(campaign, coalition_admin, partner, kind="outreach", title="Door knocking", count=40)
    _activity(
        campaign,
        coalition_admin,
        partner,
        kind="media",
        title="Radio",
        count=60,
        held_on=dt.date(2026, 4, 2),
    )
    _activity(
        campaign, coalition_admin, partner, kind="event", title="Support group", session=weekly
    )
    # The weekly session meets on Tuesdays from 3 March: March 3 (2 signed up, 1 came),
    # March 10 (1 came, 1 cancelled: not counted), April 7 (1 signed up, did not come),
    # and 5 May, after the campaign: not counted.
    _signup(weekly, "2026-03-03T18:00:00", attended=True)
    _signup(weekly, "2026-03-03T18:00:00", attended=False)
    _signup(weekly, "2026-03-10T18:00:00", attended=True)
    _signup(weekly, "2026-03-10T18:00:00", attended=False, status=RegistrationStatus.CANCELLED)
    _signup(weekly, "2026-04-07T18:00:00", attended=False)
    _signup(weekly, "2026-05-05T18:00:00", attended=True)
    # Page visits: 3 in March, 2 in April, and 7 the day after the campaign ended.
    page = EducationPage.objects.get(slug="help-a-friend-who-is-struggling")
    for day, times in (
        (dt.date(2026, 3, 9), 3),
        (dt.date(2026, 4, 30), 2),
        (dt.date(2026, 5, 1), 7),
    ):
        for _ in range(times):
            education.count_visit(page, language="en", day=day)

    reach = campaigns.reach(campaign)

    march, april = reach.months
    assert (march.month, april.month) == (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    assert (march.materials, march.workshop, march.outreach, march.media) == (150, 25, 40, 0)
    assert (march.signed_up, march.attended, march.visits) == (3, 2, 3)
    assert (april.materials, april.media, april.signed_up, april.attended, april.visits) == (
        0,
        60,
        1,
        0,
        2,
    )
    assert (reach.total.materials, reach.total.attended, reach.total.visits) == (150, 2, 5)
    assert reach.people_reached == 2 + 25 + 40


def test_reach_of_an_empty_campaign_is_zero_for_every_month(
    campaign, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        reach = campaigns.reach(campaign)
    assert len(reach.months) == 2
    assert reach.people_reached == 0 and reach.total.visits == 0
