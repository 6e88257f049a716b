"""Personal reminders in the browser: a resident signs up, confirms from the link, pauses and
stops; a navigator sets one on a person's record. Without JavaScript, at 320 px, axe-clean."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems

PHONE = {"width": 320, "height": 640}


def _fits(page: Any) -> None:
    assert small_screen_problems(page) == [], page.url


def _fill(page: Any, *, address: str) -> None:
    day = dt.date.today() + dt.timedelta(days=2)
    page.get_by_label("Appointment").check()
    page.get_by_label("Date (the first day)").fill(day.isoformat())
    page.get_by_label(re.compile(r"^Time:?$")).fill("3:00 PM")
    page.get_by_label("Once").check()
    page.get_by_label(re.compile("When (should we remind you|to remind them)")).select_option(
        label="1 day before"
    )
    page.get_by_label("Text message").check()
    page.get_by_label("Phone number or email").fill(address)


def _link_in_confirmation() -> str:
    from commonweal.programs import personal_reminders
    from commonweal.referrals.outbox_models import OutboxMessage

    body = OutboxMessage.objects.get(kind=personal_reminders.CONFIRM_KIND).body
    return re.search(r"https?://\S+?(/reminders/m/[^/\s]+/)", body).group(1)


def test_a_resident_signs_up_confirms_pauses_and_stops_without_javascript(
    browser, site, axe
) -> None:
    from commonweal.programs.reminder_models import ReminderOptOut, ReminderPlan

    for javascript in (False, True):
        context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            page.goto(reverse("reminders:new"))
            _fits(page)
            if javascript:
                assert_accessible(page, axe)
                continue
            # Sent empty: the required fields say what is missing, nothing is saved.
            with page.expect_navigation():
                page.get_by_role("button", name="Send me a message to confirm").click()
            assert page.title().startswith("Error:")
            assert page.locator(".errorlist").count() >= 4
            _fill(page, address="555-01")
            with page.expect_navigation():
                page.get_by_role("button", name="Send me a message to confirm").click()
            assert "10-digit" in page.locator(".errorlist").inner_text()
            assert not ReminderPlan.objects.exists()
            _fits(page)
            page.get_by_label("Phone number or email").fill("305-555-0142")
            with page.expect_navigation():
                page.get_by_role("button", name="Send me a message to confirm").click()
            assert page.get_by_role("heading", name="Check your messages").is_visible()

            page.goto(_link_in_confirmation())
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Confirm").click()
            assert page.get_by_text("This reminder is on.").is_visible()
            assert page.get_by_role("heading", name="Next messages").is_visible()
            with page.expect_navigation():
                page.get_by_role("button", name="Pause").click()
            assert page.get_by_text("This reminder is paused. Nothing is sent.").is_visible()
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("link", name="Stop all reminders to this number or email").click()
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Stop all reminders").click()
            assert page.get_by_text("We will send no more reminders").is_visible()
            assert ReminderOptOut.objects.count() == 1
        finally:
            context.close()


def test_the_resident_pages_pass_axe_at_320_px(browser, site, axe) -> None:
    from commonweal.programs import personal_reminders
    from commonweal.programs.reminder_models import ReminderPlan

    context = browser.new_context(base_url=site, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(reverse("reminders:new"))
        _fill(page, address="305-555-0142")
        with page.expect_navigation():
            page.get_by_role("button", name="Send me a message to confirm").click()
        assert_accessible(page, axe)
        plan = ReminderPlan.objects.get()
        token = personal_reminders.token_for(plan)
        for url in (
            reverse("reminders:manage", kwargs={"token": token}),
            reverse("reminders:stop", kwargs={"token": token}),
        ):
            page.goto(url)
            assert_accessible(page, axe)
            _fits(page)
        page.goto(reverse("reminders:new"))
        with page.expect_navigation():
            page.get_by_role("button", name="Send me a message to confirm").click()
        assert_accessible(page, axe)  # the form with its errors
    finally:
        context.close()


def test_a_navigator_sets_a_reminder_on_a_persons_record(browser, site, axe) -> None:
    from django.utils import timezone

    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.programs.reminder_models import ReminderPlan
    from commonweal.referrals import consent as consents
    from commonweal.referrals.models import CareTeamMember, Person

    home = Organization.objects.create(name="Northside Clinic", description="Care.")
    navigator = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=navigator, organization=home, role="navigator")
    person = Person.objects.create(
        given_name="Ana", family_name="Ruiz", phone="305-555-0142", text_ok=True
    )
    CareTeamMember.objects.create(person=person, organization=home)
    consents.record_consent(
        person=person,
        organizations=[home],
        categories=["contact"],
        purpose="Reminders",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=90),
        by=navigator,
    )
    for javascript in (False, True):
        context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            sign_in(page, "nina.navigator")
            page.goto(person.get_absolute_url())
            with page.expect_navigation():
                page.get_by_role("link", name=re.compile("Text and email reminders")).click()
            _fits(page)
            if javascript:
                assert_accessible(page, axe)
                continue
            _fill(page, address="305-555-0142")
            with page.expect_navigation():
                page.get_by_role("button", name="Set the reminder").click()
            assert page.get_by_text("The reminder is set.").is_visible()
            assert ReminderPlan.objects.get().person == person
            with page.expect_navigation():
                page.get_by_role("button", name="Pause").click()
            assert ReminderPlan.objects.get().status == "paused"
            _fits(page)
        finally:
            context.close()
