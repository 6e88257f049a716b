"""The outcomes page: axe-core clean, usable 320 px wide, and complete without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems

URL = "/insights/outcomes/?quarter=2026-Q1"


def _world() -> None:
    """PHQ-9 pairs at two partners (15 and 12 people) and three at a third (hidden)."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.insights.tests.test_outcome_views import FIRST, LATEST, _phq9
    from commonweal.referrals.tests.people_fixtures import make_person

    for name, people, first, latest in (
        ("Northside Food Bank", 15, 16, 6),
        ("Westside Counselling", 12, 12, 10),
        ("Eastside Clinic", 3, 10, 14),
    ):
        organization = Organization.objects.create(name=name, description="Help.")
        for i in range(people):
            person = make_person(organization, given_name=f"P{i}")
            _phq9(person, organization, FIRST, first + i % 3)
            _phq9(person, organization, LATEST, latest)
    analyst = User.objects.create_user(username="ana.analyst", password=PASSWORD)
    Membership.objects.create(user=analyst, organization=organization, role="analyst")


@pytest.fixture
def december(monkeypatch) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))


def _check(page: Any) -> None:
    page.goto(URL)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Outcomes")
    table = page.get_by_role("table", name=re.compile("PHQ-9: change"))
    assert "Northside Food Bank" in table.inner_text()
    assert "fewer than 11" in table.inner_text()
    figures = [f.strip() for f in page.locator(".figure").all_inner_texts()]
    assert figures and not [f for f in figures if re.fullmatch(r"([1-9]|10)", f)]
    # Each chart has its table: the SVG names it, and the table holds the same figures.
    assert page.locator("svg[role=img] title").count() >= 2


def test_the_outcomes_page_is_accessible_at_320_px(axe, browser, site, december) -> None:
    _world()
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        _check(page)
        assert_accessible(page, axe)
        assert not small_screen_problems(page)
    finally:
        context.close()


def test_the_outcomes_page_filters_without_javascript(browser, site, december) -> None:
    _world()
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        _check(page)
        page.get_by_label("Instrument", exact=True).select_option("phq-9")
        page.get_by_label("Partner", exact=True).select_option(label="Northside Food Bank")
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        assert "instrument=phq-9" in page.url
        text = page.get_by_role("table", name=re.compile("PHQ-9: change")).inner_text()
        assert "Northside Food Bank" in text and "Westside" not in text
        assert page.get_by_role("heading", name="GAD-7").count() == 0
    finally:
        context.close()
