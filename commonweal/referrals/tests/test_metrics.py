"""Loop-closure metrics on a small hand-built set of referrals, and who may see the page.

The set (sent in March 2026 unless said otherwise), times after sending:

Eastside Clinic (A): a1 accepted +2h, completed served +10d; a2 accepted +4h, completed
not served +20d; a3 accepted +6h, in progress; a4 declined (no capacity) +1d.
Westside Shelter (B): b1 declined (not eligible); b2 declined (no capacity); b3 open;
b4 accepted +1h, on hold, accepted again +30h; b5 accepted +3h (sent by Eastside, not by
the navigator's organisation). Outside: one sent in April, one draft never sent.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from commonweal import policy
from commonweal.directory.models import Organization, Service
from commonweal.insights.deidentify import Suppressed
from commonweal.referrals import metrics
from commonweal.referrals.metrics_views import duration_text, parse_range
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.referrals.tests.people_fixtures import make_person

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MARCH = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
URL = "/referrals/metrics/?start=2026-03-01&end=2026-03-31"
ANALYST_URL = "/referrals/metrics/?quarter=2026-Q1"  # analysts see whole completed quarters
ALL = metrics.Scope(organization_ids=None, suppress_small_cells=False)
P, C, DERIVED = Suppressed.PRIMARY, Suppressed.COMPLEMENTARY, Suppressed.DERIVED


def _make(person, sender, service, status, steps, sent=MARCH, **values) -> Referral:
    referral = Referral.objects.create(
        person=person,
        from_organization=sender,
        to_organization=service.organization,
        service=service,
        needs=["food"],
        status=status,
        sent_at=sent,
        created_at=sent,
        **values,
    )
    ReferralEvent.objects.create(referral=referral, to_status="requested", at=sent, version=2)
    previous = "requested"
    for version, (to_status, after) in enumerate(steps, start=3):
        ReferralEvent.objects.create(
            referral=referral,
            from_status=previous,
            to_status=to_status,
            at=sent + after,
            version=version,
        )
        previous = to_status
    return referral


@pytest.fixture
def referral_set(organization, other_organization, third_organization):
    person = make_person(organization)
    a = Service.objects.create(organization=other_organization, name="Clinic")
    b = Service.objects.create(organization=third_organization, name="Beds")
    org = organization
    _make(
        person, org, a, "completed", [("accepted", 2 * H), ("completed", 10 * D)], outcome="served"
    )
    _make(
        person,
        org,
        a,
        "completed",
        [("accepted", 4 * H), ("completed", 20 * D)],
        outcome="not-served",
    )
    _make(person, org, a, "in-progress", [("accepted", 6 * H), ("in-progress", 7 * H)])
    _make(person, org, a, "rejected", [("rejected", D)], status_reason="no-capacity")
    _make(person, org, b, "rejected", [("rejected", D)], status_reason="not-eligible")
    _make(person, org, b, "rejected", [("rejected", 2 * D)], status_reason="no-capacity")
    _make(person, org, b, "requested", [])
    _make(person, org, b, "accepted", [("accepted", H), ("on-hold", 2 * H), ("accepted", 30 * H)])
    _make(person, other_organization, b, "accepted", [("accepted", 3 * H)])
    # Outside the range: sent in April; a draft never sent.
    _make(person, org, a, "completed", [("accepted", H), ("completed", D)], sent=MARCH + 40 * D)
    Referral.objects.create(
        person=person, from_organization=org, to_organization=other_organization, service=a
    )
    return {"A": other_organization, "B": third_organization}


def _report(scope=ALL) -> metrics.Report:
    return metrics.loop_closure(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), scope=scope)


@pytest.mark.django_db
def test_figures_per_partner_and_overall(referral_set) -> None:
    report = _report()
    a, b = report.rows
    assert (a.name, b.name) == ("Eastside Clinic", "Westside Shelter")
    assert (a.sent, a.closed, a.open, a.served) == (4, 3, 1, 1)
    assert a.closed_share == pytest.approx(0.75)
    assert a.served_share == pytest.approx(0.25)
    assert a.median_to_accept == 4 * H  # odd count: 2h, 4h, 6h
    assert a.median_to_complete == 15 * D  # even count: 10d and 20d
    assert a.decline_reasons == {"no-capacity": 1}
    assert (b.sent, b.closed, b.served) == (5, 2, 0)
    assert b.median_to_accept == 2 * H  # even count, first acceptance only: 1h and 3h
    assert b.median_to_complete is None
    assert b.decline_reasons == {"no-capacity": 1, "not-eligible": 1}
    overall = report.overall
    assert (overall.sent, overall.closed, overall.served) == (9, 5, 1)
    assert overall.median_to_accept == 3 * H  # 1, 2, 3, 4, 6 hours
    assert overall.median_to_complete == 15 * D
    assert overall.decline_reasons == {"no-capacity": 2, "not-eligible": 1}


@pytest.mark.django_db
def test_range_bounds_are_inclusive(referral_set) -> None:
    report = metrics.loop_closure(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 2), scope=ALL)
    assert report.overall.sent == 9
    empty = metrics.loop_closure(start=dt.date(2026, 3, 3), end=dt.date(2026, 3, 31), scope=ALL)
    assert (empty.rows, empty.overall.sent, empty.overall.closed_share) == ([], 0, None)


@pytest.mark.django_db
def test_navigators_see_only_their_own_organisations_referrals(
    referral_set, navigator, third_staff
) -> None:
    sent_by_us = _report(policy.metrics_scope(navigator))
    assert [(r.name, r.sent) for r in sent_by_us.rows] == [
        ("Eastside Clinic", 4),
        ("Westside Shelter", 4),
    ]
    received = _report(policy.metrics_scope(third_staff))
    assert [(r.name, r.sent) for r in received.rows] == [("Westside Shelter", 5)]


def _row(name: str, sent: int, **values) -> metrics.Row:
    return metrics.Row(organization_id=name, name=name, sent=sent, **values)


def test_analysts_get_small_partners_pooled_and_every_small_count_hidden() -> None:
    big = _row("Big", 40, closed=30, decline_reasons={"no-capacity": 12, "duplicate": 2})
    middle = _row("Middle", 15, closed=5)
    small = _row("Small", 4, closed=4)
    overall = _row("", 59, closed=39, decline_reasons={"no-capacity": 12, "duplicate": 2})
    rows, overall = metrics._deidentified(metrics._pooled([big, middle, small]), overall)
    # "Small" alone would be a hidden row, so the next smallest joins its pool.
    assert [(r.name, r.sent, r.pooled) for r in rows] == [("Big", 40, False), ("", 19, True)]
    big_shown, pool = rows
    # Big's 10 still open is hidden; its 30 closed goes too, or 40 - 30 would give it away.
    assert (big_shown.closed, big_shown.open) == (C, P)
    assert (pool.closed, pool.open) == (P, P)
    assert (overall.sent, overall.closed, overall.open) == (59, 39, 20)
    # Shares from a hidden count are withheld; the overall one is shown.
    assert big_shown.closed_share is DERIVED
    assert overall.closed_share == pytest.approx(39 / 59)
    assert big_shown.decline_reasons == {"no-capacity": 12, "duplicate": P}
    assert overall.decline_reasons == {"no-capacity": 12, "duplicate": P}
    assert pool.organization_id is None


def test_a_small_total_hides_every_count_but_zero() -> None:
    rows, overall = metrics._deidentified(
        metrics._pooled([_row("One", 3), _row("Two", 4)]), _row("", 7)
    )
    (pool,) = rows
    assert (pool.sent, pool.open, pool.closed) == (P, P, 0)
    assert (overall.sent, overall.open, overall.closed) == (P, P, 0)
    assert overall.closed_share is DERIVED


def test_analysts_medians_rest_on_at_least_eleven_referrals() -> None:
    hour = dt.timedelta(hours=1)
    many = _row("Many", 30, closed=20, to_accept=[hour] * 11, to_complete=[hour] * 10)
    many.finish()
    overall = _row("", 30, closed=20, to_accept=[hour] * 11, to_complete=[hour] * 10)
    overall.finish()
    (shown,), _ = metrics._deidentified([many], overall)
    assert shown.median_to_accept == hour
    assert shown.median_to_complete is DERIVED


# --- the page -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coalition_admin_sees_the_table(client, referral_set, coalition_admin) -> None:
    client.force_login(coalition_admin)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Eastside Clinic" in text and "Westside Shelter" in text
    assert "15.0 days" in text  # median time to complete
    assert "Maria" not in text  # no person data


@pytest.mark.django_db
def test_analyst_sees_only_suppressed_figures(client, referral_set, analyst, december) -> None:
    client.force_login(analyst)
    response = client.get(ANALYST_URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "fewer than 11" in text
    assert "Eastside Clinic" not in text  # too small to name: pooled
    assert _figures(text) and not _small(_figures(text))


def _figures(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'class="figure">([^<]*)<', html)]


def _small(figures: list[str]) -> list[str]:
    return [f for f in figures if f.isdigit() and 1 <= int(f) < 11]


@pytest.fixture
def december(monkeypatch) -> None:
    """Today is 7 December 2026: the completed quarters run from 2026-Q3 back to 2021-Q4."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))


@pytest.fixture
def busy_set(organization, other_organization, third_organization):
    """Three partners of 23, 14 and 6 referrals, with statuses in small and large numbers."""
    person = make_person(organization)
    fourth = Organization.objects.create(name="Southside Legal Aid", description="Law.")
    plans = {
        other_organization: [("completed", 12), ("rejected", 4), ("requested", 7)],
        third_organization: [("completed", 3), ("rejected", 11)],
        fourth: [("completed", 1), ("requested", 5)],
    }
    for organization_to, statuses in plans.items():
        service = Service.objects.create(organization=organization_to, name="Help")
        for status, n in statuses:
            for _ in range(n):
                steps = {
                    "completed": [("accepted", H), ("completed", 3 * D)],
                    "rejected": [("rejected", D)],
                    "requested": [],
                }[status]
                values = {"outcome": "served"} if status == "completed" else {}
                if status == "rejected":
                    values["status_reason"] = "no-capacity"
                _make(person, organization, service, status, steps, **values)
    return plans


@pytest.mark.django_db
def test_an_analyst_never_sees_a_count_from_one_to_ten(client, busy_set, analyst, december) -> None:
    client.force_login(analyst)
    text = client.get(ANALYST_URL).content.decode()
    figures = _figures(text)
    assert _small(figures) == []
    assert "23" in figures and "43" in figures  # large counts and the total stay
    assert "fewer than 11" in figures and "hidden" in figures
    assert "not shown" in text  # shares and medians from hidden counts
    assert "Southside Legal Aid" not in text  # 6 referrals: pooled


@pytest.mark.django_db
def test_a_coalition_admin_sees_the_same_counts_in_full(client, busy_set, coalition_admin) -> None:
    client.force_login(coalition_admin)
    text = client.get(URL).content.decode()
    assert "Southside Legal Aid" in text
    assert {"7", "4", "6"} <= set(_figures(text))
    assert "fewer than 11" not in text and "not shown" not in text


@pytest.mark.django_db
def test_the_analyst_report_cannot_be_solved_for_a_hidden_count(busy_set, analyst) -> None:
    report = _report(policy.metrics_scope(analyst))
    rows = [*report.rows, report.overall]
    for row in rows:
        # sent = closed + still open: never exactly one of the three hidden.
        assert sum(isinstance(v, Suppressed) for v in (row.sent, row.closed, row.open)) != 1
    for column in ("sent", "closed", "open", "served"):
        hidden = [isinstance(getattr(r, column), Suppressed) for r in rows]
        assert sum(hidden) != 1, column


@pytest.mark.django_db
def test_navigator_sees_own_organisation_only(client, referral_set, third_staff) -> None:
    client.force_login(third_staff)
    text = client.get(URL).content.decode()
    assert "Westside Shelter" in text
    assert "Eastside Clinic" not in text


@pytest.mark.django_db
def test_partner_staff_see_their_own_organisation_only(client, referral_set) -> None:
    from commonweal.accounts.models import Membership, User

    staff = User.objects.create_user(username="wes.partner", password="correct horse battery")
    Membership.objects.create(user=staff, organization=referral_set["B"], role="partner_staff")
    client.force_login(staff)
    text = client.get(URL).content.decode()
    assert "Westside Shelter" in text
    assert "Eastside Clinic" not in text


@pytest.mark.django_db
def test_residents_are_refused(client, resident) -> None:
    client.force_login(resident)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=yesterday", "enter a date like"),
        ("?start=2026-04-01&end=2026-03-01", "on or before"),
        ("?start=2010-01-01&end=2026-01-01", "at most five years"),
    ],
)
def test_bad_dates_are_a_clear_400(client, coalition_admin, query, message) -> None:
    client.force_login(coalition_admin)
    response = client.get("/referrals/metrics/" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_parse_range_defaults_to_ninety_days() -> None:
    start, end, errors = parse_range({})
    assert errors == []
    assert (end - start).days == 89


def test_duration_words() -> None:
    assert duration_text(None) == "—"
    assert duration_text(90 * dt.timedelta(minutes=1)) == "2 hours"
    assert duration_text(dt.timedelta(days=15)) == "15.0 days"


@pytest.mark.django_db
def test_an_analyst_report_of_no_referrals_is_empty_not_an_error(client, analyst, december) -> None:
    report = _report(policy.metrics_scope(analyst))
    assert (report.rows, report.overall.sent, report.overall.closed_share) == ([], 0, None)
    client.force_login(analyst)
    response = client.get(ANALYST_URL)
    assert response.status_code == 200
    assert "No referrals were sent in these dates." in response.content.decode()


@pytest.mark.django_db
def test_an_analyst_gets_whole_quarters_so_reports_cannot_be_differenced(
    client, busy_set, analyst, december
) -> None:
    client.force_login(analyst)
    quarter = client.get(ANALYST_URL).content.decode()
    # A narrower range is not offered: the dates are ignored, the quarter is what counts.
    narrowed = client.get(ANALYST_URL + "&start=2026-03-03&end=2026-03-04").content.decode()
    assert _figures(narrowed) == _figures(quarter)
    assert 'value="2026-Q1" selected' in quarter
    assert 'type="date"' not in quarter


@pytest.mark.django_db
def test_an_analyst_sees_the_latest_completed_quarter_by_default(
    client, busy_set, analyst, december
) -> None:
    client.force_login(analyst)
    text = client.get("/referrals/metrics/").content.decode()
    assert 'value="2026-Q3" selected' in text
    assert "No referrals were sent in these dates." in text  # the set is in March


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", ["2026-Q4", "2021-Q3", "2026-Q5", "last", "2026-q1%00"])
def test_an_analyst_asking_for_a_quarter_not_offered_gets_a_clear_400(
    client, busy_set, analyst, december, quarter
) -> None:
    client.force_login(analyst)
    response = client.get("/referrals/metrics/?quarter=" + quarter)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose one of the completed quarters" in text
    assert not _figures(text)


@pytest.mark.django_db
def test_coalition_admins_keep_free_date_ranges(client, busy_set, coalition_admin) -> None:
    client.force_login(coalition_admin)
    text = client.get("/referrals/metrics/?start=2026-03-02&end=2026-03-02").content.decode()
    assert 'type="date"' in text and 'name="quarter"' not in text
    assert "43" in _figures(text)
