"""Screening in a browser: keyboard-only answers, crisis help first, no sideways scroll at
320 px, without JavaScript, and axe-core (WCAG 2.1 AA) on every screening and people page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

PHQ9_ITEMS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
]


@pytest.fixture
def care(site) -> dict[str, Any]:
    """A navigator, a person in their organisation's care with two screenings, a food pantry."""
    from commonweal.accounts.models import Membership, User
    from commonweal.referrals import people
    from commonweal.screening import instruments, recording
    from commonweal.screening.tests.directory_fixtures import make_food_pantry

    make_food_pantry()
    from commonweal.directory.models import Organization

    organization = Organization.objects.create(name="Northside Navigators")
    navigator = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=navigator, organization=organization, role="navigator")
    person = people.create_person(
        values={
            "given_name": "Maria",
            "family_name": "Lopez",
            "date_of_birth": dt.date(1980, 5, 17),
            "zip_code": "33138",
        },
        organization=organization,
        by=navigator,
    )
    for level in (2, 1):
        recording.record_for_person(
            person=person,
            instrument=instruments.get("phq-9"),
            language="en",
            by=navigator,
            answers={
                item: ["LA6568-5", "LA6569-3", "LA6570-1"][level if item != "44260-8" else 0]
                for item in PHQ9_ITEMS
            },
        )
    return {"navigator": navigator, "person": person, "organization": organization}


def _no_sideways_scroll(page: Any, what: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 320, f"{what} is {width} px wide at a 320 px viewport"


def _answer_phq9_by_keyboard(page: Any, item9_level: int = 0) -> None:
    """Tab from group to group; arrows choose within a radio group; Enter submits."""
    page.locator('input[name="44250-9"]').first.focus()
    for link_id in PHQ9_ITEMS:
        level = item9_level if link_id == "44260-8" else 1
        page.keyboard.press("Space")  # the first option of the group
        for _ in range(level):
            page.keyboard.press("ArrowDown")
        assert page.locator(f'input[name="{link_id}"]:checked').count() == 1
        page.keyboard.press("Tab")
    # The difficulty question (not scored) is left out; Tab reached the submit button.


def test_a_resident_self_screens_with_the_keyboard_only(page, small_directory) -> None:
    page.goto(reverse("screening:self_screen", args=["phq-9"]))
    _answer_phq9_by_keyboard(page)
    while page.evaluate("document.activeElement.tagName") != "BUTTON":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Your results").is_visible()
    assert page.get_by_text("Score: 8 of 27").is_visible()


def test_crisis_help_comes_first_when_item_9_is_answered(axe, page, small_directory) -> None:
    page.goto(reverse("screening:self_screen", args=["phq-9"]))
    _answer_phq9_by_keyboard(page, item9_level=2)
    with page.expect_navigation():
        page.get_by_role("button", name="See my results").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Please talk to someone today"
    call = page.get_by_role("main").get_by_role("link", name="Call 988 988 Suicide")
    assert call.get_attribute("href") == "tel:988"
    assert call.is_visible()
    assert page.get_by_text("Score:").count() == 0
    assert_accessible(page, axe)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to my results").click()
    assert page.get_by_text("Score: 10 of 27").is_visible()
    assert_accessible(page, axe)


def test_an_acute_answer_is_an_emergency_page(axe, page, small_directory) -> None:
    page.goto(reverse("screening:self_screen", args=["asq"]))
    page.locator('input[name="asq-1"][value="LA33-6"]').check()
    for link_id in ("asq-2", "asq-3", "asq-4"):
        page.locator(f'input[name="{link_id}"][value="LA32-8"]').check()
    page.locator('input[name="asq-5"][value="LA33-6"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="See my results").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Please get help right now"
    assert page.get_by_role("link", name="Call 911 now").get_attribute("href") == "tel:911"
    assert_accessible(page, axe)


def test_a_partial_form_announces_its_errors_and_links_to_each_question(
    axe, page, small_directory
) -> None:
    page.goto(reverse("screening:self_screen", args=["phq-9"]))
    page.locator('input[name="44250-9"]').first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="See my results").click()
    alert = page.get_by_role("alert").first
    assert alert.is_visible() and "There is a problem" in alert.inner_text()
    alert.get_by_role("link").nth(0).click()
    assert page.evaluate("document.activeElement.id") == "id_44255-8-q"
    assert page.title().startswith("Error:")
    assert_accessible(page, axe)


def test_self_screening_works_without_javascript(browser, site, small_directory) -> None:
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(reverse("screening:self_screen", args=["gad-2"]))
        page.locator('input[name="69725-0"][value="LA6571-9"]').check()
        page.locator('input[name="68509-9"][value="LA6571-9"]').check()
        page.get_by_role("button", name="See my results").click()
        page.get_by_role("heading", name="Your results").wait_for()
        page.get_by_label("Your ZIP code").fill("33138")
        page.get_by_role("button", name="Show services near me").click()
        page.get_by_text("Help near 33138").wait_for()
    finally:
        context.close()


@pytest.mark.parametrize("code", ["phq-9", "ahc-hrsn", "asq"])
def test_the_resident_pages_fit_a_320_px_phone(browser, site, small_directory, code) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        phone.goto(reverse("screening:instrument_list"))
        _no_sideways_scroll(phone, "the check-up list")
        phone.goto(reverse("screening:self_screen", args=[code]))
        _no_sideways_scroll(phone, f"the {code} form")
        if code == "asq":
            phone.locator('input[name="asq-1"][value="LA33-6"]').check()
            with phone.expect_navigation():
                phone.get_by_role("button", name="See my results").click()
            _no_sideways_scroll(phone, "the crisis page")
    finally:
        context.close()


def test_the_resident_pages_have_no_wcag_violations(axe, page, small_directory) -> None:
    page.goto(reverse("screening:instrument_list"))
    assert_accessible(page, axe)
    page.goto(reverse("screening:self_screen", args=["ahc-hrsn"]))
    assert_accessible(page, axe)


def test_an_english_only_questionnaire_on_a_spanish_page_is_marked_and_accessible(
    axe, browser, site, small_directory
) -> None:
    context = browser.new_context(base_url=site, locale="es-ES")
    try:
        page = context.new_page()
        page.goto(reverse("screening:self_screen", args=["phq-9"]))
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("div.questionnaire").get_attribute("lang") == "en"
        assert_accessible(page, axe)
    finally:
        context.close()


def test_a_navigator_screens_a_person_and_follows_the_safety_protocol(axe, page, care) -> None:
    sign_in(page, "nina.navigator")
    page.goto(reverse("referrals:person_list"))
    assert_accessible(page, axe)
    page.get_by_role("link", name="Lopez, Maria").click()
    assert page.locator("svg polyline").count() == 1
    assert_accessible(page, axe)
    page.get_by_role("link", name="PHQ-9").click()
    assert_accessible(page, axe)
    for link_id in PHQ9_ITEMS:
        page.locator(f'input[name="{link_id}"][value="LA6569-3"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and score").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Safety protocol: suicide risk"
    assert page.get_by_text("Score:").count() == 0
    assert_accessible(page, axe)
    step = page.locator("#step-thoughts")
    step.get_by_label("No", exact=True).check()
    with page.expect_navigation():
        step.get_by_role("button", name="Record this step").click()
    assert page.locator("#step-thoughts").get_by_text("Recorded at").is_visible()
    assert_accessible(page, axe)
    page.get_by_role("link", name="Continue to the screening results").click()
    assert page.get_by_text("Score: 9 of 27").is_visible()
    assert_accessible(page, axe)
    page.goto(reverse("screening:follow_up_list"))
    assert_accessible(page, axe)


def test_the_navigator_pages_fit_a_320_px_phone(browser, site, care) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        sign_in(phone, "nina.navigator")
        person = care["person"]
        for url in (
            reverse("referrals:person_list"),
            reverse("referrals:person_create"),
            person.get_absolute_url(),
            reverse("screening:person_screen", args=[person.pk, "ahc-hrsn"]),
        ):
            phone.goto(url)
            _no_sideways_scroll(phone, url)
    finally:
        context.close()


def test_adding_a_person_with_errors_is_accessible(axe, page, care) -> None:
    sign_in(page, "nina.navigator")
    page.goto(reverse("referrals:person_create"))
    page.get_by_label("ZIP code").fill("123")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").first.is_visible()
    assert_accessible(page, axe)
