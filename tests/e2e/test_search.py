"""The search page in a real browser: filters with and without JavaScript, results that
update in place (htmx), "use my location", a 320 px phone, "my list", and axe-core checks
of every state a resident can reach."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonweal.directory import views
from commonweal.directory.search.types import CrisisLevel
from tests.e2e.browsing import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SEARCH = reverse("directory:search")


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def results(page):
    return page.locator("#results")


def test_filters_work_without_javascript(browser, site, small_directory) -> None:
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(SEARCH)
        # Without JavaScript there is no "use my location" button to press.
        expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
        page.get_by_label("What do you need?").fill("pantry")
        page.locator("details.filters > summary").click()
        page.get_by_label("Language spoken").select_option("es")
        with page.expect_navigation():
            page.get_by_role("button", name="Search", exact=True).click()
        assert params(page.url)["language"] == ["es"]
        expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
        # A filter nothing matches empties the list, and the page offers ways out.
        summary = page.locator("details.filters > summary")
        expect(summary).to_contain_text("1 chosen")
        summary.click()
        page.get_by_label("Accepting new clients").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Search", exact=True).click()
        expect(results(page).get_by_text("0 services found")).to_be_visible()
        expect(results(page).locator('a[href="tel:211"]')).to_be_visible()
        with page.expect_navigation():
            page.get_by_role("link", name="Clear filters").click()
        assert params(page.url) == {"q": ["pantry"]}
        expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    finally:
        context.close()


def test_results_update_in_place_as_filters_change(page, small_directory) -> None:
    page.goto(SEARCH)
    page.evaluate("window.__samePage = true")
    page.get_by_label("What do you need?").fill("pantry")
    expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    # On a wide screen the filter panel starts open.
    expect(page.locator("details.filters[open]")).to_have_count(1)
    page.get_by_label("Accepting new clients").check()
    expect(results(page).get_by_text("0 services found")).to_be_visible()
    page.get_by_label("Accepting new clients").uncheck()
    expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    # No page load happened, and the address bar holds the shareable search.
    assert page.evaluate("window.__samePage") is True
    assert params(page.url) == {"q": ["pantry"]}
    expect(page.locator("#results-status")).to_have_text(re.compile("1 service found"))


def test_use_my_location_when_the_browser_shares_it(browser, site, small_directory) -> None:
    context = browser.new_context(
        base_url=site,
        geolocation={"latitude": 25.8512, "longitude": -80.2099},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto(SEARCH + "?q=pantry")
        page.get_by_role("button", name="Use my location").click()
        expect(results(page).get_by_text("near your location")).to_be_visible()
        query = params(page.url)
        assert query["lat"] == ["25.85"] and query["lon"] == ["-80.21"]
        expect(results(page).get_by_text("Distance:")).to_be_visible()
    finally:
        context.close()


def test_use_my_location_when_the_browser_refuses(browser, site, small_directory) -> None:
    context = browser.new_context(base_url=site)  # no geolocation permission granted
    try:
        page = context.new_page()
        page.goto(SEARCH)
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("#near-me-status")).to_have_text(
            re.compile("did not share your location")
        )
        expect(page.get_by_label("Where?")).to_be_focused()
        assert "lat" not in params(page.url)
    finally:
        context.close()


def test_a_phone_never_scrolls_sideways_on_results(browser, site, small_directory) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        phone.goto(SEARCH + "?q=pantry&free=on&language=es")
        # Results come first on a phone: the filters wait behind their summary.
        expect(phone.locator("details.filters[open]")).to_have_count(0)
        expect(phone.locator("details.filters > summary")).to_contain_text("2 chosen")
        phone.locator("details.filters > summary").click()
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"the results page is {width} px wide at a 320 px viewport"
    finally:
        context.close()


def test_add_to_my_list_then_print_it(page, small_directory) -> None:
    page.goto(SEARCH + "?q=pantry")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name=re.compile("^Add to my list")).click()
    expect(results(page).get_by_text("On your list")).to_be_visible()
    expect(page.locator("#my-list-link")).to_have_text("My list (1 service)")
    # The keyboard stays where it was: on the button, which now removes the service.
    expect(page.get_by_role("button", name=re.compile("^Remove from my list"))).to_be_focused()
    expect(page.locator("#list-status")).to_have_text("Added “Weekend Food Pantry” to your list.")
    assert page.evaluate("window.__samePage") is True
    page.locator("#my-list-link").click()
    expect(page.get_by_role("heading", name="My list")).to_be_visible()
    page.get_by_role("link", name="Print the list").click()
    expect(page.get_by_role("heading", name="Weekend Food Pantry")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()


# Accessibility of every state --------------------------------------------------------


def _with_crisis(monkeypatch, level: CrisisLevel) -> None:
    """The real engine's answer with the crisis level set, to check each layout alike."""
    real = views._run_search

    def answer(request):
        return dataclasses.replace(real(request), crisis=level)

    monkeypatch.setattr(views, "_run_search", answer)


@pytest.mark.parametrize(
    "query",
    [
        "?q=pantry",  # results
        "?q=pantry&accepting=on",  # empty results, with the ways out
        "?q=pantry&age=-4&open=at&open_time=99",  # the form with errors
        "?q=I+want+to+kill+myself",  # the crisis takeover
    ],
    ids=["results", "empty", "errors", "emergency"],
)
def test_search_states_have_no_wcag_violations(axe, page, small_directory, query) -> None:
    response = page.goto(SEARCH + query)
    assert response.status == 200
    assert_accessible(page, axe)


def test_emergency_takeover_comes_first(axe, page, small_directory, monkeypatch) -> None:
    _with_crisis(monkeypatch, CrisisLevel.EMERGENCY)
    page.goto(SEARCH + "?q=pantry")
    expect(page.locator(".crisis-first")).to_be_visible()
    expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    assert_accessible(page, axe)


def test_crisis_topic_box_has_no_wcag_violations(axe, page, small_directory, monkeypatch) -> None:
    _with_crisis(monkeypatch, CrisisLevel.TOPIC)
    page.goto(SEARCH + "?q=pantry")
    expect(page.locator(".crisis-topic")).to_be_visible()
    expect(page.locator(".crisis-first")).to_have_count(0)
    assert_accessible(page, axe)


def test_my_list_and_print_view_have_no_wcag_violations(axe, page, small_directory) -> None:
    sign_in(page, "pat.partner")  # signed in: the send forms are on the page too
    page.goto(SEARCH + "?q=pantry")
    page.get_by_role("button", name=re.compile("^Add to my list")).click()
    expect(results(page).get_by_text("On your list")).to_be_visible()
    page.goto(reverse("directory:my_list"))
    expect(page.get_by_label("Mobile number")).to_be_visible()
    assert_accessible(page, axe)
    page.get_by_role("button", name="Send text message").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, axe)
    page.goto(reverse("directory:my_list_print"))
    assert_accessible(page, axe)
