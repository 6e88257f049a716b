"""A gap analysis run from the directory: categories, the minimum population, roll-ups and
demand weighted by the system's own screenings (per ZIP area, never per person)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from commonweal.directory.models import Location, TaxonomyTerm
from commonweal.insights import gap_report, gaps
from commonweal.insights.gap_query import GapQuery
from commonweal.insights.gap_report import CategoryNotFound, need_weights, run, zip_of_areas
from commonweal.insights.supply import supply_for_category
from commonweal.insights.tests.test_gaps_command import _service

TODAY = dt.date(2026, 12, 7)  # the last four completed quarters: 2025-Q4 to 2026-Q3


@pytest.fixture
def counselling(db) -> TaxonomyTerm:
    parent = TaxonomyTerm.objects.create(code="MH", name="Mental health")
    child = TaxonomyTerm.objects.create(code="MH-OUT", name="Outpatient", parent=parent)
    _service(child, at=(25.7743, -80.1937))  # downtown Miami
    _service(child, at=(25.9420, -80.2456))  # Miami Gardens
    _service(child, at=(25.4687, -80.4776))  # Homestead
    TaxonomyTerm.objects.create(code="SHELTER", name="Shelter")  # no services
    _service(
        TaxonomyTerm.objects.create(code="OLD", name="Closed"), at=(25.8, -80.2), status="inactive"
    )
    return parent


def test_it_offers_the_categories_with_active_services_and_their_parents(counselling) -> None:
    assert gap_report.categories() == [("MH", "Mental health"), ("MH-OUT", "Outpatient")]


def test_it_ranks_the_bundled_tracts_as_gaps_compute_does(counselling) -> None:
    report = run(GapQuery(category="MH", method="e2sfca", min_population=0), today=TODAY)
    expected = gaps.compute(
        gap_report.bundled_areas(), supply_for_category("MH").sites, method="e2sfca", max_cost=30
    )
    assert [r.id for r in report.rows] == [r.id for r in expected.ranked()]
    assert [r.score for r in report.rows] == [r.score for r in expected.ranked()]
    assert report.summary["sites"] == 3 and report.summary["areas"] == 1153
    # The Keys (Monroe) are far from every site: part of the region has nothing in reach.
    assert 0 < report.summary["share_without_site"] < 1
    assert report.rows[0].name.startswith("Tract ")


def test_it_leaves_areas_under_the_minimum_population_off_the_list(counselling) -> None:
    everyone = run(GapQuery(category="MH", min_population=0), today=TODAY)
    some = run(GapQuery(category="MH", min_population=2000), today=TODAY)
    assert all(r.population >= 2000 for r in some.rows)
    assert len(some.rows) == sum(1 for r in everyone.rows if r.population >= 2000)
    assert min(r.population for r in everyone.rows) < 100
    assert [r.rank for r in some.rows] == list(range(1, len(some.rows) + 1))


def test_it_rolls_up_to_counties_and_zip_codes(counselling) -> None:
    counties = run(GapQuery(category="MH", by="county"), today=TODAY)
    assert {r.name for r in counties.regions} == {
        "Miami-Dade County", "Broward County", "Monroe County"}  # fmt: skip
    assert counties.regions[0].name == "Monroe County"  # the Keys: least served
    zips = run(GapQuery(category="MH", by="zip"), today=TODAY)
    assert len(zips.regions) > 50
    assert all(r.name.startswith("ZIP ") and len(r.id) == 5 for r in zips.regions)


def test_it_says_so_when_a_category_has_no_services_or_none_in_reach(counselling) -> None:
    empty = run(GapQuery(category="SHELTER"), today=TODAY)
    assert empty.rows == [] and "nothing to measure" in (empty.message or "")
    far = TaxonomyTerm.objects.create(code="FAR", name="Far away")
    _service(far, at=(40.7128, -74.0060))  # New York
    none_in_reach = run(GapQuery(category="FAR"), today=TODAY)
    assert none_in_reach.rows == [] and "within the catchment" in (none_in_reach.message or "")
    with pytest.raises(CategoryNotFound):
        run(GapQuery(category="NOPE"), today=TODAY)


def _screen(organization, zip_code: str, n: int, *, positive: bool = True, on: dt.date) -> None:
    from commonweal.referrals.tests.people_fixtures import make_person
    from commonweal.screening.models import Screening

    person = make_person(organization, zip_code=zip_code)
    when = dt.datetime(on.year, on.month, on.day, 12, tzinfo=dt.UTC)
    for _ in range(n):
        Screening.objects.create(
            person=person,
            instrument="ahc-hrsn",
            result={"scores": {"food": 1}, "positive_domains": ["food"] if positive else []},
            created_at=when,
        )


def test_it_weights_need_by_positive_screens_per_person_in_each_zip_area(organization) -> None:
    areas = gap_report.bundled_areas()
    in_window = dt.date(2026, 5, 1)
    _screen(organization, "33130", 24, on=in_window)
    _screen(organization, "33030-1234", 12, on=in_window)  # ZIP+4 counts as 33030
    _screen(organization, "33130", 9, positive=False, on=in_window)  # negative: no need
    _screen(organization, "33125", 10, on=in_window)  # under 11: not used
    _screen(organization, "33125", 30, on=dt.date(2026, 10, 1))  # the current quarter
    _screen(organization, "10001", 40, on=in_window)  # New York: outside the region
    need = need_weights(areas, TODAY)
    assert need.applied and need.positive_screens == 36 and need.zip_areas == 2
    assert (need.start, need.end) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    zip_of = zip_of_areas(areas)
    zips = np.array([zip_of[str(a)] for a in areas.ids])
    population = {z: areas.population[zips == z].sum() for z in ("33130", "33030")}
    overall = 36 / (population["33130"] + population["33030"])
    assert np.allclose(need.weights[zips == "33130"], 24 / population["33130"] / overall)
    assert np.allclose(need.weights[zips == "33030"], 12 / population["33030"] / overall)
    assert (need.weights[(zips != "33130") & (zips != "33030")] == 1).all()


def test_it_runs_unweighted_and_says_so_with_too_few_positive_screens(
    organization, counselling
) -> None:
    _screen(organization, "33130", 10, on=dt.date(2026, 5, 1))
    report = run(GapQuery(category="MH", need=True), today=TODAY)
    plain = run(GapQuery(category="MH"), today=TODAY)
    assert report.need is not None and not report.need.applied
    assert [r.score for r in report.rows] == [r.score for r in plain.rows]


def test_weighting_by_need_moves_the_scores(organization, counselling) -> None:
    _screen(organization, "33130", 30, on=dt.date(2026, 5, 1))
    _screen(organization, "33030", 11, on=dt.date(2026, 5, 1))
    weighted = run(GapQuery(category="MH", need=True), today=TODAY)
    plain = run(GapQuery(category="MH"), today=TODAY)
    assert weighted.need is not None and weighted.need.applied
    assert [r.score for r in weighted.rows] != [r.score for r in plain.rows]


def test_a_location_without_coordinates_is_counted_as_left_out(counselling) -> None:
    _service(TaxonomyTerm.objects.get(code="MH-OUT"), at=None)
    assert Location.objects.filter(latitude__isnull=True).count() == 1
    report = run(GapQuery(category="MH"), today=TODAY)
    assert report.summary["services_without_coordinates"] == 1
