"""The search page in a real browser: filters with and without JavaScript, results that
update in place (htmx), "use my location", a 320 px phone, "my list", and axe-core checks
of every state a resident can reach."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonweal.directory import views
from commonweal.directory.search.types import CrisisLevel
from tests.e2e.browsing import PASSWORD, assert_accessible

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
    # What the form says about the search follows the results, not the first page load.
    expect(page.locator("details.filters > summary")).to_contain_text("1 chosen")
    expect(page.get_by_role("link", name="Clear filters")).to_have_attribute(
        "href", SEARCH + "?q=pantry"
    )
    expect(page).to_have_title(re.compile("^Results for “pantry”"))
    page.get_by_label("Accepting new clients").uncheck()
    expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    # No page load happened, and the address bar holds the shareable search.
    assert page.evaluate("window.__samePage") is True
    assert params(page.url) == {"q": ["pantry"]}
    expect(page.locator("#results-status")).to_have_text(re.compile("1 service found"))
    expect(page.locator("#results-status")).to_have_attribute("role", "status")
    expect(page.get_by_role("link", name="Clear filters")).to_have_count(0)
    # Focus stays where the person is working: in the box they typed in last.
    page.get_by_label("What do you need?").fill("food pantry")
    expect(page).to_have_title(re.compile("^Results for “food pantry”"))
    expect(page.get_by_label("What do you need?")).to_be_focused()
    # Crisis words bring crisis help above the form; it stays while filters change.
    page.get_by_label("What do you need?").fill("I want to kill myself")
    expect(page.locator(".crisis-first")).to_be_visible()
    page.get_by_label("Accessible").check()
    expect(page.locator("details.filters > summary")).to_contain_text("1 chosen")
    expect(page.locator(".crisis-first")).to_be_visible()
    page.get_by_label("Accessible").uncheck()
    page.get_by_label("What do you need?").fill("food pantry")
    expect(page.locator(".crisis-first")).to_have_count(0)
    # A fetch that fails is said, not hidden behind the old results.
    page.route("**/search/?*", lambda route: route.fulfill(status=500, body="down"))
    page.get_by_label("Free or sliding scale").check()
    expect(page.locator("#results-error")).to_have_text(re.compile("could not be updated"))
    expect(results(page)).not_to_have_attribute("aria-busy", "true")
    page.unroute("**/search/?*")
    page.get_by_label("Free or sliding scale").uncheck()
    expect(page.locator("#results-error")).to_be_hidden()
    expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()


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
        # The crisis takeover and the list a navigator prints: no sideways scroll either.
        phone.goto(SEARCH + "?q=I+want+to+kill+myself&age=-1")
        expect(phone.locator(".crisis-first")).to_be_visible()
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"the crisis page is {width} px wide at a 320 px viewport"
        phone.goto(SEARCH + "?q=pantry")
        phone.get_by_role("button", name=re.compile("^Add to my list")).click()
        expect(phone.locator("#my-list-link")).to_contain_text("1")
        for url in (reverse("directory:my_list"), reverse("directory:my_list_print")):
            phone.goto(url)
            width = phone.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 320, f"{url} is {width} px wide at a 320 px viewport"
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


def test_emergency_takeover_comes_first(axe, page, small_directory, monkeypatch) -> None:
    _with_crisis(monkeypatch, CrisisLevel.EMERGENCY)
    page.goto(SEARCH + "?q=pantry")
    expect(page.locator(".crisis-first")).to_be_visible()
    expect(results(page).get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    assert_accessible(page, axe)


# Each state a resident or navigator reaches, in both shipped languages. One browser page
# walks them all: a page load per state, not a live server per state.
STATES = {
    "en": {
        "search": "Search",
        "emergency": "I want to kill myself",
        "topic": "suicide prevention training volunteer",
        "send_text": "Send text message",
        "add": "^Add to my list",
    },
    "es": {
        "search": "Buscar",
        "emergency": "quiero morir",
        "topic": "voluntario de prevención del suicidio",
        "send_text": "Enviar mensaje de texto",
        "add": "^Agregar a mi lista",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_state_has_no_wcag_violations(axe, browser, site, small_directory, language):
    words = STATES[language]
    context = browser.new_context(base_url=site, locale=language)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        # Signed in as a navigator would be, so "my list" shows the send forms too.
        page.goto(reverse("accounts:login"))
        page.locator("#id_username").fill("pat.partner")
        page.locator("#id_password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()

        def check(query: str, *expect_in_page: str) -> None:
            response = page.goto(SEARCH + query)
            assert response.status == 200
            expect(page.locator("html")).to_have_attribute("lang", language)
            for selector in expect_in_page:
                expect(page.locator(selector).first).to_be_attached()
            assert_accessible(page, axe)

        check("", "form[role=search]")  # the empty page
        # Results, with the filter panel open (a wide screen opens it).
        check("?q=pantry&language=es", "details.filters[open]", "#results .card")
        check("?q=pantry&accepting=on", ".suggestions")  # nothing matched
        check("?q=pantry&age=-4&open=at&open_time=99", "#results [role=alert]")
        check("?" + urlencode({"q": words["emergency"]}), ".crisis-first")
        check("?" + urlencode({"q": words["topic"]}), ".crisis-topic")

        page.goto(SEARCH + "?q=pantry")
        page.get_by_role("button", name=re.compile(words["add"])).click()
        expect(page.locator("#my-list-link")).to_contain_text("1")
        page.goto(reverse("directory:my_list"))
        expect(page.locator("#id_text-phone")).to_be_visible()
        assert_accessible(page, axe)
        page.get_by_role("button", name=words["send_text"]).click()
        expect(page.get_by_role("alert").first).to_be_visible()
        assert_accessible(page, axe)
        page.goto(reverse("directory:my_list_print"))
        expect(page.get_by_role("heading", name=small_directory.service.name)).to_be_visible()
        assert_accessible(page, axe)
    finally:
        context.close()
