"""Resident pages in a real browser: crisis lines always visible, no sideways scroll on a
320 px phone, and the service page complete without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in

pytestmark = pytest.mark.browser

RESIDENT_PAGES = ["home", "category", "service", "organization", "about", "sign in", "sign up"]
CRISIS_LINKS = {
    "988 Suicide & Crisis Lifeline": 'a[href="tel:988"]:visible',
    "Crisis Text Line (HOME to 741741)": 'a[href^="sms:741741"]:visible',
    "911": 'a[href="tel:911"]:visible',
}


@pytest.mark.parametrize("name", RESIDENT_PAGES)
def test_it_shows_the_crisis_lines_on_every_resident_page(page, small_directory, name) -> None:
    page.goto(small_directory.resident_pages()[name])
    for line, selector in CRISIS_LINKS.items():
        assert page.locator(selector).count() >= 1, f"{line} not visible on {name}"
    assert "HOME" in page.locator('a[href^="sms:741741"]:visible').first.inner_text()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", RESIDENT_PAGES)
def test_it_does_not_scroll_sideways_at_320_px(
    browser, site, small_directory, name, language
) -> None:
    # Spanish runs longer than English: both must fit a small phone.
    context = browser.new_context(
        base_url=site,
        viewport={"width": 320, "height": 640},
        extra_http_headers={"Accept-Language": language},
    )
    try:
        phone = context.new_page()
        phone.goto(small_directory.resident_pages()[name])
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"{name} ({language}) is {width} px wide at a 320 px viewport"
    finally:
        context.close()


def test_it_shows_a_complete_service_page_without_javascript(
    browser, site, small_directory
) -> None:
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        # Get there the way a resident would: home, category, subcategory, service.
        page.goto(reverse("web:home"))
        page.get_by_role("main").get_by_role("link", name="Food").first.click()
        page.get_by_role("main").get_by_role("link", name="Weekend Food Pantry").first.click()
        assert page.url.endswith(small_directory.service.get_absolute_url())
        assert page.get_by_role("heading", level=1).inner_text() == "Weekend Food Pantry"
        main = page.get_by_role("main")
        assert main.locator('a[href^="tel:"]').first.is_visible()
        assert "305" in main.locator('a[href^="tel:"]').first.inner_text()
        assert main.get_by_text("100 NW 1st Ave").first.is_visible()
        assert main.get_by_text("Free groceries every weekend.").is_visible()
        assert main.get_by_role("link", name="Northside Food Bank").first.is_visible()
        assert page.locator('a[href="tel:988"]:visible').count() >= 1
    finally:
        context.close()


def test_it_searches_without_javascript(browser, site, small_directory) -> None:
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(reverse("web:home"))
        search_box = page.get_by_role("main").get_by_role("searchbox").first
        search_box.fill("pantry")
        search_box.press("Enter")
        page.wait_for_load_state()
        assert (
            page.get_by_role("main")
            .get_by_role("link", name="Weekend Food Pantry")
            .first.is_visible()
        )
    finally:
        context.close()


def test_it_serves_the_stylesheets_it_links(page, small_directory) -> None:
    # Without them every layout check here would pass on an unstyled page.
    page.goto(reverse("web:home"))
    hrefs = page.eval_on_selector_all('link[rel="stylesheet"]', "links => links.map(l => l.href)")
    assert hrefs
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, href
        assert "text/css" in response.headers["content-type"]


def test_it_does_not_scroll_sideways_on_the_account_page_at_320_px(
    browser, site, small_directory
) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        sign_in(phone, "pat.partner")
        phone.get_by_label("Token name").fill("a rather long token name for a phone")
        phone.get_by_role("button", name="Create token").click()
        # Measure the page that shows the new token, not the one being left.
        phone.get_by_role("textbox", name="API token").wait_for()
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"the account page is {width} px wide at a 320 px viewport"
    finally:
        context.close()


# A word split across lines in a cell ("St" / "at us") gives its text node several line boxes.
BROKEN_WORDS = """() => [...document.querySelectorAll('.table th, .table td')].flatMap(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const broken = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const word = node.textContent.trim();
        if (word.length < 2 || /\\s/.test(word)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(word);
    }
    return broken;
})"""


def test_it_keeps_table_words_whole_and_scrolls_tables_in_place_at_320_px(
    browser, site, small_directory
) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        sign_in(phone, "pat.partner")
        phone.get_by_label("Token name").fill("reporting")
        phone.get_by_role("button", name="Create token").click()
        phone.get_by_role("textbox", name="API token").wait_for()
        tables = {
            reverse("accounts:home"): "Your active API tokens",
            reverse("directory:my_organizations"): "Services of Northside Food Bank",
        }
        for url, caption in tables.items():
            phone.goto(url)
            assert phone.evaluate(BROKEN_WORDS) == [], url
            width = phone.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 320, f"{url} is {width} px wide at a 320 px viewport"
            # Keyboard users reach the scrolling table by its caption's name.
            region = phone.get_by_role("region", name=caption)
            region.focus()
            expect(region).to_be_focused()
    finally:
        context.close()
