"""Volunteering in the browser: a resident finds a role and offers help without JavaScript at
320 px, then takes the offer back from the private link; the partner's staff post a role,
confirm a volunteer and log hours. Every page axe-clean (WCAG 2.1 AA)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from tests.e2e.browsing import assert_accessible, sign_in, small_screen_problems

PHONE = {"width": 320, "height": 640}


def _fits(page: Any) -> None:
    assert small_screen_problems(page) == [], page.url


def _role(organization: Any, by: Any) -> Any:
    from commonweal.programs import volunteers

    return volunteers.save_role(
        organization=organization,
        by=by,
        title="Weekend drivers",
        kind="driver",
        description="Drive neighbours to the food pantry and back.",
        skills=["Driving licence", "Patience"],
        languages=["es"],
        schedule="weekly",
        slots=["sat-morning", "sun-morning"],
        places=2,
        minimum_age=18,
        area="Northside",
    )


def test_a_resident_offers_help_and_takes_it_back_without_javascript(
    browser, site, small_directory, axe
) -> None:
    from commonweal.programs.volunteer_models import VolunteerSignup

    role = _role(small_directory.organization, small_directory.partner)
    for javascript in (True, False):
        context = browser.new_context(
            base_url=site,
            viewport=PHONE,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            page.goto(reverse("volunteer:roles"))
            _fits(page)
            if javascript:
                assert_accessible(page, axe)
                page.goto(role.get_absolute_url())
                _fits(page)
                assert_accessible(page, axe)
                continue
            with page.expect_navigation():
                page.get_by_role("link", name="Weekend drivers").click()
            assert page.get_by_role("heading", name="What happens next").is_visible()
            # Sent empty: each missing answer is named, nothing is saved.
            with page.expect_navigation():
                page.get_by_role("button", name="Send my offer").click()
            assert page.title().startswith("Error:")
            assert "18 or older" in page.locator(".errorlist").all_inner_texts()[-1]
            assert not VolunteerSignup.objects.exists()
            _fits(page)
            page.get_by_label("Your name").fill("Ana P.")
            page.get_by_label("Phone or email").fill("305-555-0142")
            page.get_by_label("Languages you speak").fill("es, en")
            page.get_by_label("Driving licence").check()
            page.get_by_label(re.compile("Saturday morning", re.I)).check()
            page.get_by_label("I am 18 or older").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Send my offer").click()
            assert page.get_by_text("We have your offer").is_visible()
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Take back my offer").click()
            assert page.get_by_text("You took back your offer.").is_visible()
            assert VolunteerSignup.objects.get().status == "withdrawn"
        finally:
            context.close()


def test_the_partners_staff_post_confirm_and_log_hours(browser, site, small_directory, axe) -> None:
    from commonweal.programs import volunteers
    from commonweal.programs.volunteer_models import VolunteerHours

    role = _role(small_directory.organization, small_directory.partner)
    volunteers.sign_up(
        role,
        name="Ana P.",
        contact="ana@example.org",
        languages=["es"],
        skills=["Driving licence"],
        availability=["sat-morning"],
        old_enough=True,
    )
    context = browser.new_context(base_url=site, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "pat.partner")
        page.goto(reverse("programs:volunteer_manage_list"))
        _fits(page)
        assert_accessible(page, axe)
        page.goto(reverse("programs:volunteer_role_create"))
        _fits(page)
        assert_accessible(page, axe)
        page.goto(reverse("programs:volunteer_role_manage", args=[role.pk]))
        _fits(page)
        assert_accessible(page, axe)
        assert page.get_by_text("Skills: has 1 of the 2 asked for").is_visible()
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm Ana P.").click()
        assert page.get_by_text("Confirmed. We told them.").is_visible()
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("Hours of Ana P.")).click()
        _fits(page)
        assert_accessible(page, axe)
        page.get_by_label("Hours").fill("3.5")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the hours").click()
        assert page.get_by_text("3.50 hours in all").is_visible()
        assert VolunteerHours.objects.get().hours == 3.5
    finally:
        context.close()
