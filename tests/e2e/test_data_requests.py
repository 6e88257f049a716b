"""A person's data requests in a browser: the privacy lead's page passes axe-core in each
state, fits 320 px, and exports and erases without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def request_case(site):
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.referrals.tests.people_fixtures import make_person

    navigators = Organization.objects.create(name="Northside Navigators")
    lead = User.objects.create_user(username="pia.privacy", password=PASSWORD)
    Membership.objects.create(user=lead, organization=navigators, role="coalition_admin")
    return make_person(navigators, phone="305-555-0123")


def test_the_page_is_accessible_in_every_state_and_fits_320(
    axe, browser, page, site, request_case
) -> None:
    url = reverse("referrals:person_data_requests", args=[request_case.pk])
    sign_in(page, "pia.privacy")
    page.goto(url)
    assert page.get_by_role("heading", name="Data requests", level=1).is_visible()
    assert_accessible(page, axe)
    # Erase without the box ticked: the form comes back with its error announced.
    page.get_by_label("Request reference").nth(1).fill("DSR-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Erase this person's data").click()
    assert page.title().startswith("Error:")
    assert_accessible(page, axe)

    phone = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        small = phone.new_page()
        sign_in(small, "pia.privacy")
        small.goto(url)
        width = small.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"{url} is {width} px wide at a 320 px viewport"
    finally:
        phone.close()


def test_export_and_erase_work_without_javascript(browser, site, request_case) -> None:
    from commonweal.referrals.models import Person

    url = reverse("referrals:person_data_requests", args=[request_case.pk])
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "pia.privacy")
        page.goto(url)
        page.get_by_label("Request reference").first.fill("DSR-2")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download").click()
        assert download.value.suggested_filename == f"person-{request_case.pk}.json"
        page.get_by_label("Request reference").nth(1).fill("DSR-2")
        page.get_by_label("I understand").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Erase this person's data").click()
        assert "The person's data was erased." in page.content()
    finally:
        context.close()
    assert not Person.objects.filter(pk=request_case.pk).exists()
