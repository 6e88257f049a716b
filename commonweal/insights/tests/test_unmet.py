"""Unmet-need figures on a small constructed world, for the first quarter of 2026.

Searches: 33135 — 12 with no result, 15 with 3 or more (food, 1102); 33010 — 11 with 1 or
2 results (read as food and shelter, 1102 + 1200); no place — 11 with 3 or more (no
category). Waiting: Eastside Clinic has 11 referrals never answered, and 11 answered after
1 to 11 hours and then put on hold. Needs: 11 people positive for food and housing, each
referred for food 5 days later; 11 more positive for food, referred only 40 days later.
"""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.directory.models import Service
from commonweal.insights import deidentify, periods, unmet
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.models import ReferralTally, RemovalReason, SearchEvent
from commonweal.policy import MetricsScope
from commonweal.referrals import metrics
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.referrals.tests.people_fixtures import make_person
from commonweal.screening.models import Screening

Q1 = periods.Quarter(2026, 1)
MARCH = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def _searches(n: int, *, area: str, categories: list[str], results: int, day=None) -> None:
    SearchEvent.objects.bulk_create(
        SearchEvent(
            day=day or dt.date(2026, 2, 10),
            area_kind="zip" if area else "",
            area=area,
            categories=categories,
            results=results,
            crisis="none",
            channel="page",
        )
        for _ in range(n)
    )


@pytest.fixture
def searches(db) -> None:
    _searches(12, area="33135", categories=["1102"], results=0)
    _searches(15, area="33135", categories=["1102"], results=7)
    _searches(11, area="33010", categories=["1102", "1200"], results=2)
    _searches(11, area="", categories=[], results=40)
    # Outside the quarter: never counted.
    _searches(5, area="33135", categories=["1102"], results=0, day=dt.date(2026, 4, 1))
    _searches(5, area="33135", categories=["1102"], results=0, day=dt.date(2025, 12, 31))


def _values(table: unmet.Table) -> dict[str, dict]:
    return {line.key: line.values for line in table.lines}


@pytest.mark.django_db
def test_it_counts_searches_by_area_with_the_totals(searches) -> None:
    _by_category, by_area = unmet.search_tables(Q1.start, Q1.end)
    assert _values(by_area) == {
        "33010": {"none": 0, "few": 11, "enough": 0, "total": 11},
        "33135": {"none": 12, "few": 0, "enough": 15, "total": 27},
        "-": {"none": 0, "few": 0, "enough": 11, "total": 11},
    }
    assert by_area.total is not None
    assert by_area.total.values == {"none": 12, "few": 11, "enough": 26, "total": 49}


@pytest.mark.django_db
def test_it_counts_a_search_under_each_category_it_was_read_as(searches) -> None:
    by_category, _by_area = unmet.search_tables(Q1.start, Q1.end)
    assert _values(by_category) == {
        "-": {"none": 0, "few": 0, "enough": 11, "total": 11},
        "1102": {"none": 12, "few": 11, "enough": 15, "total": 38},
        "1200": {"none": 0, "few": 11, "enough": 0, "total": 11},
    }
    # The category rows overlap, so their column sums are not published.
    assert by_category.total is None


@pytest.mark.django_db
def test_small_areas_are_pooled_and_no_count_from_one_to_ten_is_published(searches) -> None:
    _searches(4, area="33139", categories=["1102"], results=0)
    _searches(3, area="33140", categories=["1102"], results=5)
    _by_category, by_area = unmet.search_tables(Q1.start, Q1.end)
    pooled = [line for line in by_area.lines if line.pooled]
    assert len(pooled) == 1 and pooled[0].key == ""
    assert "33139" not in _values(by_area) and "33140" not in _values(by_area)
    published = [v for line in [*by_area.lines, by_area.total] for v in line.values.values()]
    assert not [v for v in published if isinstance(v, int) and 0 < v < deidentify.THRESHOLD]
    assert any(isinstance(v, Suppressed) for v in published)


def _refer(person, sender, service, status, steps, sent=MARCH, **values) -> Referral:
    referral = Referral.objects.create(
        person=person,
        from_organization=sender,
        to_organization=service.organization,
        service=service,
        needs=values.pop("needs", ["food"]),
        status=status,
        sent_at=sent,
        created_at=sent,
        **values,
    )
    ReferralEvent.objects.create(referral=referral, to_status="requested", at=sent, version=2)
    previous = "requested"
    for version, (to_status, after) in enumerate(steps, start=3):
        ReferralEvent.objects.create(
            referral=referral, from_status=previous, to_status=to_status, at=sent + after,
            version=version,
        )  # fmt: skip
        previous = to_status
    return referral


@pytest.fixture
def waiting_world(organization, other_organization):
    person = make_person(organization)
    clinic = Service.objects.create(organization=other_organization, name="Clinic")
    for _ in range(11):
        _refer(person, organization, clinic, "requested", [])
    for hours in range(1, 12):
        _refer(person, organization, clinic, "on-hold", [("accepted", hours * H), ("on-hold", D)])
    # Closed before the quarter began: not waiting in it.
    _refer(
        person, organization, clinic, "completed",
        [("accepted", H), ("completed", D)], sent=MARCH - 100 * D,
        closed_at=MARCH - 99 * D,
    )  # fmt: skip
    # On hold from before the quarter to after it: on hold at its end, not put on hold in it.
    _refer(person, organization, clinic, "on-hold", [("accepted", H), ("on-hold", D)],
           sent=MARCH - 120 * D)  # fmt: skip
    return other_organization


@pytest.mark.django_db
def test_it_counts_waiting_and_time_to_first_answer_per_partner(waiting_world) -> None:
    table = unmet.waiting_table(Q1.start, Q1.end)
    clinic = _values(table)[str(waiting_world.pk)]
    assert clinic == {
        "waiting": 11,
        "on_hold": 12,
        "put_on_hold": 11,
        "answered": 11,
        "median_to_answer": 6 * H,
        "p90_to_answer": 10 * H,  # type 7: position 0.9 × 10 = 9, the tenth of 1..11 hours
    }
    assert table.total is not None
    assert table.total.values["waiting"] == 11


def test_the_quantile_interpolates_between_order_statistics() -> None:
    values = [dt.timedelta(hours=h) for h in (1, 2, 3, 4)]
    # Position 0.9 × 3 = 2.7: 3 h + 0.7 × (4 h − 3 h).
    assert unmet._quantile(values, 0.9) == dt.timedelta(hours=3.7)
    assert unmet._quantile([], 0.9) is None


@pytest.mark.django_db
def test_a_median_over_fewer_than_eleven_referrals_is_not_shown(
    organization, other_organization
) -> None:
    person = make_person(organization)
    clinic = Service.objects.create(organization=other_organization, name="Clinic")
    for hours in range(1, 6):
        _refer(person, organization, clinic, "accepted", [("accepted", hours * H)])
    table = unmet.waiting_table(Q1.start, Q1.end)
    (line,) = table.lines
    assert line.values["median_to_answer"] is Suppressed.DERIVED
    assert line.values["answered"] is Suppressed.PRIMARY


@pytest.mark.django_db
def test_declined_referrals_are_the_loop_closure_pages_analyst_figures(
    organization, other_organization
) -> None:
    person = make_person(organization)
    clinic = Service.objects.create(organization=other_organization, name="Clinic")
    for reason in ["no-capacity"] * 12 + ["not-eligible"] * 11:
        _refer(person, organization, clinic, "rejected", [("rejected", D)], status_reason=reason)
    table = unmet.declined_table(Q1.start, Q1.end)
    assert _values(table)[str(other_organization.pk)] == {
        "sent": 23,
        "no-capacity": 12,
        "not-eligible": 11,
    }
    analyst = metrics.loop_closure(
        start=Q1.start,
        end=Q1.end,
        scope=MetricsScope(organization_ids=None, suppress_small_cells=True),
    )
    assert table.total is not None
    assert table.total.values["sent"] == analyst.overall.sent


@pytest.mark.django_db
def test_declined_referrals_since_removed_are_counted_on_their_own(db) -> None:
    ReferralTally.objects.create(
        month=dt.date(2026, 2, 1), status="rejected", removed_for=RemovalReason.ERASURE, count=9
    )
    ReferralTally.objects.create(
        month=dt.date(2026, 3, 1), status="rejected", removed_for=RemovalReason.RETENTION, count=3
    )
    ReferralTally.objects.create(
        month=dt.date(2026, 3, 1), status="completed", removed_for=RemovalReason.RETENTION, count=50
    )
    assert unmet.removed_declined(Q1.start, Q1.end) == 12
    assert unmet.removed_declined(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) is Suppressed.PRIMARY


@pytest.fixture
def screened(organization, other_organization, resident):
    clinic = Service.objects.create(organization=other_organization, name="Pantry")
    for i in range(22):
        person = make_person(organization, given_name=f"P{i}")
        at = MARCH + i * H
        domains = ["food", "housing"] if i < 11 else ["food"]
        Screening.objects.create(
            person=person,
            organization=organization,
            instrument="ahc-hrsn",
            result={"scores": {"total": 2}, "positive_domains": domains},
            created_at=at,
        )
        later = 5 * D if i < 11 else 40 * D
        _refer(person, organization, clinic, "requested", [], sent=at + later, needs=["food"])
    # A resident's own self-screen: no person a navigator could refer.
    Screening.objects.create(
        user=resident,
        instrument="ahc-hrsn",
        result={"scores": {"total": 2}, "positive_domains": ["food"]},
        created_at=MARCH,
    )


@pytest.mark.django_db
def test_it_counts_needs_screened_positive_with_and_without_a_referral(screened) -> None:
    table = unmet.needs_table(Q1.start, Q1.end)
    assert _values(table) == {
        "food": {"referred": 11, "not_referred": 11, "total": 22},
        "housing": {"referred": 0, "not_referred": 11, "total": 11},
    }


@pytest.mark.django_db
def test_the_report_holds_every_table(searches) -> None:
    report = unmet.report(Q1)
    assert [t.name for t in report.tables] == [
        "searches_by_category",
        "searches_by_area",
        "declined_by_partner",
        "waiting_by_partner",
        "needs_without_referral",
    ]
    assert report.table("declined_by_partner").lines == ()
    assert report.removed_declined == 0


def _solvable(by_category: unmet.Table, by_area: unmet.Table, *, partition: bool) -> list:
    """The hidden figures a reader could work out from both published tables together."""
    columns = ("none", "few", "enough")
    equations: list[dict] = []
    hidden: set = set()
    known: dict = {}

    def cell(position, value) -> tuple:
        (hidden.add(position) if isinstance(value, Suppressed) else known.update({position: value}))
        return position

    assert by_area.total is not None
    for name, table in (("area", by_area), ("category", by_category)):
        for i, line in enumerate(table.lines):
            row = {cell((name, i, c), line.values[c]): 1 for c in columns}
            row[cell((name, i, "total"), line.values["total"])] = -1
            equations.append(row)
        if name == "area" or partition:
            for c in (*columns, "total"):
                sums = {(name, i, c): 1 for i in range(len(table.lines))}
                sums[cell(("all", c), by_area.total.values[c])] = -1
                equations.append(sums)
    return deidentify._determined(equations, hidden)


@pytest.mark.django_db
def test_a_cell_hidden_in_one_search_table_cannot_be_worked_out_from_the_other(db) -> None:
    # One category for every search, so the category rows add up to the areas' "All" row.
    # Suppressing each table on its own left four hidden category cells solvable here
    # (found by a random search over small worlds).
    world = {
        ("33135", "1102", 1): 5,
        ("33135", "1103", 0): 20,
        ("33135", "1103", 1): 20,
        ("33135", "1103", 9): 20,
        ("33135", "1104", 0): 15,
        ("33135", "1104", 1): 2,
        ("33010", "1102", 0): 20,
        ("33010", "1102", 9): 15,
        ("33010", "1103", 0): 15,
        ("33010", "1103", 9): 20,
        ("33010", "1104", 0): 5,
        ("33010", "1104", 1): 2,
    }
    for (area, code, results), n in world.items():
        _searches(n, area=area, categories=[code], results=results)
    by_category, by_area = unmet.search_tables(Q1.start, Q1.end)
    assert any(
        isinstance(v, Suppressed) for line in by_category.lines for v in line.values.values()
    )
    assert _solvable(by_category, by_area, partition=True) == []
