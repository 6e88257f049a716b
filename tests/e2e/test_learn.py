"""The health education library and a campaign: a resident reads a page on a phone without
JavaScript (and in Spanish), a partner writes a page with a preview and a coalition admin
publishes it, and every page passes axe-core at 320 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def library(site) -> Any:
    """The starter pages (a live-server test starts from an empty database), a partner's
    staff member, a coalition admin, and a published campaign."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.partnerships.models import Partner
    from commonweal.programs import campaigns, education
    from commonweal.programs.campaign_models import EducationPage

    education.load_starter_pages()
    organization = Organization.objects.create(name="Northside Family Centre", description="x")
    staff = User.objects.create_user(username="pat.partner", password=PASSWORD)
    Membership.objects.create(user=staff, organization=organization, role="partner_staff")
    admin = User.objects.create_user(username="cora.admin", password=PASSWORD)
    Membership.objects.create(user=admin, organization=organization, role="coalition_admin")
    partner = Partner.objects.create(organization=organization, sector="social_services")
    today = dt.date.today()
    campaign = campaigns.create_campaign(
        by=admin,
        name="Talk about it month",
        aim="More people talk about mental health in faith communities and schools.",
        starts_on=today.replace(day=1),
        ends_on=today + dt.timedelta(days=30),
        audiences=["faith", "schools"],
        languages=["en", "es"],
        partners=[partner],
        pages=list(EducationPage.objects.filter(slug="help-a-friend-who-is-struggling")),
        published=True,
    )
    campaigns.add_activity(
        campaign,
        by=admin,
        allowed_partners=campaign.partners.all(),
        kind="materials",
        title="Leaflets after services",
        held_on=today,
        partner=partner,
        count=150,
    )
    return campaign


def _fits(page: Any) -> None:
    assert small_screen_problems(page) == [], page.url


def test_a_resident_reads_a_page_on_a_phone_without_javascript(browser, site, library) -> None:
    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/")
        with page.expect_navigation():
            page.get_by_role("link", name="Learn", exact=True).click()
        assert page.get_by_role("heading", name="Health pages", level=1).is_visible()
        _fits(page)
        with page.expect_navigation():
            page.get_by_role("link", name="How to help a friend who is struggling").click()
        # A crisis page: the crisis lines come before the page's own words.
        assert page.locator("aside.crisis-topic").is_visible()
        assert page.get_by_role("heading", name="1. Ask").is_visible()
        _fits(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Cómo ayudar a un amigo").click()
        assert page.locator("article[lang=es] h1").inner_text().startswith("Cómo ayudar")
        _fits(page)
    finally:
        context.close()


def test_a_partner_writes_a_page_and_a_coalition_admin_publishes_it(browser, site, library) -> None:
    from commonweal.programs.campaign_models import EducationPage

    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "pat.partner")
        page.goto(reverse("programs:learn_create"))
        page.get_by_label("Title").fill("Cooling centers")
        page.get_by_label("Short summary").fill("Where to stay cool on hot days.")
        page.locator("#id_body").fill("## Where\n- Libraries\n- <script>x</script>")
        with page.expect_navigation():
            page.get_by_role("button", name="Preview").click()
        preview = page.locator("section.notice")
        assert preview.get_by_role("heading", name="Where").is_visible()
        assert "<script>x</script>" in preview.inner_text()  # shown as text
        assert not EducationPage.objects.filter(slug="cooling-centers").exists()
        _fits(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Save as draft").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Send for review").click()
        assert page.get_by_text("waiting for a coalition admin's review").first.is_visible()
        assert page.get_by_role("button", name="Publish").count() == 0
        _fits(page)
        context.clear_cookies()
        sign_in(page, "cora.admin")
        page.goto(reverse("programs:learn_manage_list"))
        with page.expect_navigation():
            page.get_by_role("link", name="Cooling centers").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Publish").click()
        assert page.get_by_text("Reviewed by:").first.is_visible()  # named, nothing published
        page.get_by_label("Reviewed by").fill("Dr. Ana Ruiz, clinical lead")
        page.get_by_label("Review date").fill(dt.date.today().isoformat())
        with page.expect_navigation():
            page.get_by_role("button", name="Publish").click()
        assert EducationPage.objects.get(slug="cooling-centers").status == "published"
    finally:
        context.close()


def test_the_learning_and_campaign_pages_pass_axe_at_320_px(browser, site, axe, library) -> None:
    from commonweal.programs.campaign_models import EducationPage

    food = EducationPage.objects.get(slug="getting-food-help")
    context = browser.new_context(base_url=site, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        public = [
            reverse("learn:index"),
            reverse("learn:page", args=["getting-food-help"]),
            reverse("learn:page", args=["getting-food-help"]) + "?language=es",
            reverse("learn:page", args=["help-a-friend-who-is-struggling"]),
            reverse("learn:campaign", args=[library.slug]),
        ]
        for url in public:
            page.goto(url)
            assert_accessible(page, axe)
            _fits(page)
        sign_in(page, "cora.admin")
        for url in [
            reverse("programs:learn_manage_list"),
            reverse("programs:learn_create"),
            reverse("programs:learn_page_manage", args=[food.pk]),
            reverse("programs:learn_settings", args=[food.pk]),
            reverse("programs:learn_version", args=[food.pk, "es"]),
            reverse("programs:campaign_list"),
            reverse("programs:campaign_create"),
            reverse("programs:campaign_manage", args=[library.pk]),
            reverse("programs:campaign_edit", args=[library.pk]),
            reverse("programs:campaign_activity_create", args=[library.pk]),
        ]:
            page.goto(url)
            assert_accessible(page, axe)
            _fits(page)
        page.goto(reverse("programs:learn_create"))
        with page.expect_navigation():
            page.get_by_role("button", name="Save as draft").click()
        assert page.title().startswith("Error:")
        assert_accessible(page, axe)
    finally:
        context.close()
