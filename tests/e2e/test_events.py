"""The public calendar, a programme page, signing up (with errors first) and the check-in
list: axe-core clean, usable at 320 px, and working with JavaScript off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def group(site) -> Any:
    """A weekly support group of a partner, first meeting in three days, two places."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Address, Location, Organization
    from commonweal.programs import schedule

    organization = Organization.objects.create(name="Northside Family Centre", description="x")
    staff = User.objects.create_user(username="pat.partner", password=PASSWORD)
    Membership.objects.create(user=staff, organization=organization, role="partner_staff")
    hall = Location.objects.create(organization=organization, name="Community hall")
    Address.objects.create(
        location=hall,
        address_1="12 Palm Street",
        city="Miami",
        state_province="FL",
        postal_code="33101",
        country="US",
    )
    first = dt.date.today() + dt.timedelta(days=3)
    programme = schedule.create_programme(
        organization=organization,
        by=staff,
        name="Parents' support group",
        kind="support_group",
        description="A friendly group for parents. Free, in English and Spanish.",
        starts_on=first,
        languages=["en", "es"],
    )
    return schedule.add_session(
        programme,
        by=staff,
        starts_on=first,
        start_time=dt.time(18, 0),
        duration_minutes=90,
        rule="FREQ=WEEKLY;COUNT=6",
        location=hall,
        capacity=2,
    )


def _fits(page: Any) -> None:
    assert small_screen_problems(page) == [], page.url


def test_a_resident_finds_a_group_and_signs_up_without_javascript(browser, site, group) -> None:
    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/")
        with page.expect_navigation():
            page.get_by_role("link", name="Events", exact=True).click()
        assert page.get_by_role("heading", name="Events", level=1).is_visible()
        # Filters are a plain GET form: Spanish-language support groups in Miami.
        page.get_by_label("Place").fill("Miami")
        page.get_by_label("Spoken in").fill("es")
        page.get_by_label("Support group").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Show events").click()
        assert "language=es" in page.url
        _fits(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Parents' support group").first.click()
        _fits(page)
        page.get_by_role("link", name="Sign up").first.click()
        # Sent empty: both fields say what is missing, nothing is saved.
        with page.expect_navigation():
            page.get_by_role("button", name="Sign up").click()
        assert page.title().startswith("Error:")
        assert page.locator(".errorlist").count() == 2
        _fits(page)
        page.get_by_label("Your name or initials").fill("R. M.")
        page.get_by_label("Phone or email").fill("555")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign up").click()
        assert "10-digit" in page.locator(".errorlist").inner_text()
        page.get_by_label("Phone or email").fill("305-555-0123")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign up").click()
        assert page.get_by_text("You are signed up.").is_visible()
        _fits(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Cancel my sign-up").click()
        assert page.get_by_text("Your sign-up is cancelled.").is_visible()
    finally:
        context.close()


def test_the_events_pages_pass_axe_at_320_px(browser, site, axe, group) -> None:
    from commonweal.programs import registration

    found = group.occurrences()[0]
    key = found.key.strftime("%Y%m%dT%H%M%S")
    made = registration.register(group, occurrence=found.key, name="A. B.", contact="a@b.org")
    context = browser.new_context(base_url=site, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        for url in [
            reverse("events:calendar"),
            reverse("events:calendar") + "?view=week",
            reverse("events:calendar") + "?view=month",
            reverse("events:calendar") + "?start=soon",  # a bad filter, named
            group.programme.get_absolute_url(),
            reverse("events:register", args=[group.pk, key]),
            reverse("events:registration", args=[registration.token_for(made)]),
        ]:
            page.goto(url)
            assert_accessible(page, axe)
            _fits(page)
        page.goto(reverse("events:register", args=[group.pk, key]))
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_selector(".errorlist")
        assert_accessible(page, axe)
    finally:
        context.close()


def test_staff_check_people_in_on_a_phone(browser, site, axe, group) -> None:
    from commonweal.programs import registration
    from commonweal.programs.models import Registration

    found = group.occurrences()[0]
    registration.register(group, occurrence=found.key, name="Zed Q.", contact="z@example.org")
    for javascript in (False, True):
        context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            sign_in(page, "pat.partner")
            page.goto(reverse("programs:programme_manage", args=[group.programme.pk]))
            _fits(page)
            if javascript:
                assert_accessible(page, axe)
            with page.expect_navigation():
                page.get_by_role("link", name="Check-in list").first.click()
            assert page.get_by_text("Zed Q.", exact=True).is_visible()
            _fits(page)
            if javascript:
                assert_accessible(page, axe)
                continue
            with page.expect_navigation():
                page.get_by_role("button", name="Zed Q. is here").click()
            assert Registration.objects.get().attended is True
            assert page.get_by_role("button", name="Undo: Zed Q. is here").is_visible()
        finally:
            context.close()


def test_staff_record_a_training_on_a_phone_and_admins_see_the_gaps(
    browser, site, axe, group
) -> None:
    from commonweal.accounts.models import Membership, User
    from commonweal.programs.models import TrainingRecord

    admin = User.objects.create_user(username="cora.admin", password=PASSWORD)
    Membership.objects.create(
        user=admin, organization=group.programme.organization, role="coalition_admin"
    )
    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "pat.partner")
        page.goto(reverse("programs:training_create"))
        page.get_by_label("Name").fill("Lena O.")
        page.get_by_label("Role").select_option(label="Peer supporter")
        page.get_by_label("Training").select_option(label="Mental Health First Aid")
        page.get_by_label("Completed on").fill("2030-01-01")  # in the future: refused
        page.get_by_label("Languages").fill("es")
        page.get_by_label("ZIP code").fill("33101")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert "cannot be completed in the future" in page.locator(".errorlist").inner_text()
        _fits(page)
        page.get_by_label("Completed on").fill("2025-01-10")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert page.get_by_role("table").get_by_text("Lena O.").is_visible()
        assert TrainingRecord.objects.count() == 1
        _fits(page)
    finally:
        context.close()
    context = browser.new_context(base_url=site, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "cora.admin")
        page.goto(reverse("programs:training_coverage"))
        assert "33101" in page.get_by_role("table").inner_text()
        assert "Lena" not in page.content()
        assert_accessible(page, axe)
        _fits(page)
    finally:
        context.close()
