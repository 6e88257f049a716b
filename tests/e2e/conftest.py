"""Browser tests: Playwright (Python) driving Debian's chromium against pytest-django's live_server.

Needs /usr/bin/chromium (apt-get install chromium) and, for the accessibility checks,
node_modules/axe-core (npm ci). Without them the tests are skipped with a loud reason on a
developer's machine and fail under CI=true, where .ci/run installs both.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from tests.e2e.browsing import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def missing_tool(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must have it: {reason}")
    pytest.skip(f"SKIPPED LOUDLY: {reason}")


class CspBypassingBrowser:
    """Chromium whose new contexts bypass the site's Content-Security-Policy by default.

    axe-core is injected as an inline script, which the policy rightly blocks; issue 8
    lets browser tests bypass it for that. tests/e2e/test_content_security.py passes
    bypass_csp=False to load pages under the real policy.
    """

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        options.setdefault("bypass_csp", True)
        context = self._browser.new_context(**options)
        if (
            options["bypass_csp"]
            and options.get("java_script_enabled", True)
            and AXE_SCRIPT.exists()
        ):
            # axe-core loaded by every page of the context as it starts, so an accessibility
            # check does not send and parse 500 KB of script per page (half the sweep's time).
            context.add_init_script(path=str(AXE_SCRIPT))
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing_tool(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        missing_tool("browser tests need the playwright package (pip install -e '.[dev]')")
    # Playwright's sync API keeps an asyncio loop alive in this thread, which trips
    # Django's async-unsafe guard on every ORM call the test makes; the ORM use here
    # is plain synchronous code, so the guard is off for exactly as long as the browser
    # lives (module scope: it is torn down before any other module's tests run).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield CspBypassingBrowser(chromium)
            chromium.close()


@pytest.fixture
def site(live_server, transactional_db) -> str:
    # Rate limits (the status-code lookup's 20 a window) count per address in the process's
    # cache, and every browser test comes from 127.0.0.1: each test starts with none used,
    # as one visitor would, or a long run (the accessibility sweep) reads 429s.
    cache.clear()
    return live_server.url


@pytest.fixture
def page(browser, site) -> Iterator[Any]:
    context = browser.new_context(base_url=site)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe() -> Path:
    if not AXE_SCRIPT.exists():
        missing_tool(f"accessibility checks need axe-core at {AXE_SCRIPT} (run `npm ci`)")
    return AXE_SCRIPT


@dataclass
class SmallDirectory:
    organization: Any
    other_organization: Any
    service: Any
    category: Any
    subcategory: Any
    partner: Any

    def resident_pages(self) -> dict[str, str]:
        from django.urls import reverse

        return {
            "home": reverse("web:home"),
            "category": reverse("directory:category_detail", args=[self.category.id]),
            "service": self.service.get_absolute_url(),
            "organization": self.organization.get_absolute_url(),
            "about": reverse("web:about"),
            "sign in": reverse("accounts:login"),
            "sign up": reverse("accounts:sign_up"),
        }


@pytest.fixture
def small_directory(site) -> SmallDirectory:
    """Two organisations, a food pantry with address, phone and hours, and two categories."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory import models as m

    food_bank = m.Organization.objects.create(
        name="Northside Food Bank",
        description="Groceries for families in the north of the county.",
        website="https://food.example.org",
        email="help@food.example.org",
    )
    clinic = m.Organization.objects.create(name="Eastside Clinic", description="Primary care.")
    pantry = m.Service.objects.create(
        organization=food_bank,
        name="Weekend Food Pantry",
        description="Free groceries every weekend.\nBring a bag if you can.",
        application_process="Walk in; no appointment needed.",
        fees_description="Free",
        eligibility_description="Anyone living in the county.",
        url="https://food.example.org/pantry",
    )
    m.Service.objects.create(
        organization=clinic, name="Walk-in Clinic", description="Same-day visits."
    )
    hall = m.Location.objects.create(
        organization=food_bank, name="Northside Hall", latitude=25.85, longitude=-80.21
    )
    m.Address.objects.create(
        location=hall,
        address_1="100 NW 1st Ave",
        city="Miami",
        state_province="FL",
        postal_code="33150",
        country="US",
    )
    m.ServiceAtLocation.objects.create(service=pantry, location=hall)
    m.Phone.objects.create(service=pantry, number="305-555-0100", type="voice")
    m.Schedule.objects.create(
        service=pantry, freq="WEEKLY", byday="SA,SU", opens_at=dt.time(9), closes_at=dt.time(13)
    )
    m.Language.objects.create(service=pantry, name="Spanish", code="es")
    taxonomy = m.Taxonomy.objects.create(name="Open Eligibility", description="Human services.")
    food = m.TaxonomyTerm.objects.create(code="1102", name="Food", taxonomy=taxonomy)
    food_pantry = m.TaxonomyTerm.objects.create(
        code="1103", name="Food Pantry", taxonomy=taxonomy, parent=food
    )
    m.Attribute.objects.create(link_id=pantry.id, link_entity="service", taxonomy_term=food_pantry)

    partner = User.objects.create_user(username="pat.partner", password=PASSWORD)
    Membership.objects.create(user=partner, organization=food_bank, role="partner_staff")
    return SmallDirectory(
        organization=food_bank,
        other_organization=clinic,
        service=pantry,
        category=food,
        subcategory=food_pantry,
        partner=partner,
    )
