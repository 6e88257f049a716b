"""A person's access history in a browser: axe-core, 320 px, and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def history(site) -> str:
    """A person read 60 times by a navigator, overseen by a coalition admin: two pages."""
    from commonweal.accounts import audit
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.referrals.tests.people_fixtures import make_person

    organization = Organization.objects.create(name="Northside Navigators")
    navigator = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=navigator, organization=organization, role="navigator")
    admin = User.objects.create_user(username="cora.admin", password=PASSWORD)
    Membership.objects.create(user=admin, organization=organization, role="coalition_admin")
    person = make_person(organization)
    for i in range(60):
        audit.record(
            action="view",
            actor=navigator,
            obj=person,
            person_id=str(person.pk),
            detail={"read": "record", "screenings": [str(n) for n in range(i % 6)]},
        )
    return reverse("accounts:person_access_history", args=[person.pk])


def test_the_history_is_accessible_on_both_pages(axe, page, history) -> None:
    sign_in(page, "cora.admin")
    page.goto(history)
    assert page.get_by_role("heading", level=1).inner_text() == "Access history of a person"
    assert_accessible(page, axe)
    page.get_by_role("link", name="Next").click()
    assert "Page 2 of 2" in page.get_by_role("navigation", name="Pages of results").inner_text()
    assert_accessible(page, axe)


def test_the_history_fits_320_px_and_needs_no_javascript(browser, site, history) -> None:
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        phone: Any = context.new_page()
        sign_in(phone, "cora.admin")
        phone.goto(history)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"{history} is {width} px wide at a 320 px viewport"
        assert phone.get_by_role("cell", name="nina.navigator").count() >= 1
    finally:
        context.close()
