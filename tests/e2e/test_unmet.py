"""The unmet-need page: a quarter chosen with JavaScript off, tables readable at 320 px,
hidden figures as words, axe-core clean."""

from __future__ import annotations

import datetime as dt
import re

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems


def _world() -> None:
    """Searches in August 2026 (33010 too small to show alone), and an analyst."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.insights.tests.test_unmet import _searches

    day = dt.date(2026, 8, 3)
    _searches(12, area="33135", categories=["1102"], results=0, day=day)
    _searches(14, area="33135", categories=["1102"], results=8, day=day)
    _searches(4, area="33010", categories=["1102"], results=1, day=day)
    _searches(12, area="33130", categories=["1102"], results=5, day=day)
    home = Organization.objects.create(name="Northside Food Bank", description="Food.")
    analyst = User.objects.create_user(username="ana.analyst", password=PASSWORD)
    Membership.objects.create(user=analyst, organization=home, role="analyst")


def test_an_analyst_chooses_a_quarter_without_javascript_at_320_px(
    browser, site, monkeypatch
) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))
    _world()
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        page.goto("/insights/unmet/")
        page.get_by_label("Quarter").select_option("2026-Q3")
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        assert "quarter=2026-Q3" in page.url
        table = page.get_by_role("table", name=re.compile("Searches by area"))
        text = table.inner_text()
        assert "33135" in text and "fewer than 11" in text
        assert "33010" not in text  # pooled with the other small areas
        figures = [f.strip() for f in page.locator(".figure").all_inner_texts()]
        assert not [f for f in figures if re.fullmatch(r"([1-9]|10)", f)]
        assert table.get_attribute("aria-describedby") == "suppression-note"
        link = page.get_by_role("link", name=re.compile("Searches by area.*CSV"))
        assert link.get_attribute("href") == "/insights/unmet/searches_by_area.csv?quarter=2026-Q3"
        assert small_screen_problems(page) == []
    finally:
        context.close()


def test_the_page_is_axe_clean_at_320_px(axe, browser, site, monkeypatch) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))
    _world()
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        page.goto("/insights/unmet/?quarter=2026-Q3")
        assert page.get_by_role("table").count() >= 2
        assert_accessible(page, axe)
        # A quarter that is not offered: the error is announced, and the page still clean.
        page.goto("/insights/unmet/?quarter=2031-Q1")
        assert "Choose one of the completed quarters" in page.get_by_role("alert").inner_text()
        assert_accessible(page, axe)
    finally:
        context.close()


def test_a_search_typed_with_pauses_is_logged_once(browser, site, small_directory) -> None:
    from commonweal.insights.models import SearchEvent

    context = browser.new_context(base_url=site)
    try:
        page = context.new_page()
        page.goto("/search/")
        box = page.get_by_label("What do you need?")
        # A slow typist: the page searches after each pause (600 ms), "pan", "pant", …
        for part in ("pan", "t", "ry"):
            with page.expect_response(lambda r: "/search/" in r.url):
                box.press_sequentially(part)
        with page.expect_response(lambda r: "/search/" in r.url):
            box.press("Enter")
        page.wait_for_timeout(800)
        events = list(SearchEvent.objects.values_list("results", flat=True))
        assert len(events) == 1, events
        assert events[0] >= 1  # "pantry", not "pan"
        # A quick typist presses Enter before the page searched as they typed.
        box.fill("")
        box.press_sequentially("clinic", delay=20)
        box.press("Enter")
        page.wait_for_timeout(2000)
        assert SearchEvent.objects.count() == 2
    finally:
        context.close()
