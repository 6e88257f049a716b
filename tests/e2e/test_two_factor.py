"""Two-step sign-in in a browser, as in production: set up an app, keep the recovery codes,
sign in again with a code — axe-core on each page, 320 px, and without JavaScript."""

from __future__ import annotations

import pytest
from django_otp.oath import totp

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.two_factor]


def _code(username: str, steps_ahead: int = 0) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).latest("id")
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


@pytest.fixture
def staff(site):
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization

    organization = Organization.objects.create(name="Northside Navigators")
    user = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=user, organization=organization, role="navigator")
    return user


def test_set_up_then_sign_in_with_a_code(axe, browser, page, site, staff) -> None:
    sign_in(page, "nina.navigator")
    page.goto("/people/")
    assert page.get_by_role("heading", name="Set up two-step sign-in", level=1).is_visible()
    assert_accessible(page, axe)
    page.get_by_label("Code").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.title().startswith("Error:")
    assert_accessible(page, axe)
    page.wait_for_timeout(1100)  # wrong codes slow the next try down by a second
    page.get_by_label("Code").fill(_code("nina.navigator"))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert_accessible(page, axe)
    with page.expect_navigation():
        page.get_by_role("link", name="I have saved my codes: continue").click()
    assert page.url.endswith("/people/")

    phone = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        small = phone.new_page()
        sign_in(small, "nina.navigator")
        small.goto("/people/")
        assert small.get_by_role("heading", name="Enter your code").is_visible()
        width = small.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"the code page is {width} px wide at 320 px"
        small.get_by_label("Code").fill(_code("nina.navigator", steps_ahead=1))
        with small.expect_navigation():
            small.get_by_role("button", name="Continue").click()
        assert small.url.endswith("/people/")
    finally:
        phone.close()
