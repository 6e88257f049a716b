"""The partner page for "accepting new clients": accessible, usable at 320 px, errors announced."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.browsing import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_partner_staff_say_the_service_is_full(axe, page, small_directory) -> None:
    from commonweal.directory.models import ServiceIntake

    sign_in(page, "pat.partner")
    page.goto(reverse("directory:service_edit", args=[small_directory.service.id]))
    page.get_by_role("link", name="New clients").click()
    assert_accessible(page, axe)
    page.get_by_role("group", name="Taking new clients now?").get_by_label("No", exact=True).check()
    page.get_by_label("Waitlist").fill("About 3 weeks")
    page.get_by_label("Days until you usually answer a new request").fill("400")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").first.is_visible()
    assert_accessible(page, axe)
    page.get_by_label("Days until you usually answer a new request").fill("2")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your changes are saved").wait_for()
    intake = ServiceIntake.objects.get(service=small_directory.service)
    assert (intake.accepting_new_clients, intake.waitlist, intake.typical_response_days) == (
        "no",
        "About 3 weeks",
        2,
    )


def test_the_page_does_not_scroll_sideways_at_320_px(browser, site, small_directory) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        sign_in(phone, "pat.partner")
        phone.goto(reverse("directory:service_edit_intake", args=[small_directory.service.id]))
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"the intake page is {width} px wide at a 320 px viewport"
    finally:
        context.close()
