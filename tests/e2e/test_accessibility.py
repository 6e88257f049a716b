"""axe-core finds no WCAG 2.1 A/AA violations on the resident, account and partner pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.e2e.browsing import assert_accessible, sign_in

pytestmark = pytest.mark.browser

RESIDENT_PAGES = ["home", "category", "service", "organization", "about", "sign in", "sign up"]


@pytest.mark.parametrize("name", RESIDENT_PAGES)
def test_it_has_no_wcag_violations_on_resident_pages(axe, page, small_directory, name) -> None:
    response = page.goto(small_directory.resident_pages()[name])
    assert response.status == 200
    assert_accessible(page, axe)


def test_it_has_no_wcag_violations_on_sign_in_with_errors(axe, page, small_directory) -> None:
    sign_in(page, "pat.partner", "not the password at all")
    assert page.get_by_role("alert").first.is_visible()
    assert_accessible(page, axe)


def test_it_has_no_wcag_violations_on_sign_up_with_errors(axe, page, small_directory) -> None:
    page.goto(reverse("accounts:sign_up"))
    page.get_by_label("Username").fill("rita")
    page.get_by_label(re.compile(r"^Password:?$")).fill("12345678")
    page.get_by_label("Password confirmation").fill("12345678")
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    assert page.get_by_role("alert").first.is_visible()
    assert_accessible(page, axe)


def test_it_has_no_wcag_violations_on_the_account_page_with_tokens(
    axe, page, small_directory
) -> None:
    sign_in(page, "pat.partner")
    page.goto(reverse("accounts:home"))
    page.get_by_label("Token name").fill("reporting script")
    page.get_by_role("button", name="Create token").click()
    # The page that shows the new raw token once, and lists it.
    assert page.get_by_role("textbox", name="API token").input_value().startswith("cw_")
    assert_accessible(page, axe)
    page.goto(reverse("accounts:home"))
    assert page.get_by_role("table").get_by_text("reporting script").is_visible()
    assert_accessible(page, axe)


def test_it_has_no_wcag_violations_on_the_partner_edit_page(axe, page, small_directory) -> None:
    sign_in(page, "pat.partner")
    response = page.goto(reverse("directory:service_edit", args=[small_directory.service.id]))
    assert response.status == 200
    assert_accessible(page, axe)


def test_it_would_catch_a_violation(axe, page, site) -> None:
    # The harness itself: axe-core is loaded and reports a real WCAG failure.
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page, axe)


def test_it_has_no_wcag_violations_when_saving_a_service(axe, page, small_directory) -> None:
    sign_in(page, "pat.partner")
    page.goto(small_directory.service.get_absolute_url())
    page.get_by_role("button", name="Save this service").click()
    page.get_by_role("button", name="Remove from saved").wait_for()
    assert_accessible(page, axe)
    page.goto(reverse("directory:saved_services"))
    assert page.get_by_role("link", name=small_directory.service.name).is_visible()
    assert_accessible(page, axe)
