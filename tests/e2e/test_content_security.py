"""The site's pages under its real Content-Security-Policy: no violation on any page a
resident, a navigator or a superuser (admin, API docs) opens, and htmx still updates search.

Every other browser test bypasses the policy so that axe-core can be injected; these
contexts do not (bypass_csp=False)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browsing import PASSWORD, sign_in

pytestmark = pytest.mark.browser

# Registered before any page script runs, so a violation during parsing is caught too.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class PolicyWatch:
    """A page loaded under the real policy, remembering every violation it reports."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)
        page.add_init_script(WATCH_VIOLATIONS)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def open(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("networkidle")
        self.assert_clean(url)

    def assert_clean(self, where: str) -> None:
        events = self.page.evaluate("window.__cspViolations")
        assert not events and not self.console, f"CSP violations on {where}:\n" + "\n".join(
            [*events, *self.console]
        )


@pytest.fixture
def strict(browser, site) -> Iterator[PolicyWatch]:
    context = browser.new_context(base_url=site, bypass_csp=False)
    context.set_default_timeout(15_000)
    try:
        yield PolicyWatch(context.new_page())
    finally:
        context.close()


@pytest.fixture
def care(small_directory) -> dict[str, Any]:
    """A navigator with a person in care, referred to the food bank's pantry."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization, ServiceIntake
    from commonweal.referrals import consent, referring
    from commonweal.referrals.tests.people_fixtures import make_person

    navigators = Organization.objects.create(name="Northside Navigators")
    navigator = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=navigator, organization=navigators, role="navigator")
    ServiceIntake.objects.create(
        service=small_directory.service,
        accepting_referrals=ServiceIntake.YES,
        accepting_new_clients=ServiceIntake.YES,
    )
    person = make_person(navigators, phone="305-555-0123", preferred_contact_method="phone")
    consent.record_consent(
        person=person,
        organizations=[small_directory.organization],
        categories=["contact", "needs", "notes"],
        purpose="Referral for food",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=90),
        by=navigator,
    )
    referral = referring.create_referral(
        person=person, service=small_directory.service, by=navigator, needs=["food"]
    ).referral
    return {"person": person, "referral": referral}


def test_resident_pages_load_without_a_violation(strict, small_directory) -> None:
    for url in [
        *small_directory.resident_pages().values(),
        reverse("directory:search") + "?q=pantry",
        reverse("directory:category_index"),
        reverse("directory:my_list"),
        reverse("directory:my_list_print"),
        reverse("screening:instrument_list"),
        reverse("screening:self_screen", args=["phq-9"]),
        reverse("referral:status"),
    ]:
        strict.open(url)


def test_htmx_search_updates_in_place_under_the_policy(strict, small_directory) -> None:
    page = strict.page
    strict.open(reverse("directory:search"))
    page.evaluate("window.__samePage = true")
    page.get_by_label("What do you need?").fill("pantry")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    page.get_by_label("Accepting new clients").check()
    expect(results.get_by_text("0 services found")).to_be_visible()
    # Updated in place by htmx, not by a page load, and htmx injected no style of its own.
    assert page.evaluate("window.__samePage") is True
    assert page.locator("head style").count() == 0
    # "Add to my list" posts through htmx (the CSRF token comes from the form, not the
    # HttpOnly cookie) and swaps the button in place.
    page.get_by_label("Accepting new clients").uncheck()
    expect(results.get_by_role("link", name="Weekend Food Pantry")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Add to my list")).click()
    expect(results.get_by_text("On your list")).to_be_visible()
    expect(page.locator("#my-list-link")).to_have_text("My list (1 service)")
    assert page.evaluate("window.__samePage") is True
    strict.assert_clean("the search page after htmx updates")


def test_a_strict_page_refuses_inline_script(strict, small_directory) -> None:
    """The check above can see a violation: an injected inline script is blocked and reported."""
    page = strict.page
    strict.open(reverse("web:about"))
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.head.append(s); }"""
    )
    assert page.evaluate("window.__ran === undefined")
    page.wait_for_function("window.__cspViolations.length > 0")
    with pytest.raises(AssertionError, match="script-src"):
        strict.assert_clean("the about page")


def test_staff_pages_load_without_a_violation(strict, care) -> None:
    sign_in(strict.page, "nina.navigator")
    for url in [
        reverse("accounts:home"),
        reverse("referrals:person_list"),
        reverse("referrals:person_detail", args=[care["person"].pk]),
        reverse("referrals:person_edit", args=[care["person"].pk]),
        reverse("referrals:care_plan", args=[care["person"].pk]),
        reverse("referral:worklist"),
        reverse("referral:detail", args=[care["referral"].pk]),
        reverse("screening:follow_up_list"),
    ]:
        strict.open(url)


def test_admin_and_api_docs_load_without_a_violation(strict, small_directory) -> None:
    from commonweal.accounts.models import User

    User.objects.create_superuser(username="sam.super", password=PASSWORD)
    strict.open(reverse("api_v1:openapi-view"))
    expect(strict.page.get_by_role("heading", level=1)).to_contain_text("API reference")
    strict.assert_clean("the API docs")
    sign_in(strict.page, "sam.super")
    for url in [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:directory_service_changelist"),
        reverse("admin:directory_service_change", args=[small_directory.service.pk]),
    ]:
        strict.open(url)
