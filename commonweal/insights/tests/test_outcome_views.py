"""The outcomes report, page, CSV and API on a small constructed world.

Quarter 2026-Q1. PHQ-9 pairs (first score 10 January, latest 20 February):
Northside (14 people) 16 → 6, all referred on 15 January to Westside's counselling (12
accepted, 11 served by 1 February); Westside (12 people) 12 → 12; Eastside (3 people) 10 → 14.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from commonweal.directory.models import Organization, Service
from commonweal.insights import outcomes, outcomes_report
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.periods import Quarter
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.referrals.tests.people_fixtures import make_person
from commonweal.screening.models import Screening

Q1 = Quarter(2026, 1)
URL = "/insights/outcomes/?quarter=2026-Q1"
API = "/api/v1/insights/outcomes/?quarter=2026-Q1"
FIRST = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
LATEST = dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC)
SENT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


def _phq9(person, organization, at, value) -> None:
    Screening.objects.create(
        person=person,
        instrument="phq-9",
        organization=organization,
        created_at=at,
        result={
            "instrument": "phq-9",
            "scores": [{"code": "44261-6", "value": value, "positive": value >= 10}],
            "positive_domains": ["depression"] if value >= 10 else [],
        },
    )


@pytest.fixture(autouse=True)
def december(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))


@pytest.fixture
def world(organization, other_organization):
    west = Organization.objects.create(name="Westside Counselling", description="Talk.")
    counselling = Service.objects.create(organization=west, name="Counselling")
    for i in range(14):
        person = make_person(organization, given_name=f"N{i}")
        _phq9(person, organization, FIRST, 16)
        _phq9(person, organization, LATEST, 6)
        referral = Referral.objects.create(
            person=person,
            from_organization=organization,
            to_organization=west,
            service=counselling,
            status="completed" if i < 11 else ("accepted" if i < 12 else "requested"),
            outcome="served" if i < 11 else "",
            sent_at=SENT,
            created_at=SENT,
        )
        ReferralEvent.objects.create(referral=referral, to_status="requested", at=SENT, version=2)
        if i < 12:
            ReferralEvent.objects.create(
                referral=referral, to_status="accepted", at=SENT + dt.timedelta(days=1), version=3
            )
        if i < 11:
            ReferralEvent.objects.create(
                referral=referral, to_status="completed", at=SENT + dt.timedelta(days=17), version=4
            )
    for i in range(12):
        person = make_person(west, given_name=f"W{i}")
        _phq9(person, west, FIRST, 12)
        _phq9(person, west, LATEST, 12)
    for i in range(3):
        person = make_person(other_organization, given_name=f"E{i}")
        _phq9(person, other_organization, FIRST, 10)
        _phq9(person, other_organization, LATEST, 14)
    # Outside the quarter, and a pair too close together: neither counts.
    late = make_person(organization, given_name="Late")
    _phq9(late, organization, dt.datetime(2026, 4, 2, tzinfo=dt.UTC), 20)
    close = make_person(organization, given_name="Close")
    _phq9(close, organization, FIRST, 20)
    _phq9(close, organization, FIRST + dt.timedelta(days=5), 2)
    return {"north": organization, "west": west, "east": other_organization, "service": counselling}


def _figures(report: outcomes_report.Report) -> list[object]:
    found: list[object] = []
    for change in report.changes:
        for row in [change.overall, *change.partners, *change.programmes]:
            found += [row.n, row.improved, row.unchanged, row.deteriorated]
            found += [row.eligible, row.responded, row.remitted]
    for row in [report.funnel.overall, *report.funnel.partners, *report.funnel.programmes]:
        found += list(row.stages.values())
    return found


@pytest.mark.django_db
def test_it_summarises_change_overall_as_computed_by_hand(world) -> None:
    report = outcomes_report.build(quarter=Q1, instrument="phq-9")
    phq9 = report.changes[0]
    assert phq9.overall.n == 29
    assert phq9.overall.mean_change == pytest.approx((14 * -10 + 12 * 0 + 3 * 4) / 29)
    assert phq9.overall.mean_baseline == pytest.approx((14 * 16 + 12 * 12 + 3 * 10) / 29)
    assert phq9.overall.improved == 14
    # Only three people deteriorated: hidden, and so is "no reliable change" (12), which
    # with 29 − 14 would give the three away.
    assert phq9.overall.deteriorated is Suppressed.PRIMARY
    assert phq9.overall.unchanged is Suppressed.COMPLEMENTARY
    # Eligible (first score ≥ 10): all 29; responded: Northside's 14 (16 → 6).
    assert phq9.overall.eligible == 29 and phq9.overall.responded == 14


@pytest.mark.django_db
def test_it_hides_small_partners_and_every_figure_about_them(world) -> None:
    report = outcomes_report.build(quarter=Q1, instrument="phq-9")
    east = next(r for r in report.changes[0].partners if r.key == world["east"].pk)
    assert east.n is Suppressed.PRIMARY
    assert east.mean_change is Suppressed.DERIVED and east.ci_low is Suppressed.DERIVED
    shown = [f for f in _figures(report) if isinstance(f, int)]
    assert not [f for f in shown if 0 < f < 11]


@pytest.mark.django_db
def test_it_counts_the_programme_the_pair_was_referred_to(world) -> None:
    report = outcomes_report.build(quarter=Q1, instrument="phq-9")
    (programme,) = report.changes[0].programmes
    assert programme.key == world["service"].pk and programme.n == 14
    assert programme.mean_change == pytest.approx(-10.0)


@pytest.mark.django_db
def test_it_counts_the_funnel_up_to_the_quarters_end(world) -> None:
    # Screened in Q1: 14 + 12 + 3 + "Close" (the April screening is outside); all positive.
    funnel = outcomes_report.build(quarter=Q1).funnel
    assert funnel.overall.stages["screened"] == 30
    assert funnel.overall.stages["positive"] == 30
    # Northside: 15 positive, 14 referred (a gap of one), 12 accepted, 11 served: the small
    # gaps hide referred, accepted and served, and Northside alone referred anyone, so the
    # overall referred is hidden too (it would equal Northside's).
    north = next(r for r in funnel.partners if r.key == world["north"].pk)
    assert north.stages["screened"] == 15 and north.stages["positive"] == 15
    assert all(isinstance(north.stages[s], Suppressed) for s in ("referred", "accepted", "served"))
    assert isinstance(funnel.overall.stages["referred"], Suppressed)
    (programme,) = funnel.programmes
    assert programme.stages["referred"] == 14 and programme.stages["screened"] is None


@pytest.mark.django_db
def test_it_filters_by_partner(world) -> None:
    report = outcomes_report.build(quarter=Q1, instrument="phq-9", partner=world["north"].pk)
    assert [r.key for r in report.changes[0].partners] == [world["north"].pk]
    assert [r.key for r in report.funnel.partners] == [world["north"].pk]


@pytest.mark.django_db
def test_it_refuses_an_unknown_instrument_or_partner(world) -> None:
    with pytest.raises(outcomes_report.BadFilter):
        outcomes_report.build(quarter=Q1, instrument="phq-99")
    with pytest.raises(outcomes_report.BadFilter):
        outcomes_report.build(quarter=Q1, partner=world["service"].pk)


@pytest.mark.django_db
def test_it_shows_the_page_to_analysts_and_admins_without_small_counts(
    client, world, analyst, coalition_admin, superuser
) -> None:
    for user in (analyst, coalition_admin, superuser):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert "PHQ-9" in page and "<svg" in page
        figures = re.findall(r'class="figure">([^<]*)<', page)
        assert figures and not [f for f in figures if re.fullmatch(r"([1-9]|10)", f.strip())]
        assert "fewer than 11" in page


@pytest.mark.django_db
def test_it_refuses_the_page_to_care_staff_and_residents(
    client, world, navigator, partner_staff, resident
) -> None:
    for user in (navigator, partner_staff, resident):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("quarter=2026-Q9", "completed quarters"),
        ("quarter=2027-Q1", "completed quarters"),
        ("quarter=2026-Q1&instrument=phq-99", "Instrument"),
        ("quarter=2026-Q1&partner=not-an-id", "Partner"),
        ("quarter=2026-Q1&partner=00000000-0000-0000-0000-000000000000", "Partner"),
    ],
)
def test_it_names_what_is_wrong_with_a_bad_filter(client, world, analyst, query, message) -> None:
    client.force_login(analyst)
    response = client.get(f"/insights/outcomes/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_it_downloads_the_same_figures_as_csv(client, world, analyst) -> None:
    client.force_login(analyst)
    response = client.get(URL + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "change,phq-9,overall,All partners,29," in body
    assert "funnel,overall,All partners" in body
    cells = [c for line in body.splitlines() for c in line.split(",")]
    assert not [c for c in cells if re.fullmatch(r"([1-9]|10)", c)]


@pytest.mark.django_db
def test_it_answers_the_api_for_analysts_only(client, world, analyst, navigator) -> None:
    assert client.get(API).status_code == 401
    client.force_login(navigator)
    assert client.get(API).status_code == 403
    client.force_login(analyst)
    response = client.get(API + "&instrument=phq-9")
    assert response.status_code == 200
    data = response.json()
    assert data["quarter"] == "2026-Q1"
    (phq9,) = data["changes"]
    assert phq9["overall"]["n"] == 29 and phq9["overall"]["deteriorated"] == "primary"
    assert phq9["reliable_change_threshold"] == pytest.approx(3.218, abs=1e-3)
    assert data["funnel_overall"]["screened"] == 30
    assert data["funnel_overall"]["referred"] == "complementary"


@pytest.mark.django_db
def test_it_answers_a_bad_api_filter_with_400(client, world, analyst) -> None:
    client.force_login(analyst)
    response = client.get(API + "&instrument=nope")
    assert response.status_code == 400
    assert "Instrument" in response.json()["errors"][0]


def test_it_hides_one_more_partners_mean_when_hidden_means_pool_under_11_people() -> None:
    who5 = outcomes.PUBLISHED["who-5"]
    sizes = {"a": 20, "b": 30, "c": 3, "d": 4}
    groups = [
        (key, outcomes.summarise([outcomes.Pair(40, 60)] * n, who5)) for key, n in sizes.items()
    ]
    overall = outcomes.summarise([outcomes.Pair(40, 60)] * sum(sizes.values()), who5)
    rows, total = outcomes_report._suppressed(groups, overall, {}, additive=True)
    by_key = {r.key: r for r in rows}
    # c and d (7 people together) would be (overall sum − a's − b's) / 7: a joins them.
    assert by_key["c"].mean_change is Suppressed.DERIVED
    assert by_key["d"].mean_change is Suppressed.DERIVED
    assert by_key["a"].n == 20 and by_key["a"].mean_change is Suppressed.DERIVED
    assert by_key["b"].mean_change == pytest.approx(20.0)
    assert total is not None and total.mean_change == pytest.approx(20.0)


def test_it_hides_a_programme_whose_outsiders_the_overall_would_give_away() -> None:
    phq9 = outcomes.PUBLISHED["phq-9"]
    inside = [outcomes_report.PersonPair(outcomes.Pair(16, 6), None, frozenset({"s"}))] * 26
    outside = [outcomes_report.PersonPair(outcomes.Pair(12, 20), None, frozenset())] * 3
    pairs = inside + outside
    overall = outcomes.summarise([p.pair for p in pairs], phq9)
    row = outcomes_report._programme_row("s", pairs, phq9, overall, {"s": "Counselling"})
    # 29 − 26 = 3 people outside, and their mean: neither may be worked out.
    assert isinstance(row.n, Suppressed)
    assert row.mean_change is Suppressed.DERIVED
    wide = pairs + [outcomes_report.PersonPair(outcomes.Pair(12, 12), None, frozenset())] * 8
    overall = outcomes.summarise([p.pair for p in wide], phq9)
    row = outcomes_report._programme_row("s", wide, phq9, overall, {"s": "Counselling"})
    assert row.n == 26 and row.mean_change == pytest.approx(-10.0)
