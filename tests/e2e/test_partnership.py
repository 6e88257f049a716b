"""The partnership workspace in a browser: axe-core clean, 320 px wide, and usable without
JavaScript (every page is a plain form or link)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in


@pytest.fixture
def workspace(site) -> dict[str, Any]:
    """Two partners (one agreement expiring in 20 days), a third organisation to add, and a
    coalition admin."""
    from django.utils import timezone

    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.partnerships.models import Partner, PartnerContact

    food = Organization.objects.create(name="Northside Food Bank", description="Food.")
    clinic = Organization.objects.create(name="Eastside Clinic", description="Care.")
    Organization.objects.create(name="Riverside School", description="A school.")
    pantry = Partner.objects.create(
        organization=food,
        sector="social_services",
        agreement_status="signed",
        agreement_expires_on=timezone.localdate() + dt.timedelta(days=20),
        data_sharing_status="draft",
    )
    PartnerContact.objects.create(partner=pantry, name="Lena Ortiz", role="Chair", is_primary=True)
    Partner.objects.create(organization=clinic, sector="health_care")
    admin = User.objects.create_user(username="cora.admin", password=PASSWORD)
    Membership.objects.create(user=admin, organization=food, role="coalition_admin")
    return {"pantry": pantry}


def _fits(page: Any, width: int = 320) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at a {width} px viewport"


def test_the_workspace_pages_are_accessible_at_full_width_and_320_px(
    axe, browser, site, workspace
) -> None:
    pantry = workspace["pantry"]
    pages = [
        "/partnership/",
        "/partnership/partners/",
        pantry.get_absolute_url(),
        "/partnership/partners/new/",
        f"/partnership/partners/{pantry.pk}/edit/",
        f"/partnership/partners/{pantry.pk}/contacts/new/",
    ]
    for width in (1280, 320):
        context = browser.new_context(base_url=site, viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            sign_in(page, "cora.admin")
            for url in pages:
                page.goto(url)
                assert_accessible(page, axe)
                _fits(page, width)
            # A refused form shows its errors, still accessible.
            page.goto(f"/partnership/partners/{pantry.pk}/edit/")
            page.get_by_label("Joined on").fill("2031-01-01")
            with page.expect_navigation():
                page.get_by_role("button", name="Save").click()
            assert "cannot expire before the partner joined" in page.content()
            assert_accessible(page, axe)
            _fits(page, width)
        finally:
            context.close()


def test_a_coalition_admin_adds_a_partner_and_a_contact_without_javascript(
    browser, site, workspace
) -> None:
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "cora.admin")
        page.goto("/partnership/")
        warning = page.get_by_role("main").inner_text()
        assert "Northside Food Bank" in warning and "in 20 days" in warning
        page.get_by_role("link", name="Partners", exact=True).first.click()
        page.get_by_role("link", name="Add a partner").click()
        page.get_by_label("Organisation").select_option(label="Riverside School")
        page.get_by_label("Sector").select_option(label="School")
        page.locator("#id_agreement_status").select_option(label="Signed")
        page.get_by_label("Partnership agreement expires on").fill("2030-06-30")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Riverside School"
        assert "Signed, until 2030-06-30" in page.get_by_role("main").inner_text()
        _fits(page)
        page.get_by_role("link", name="Add a contact").click()
        page.get_by_label("Name").fill("Marta Reyes")
        page.get_by_label("Email").fill("marta@example.org")
        with page.expect_navigation():
            page.get_by_role("button", name="Add the contact").click()
        assert "Marta Reyes" in page.get_by_role("main").inner_text()
        _fits(page)
    finally:
        context.close()
