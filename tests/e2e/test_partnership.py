"""The partnership workspace in a browser: axe-core clean, 320 px wide, and usable without
JavaScript (every page is a plain form or link)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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
    from commonweal.partnerships import voice
    from commonweal.partnerships.models import (
        Attendance,
        CommunityNeed,
        Contribution,
        Decision,
        Feedback,
        FundingStream,
        Goal,
        Indicator,
        IndicatorValue,
        Meeting,
        NeedEvidence,
        Partner,
        PartnerContact,
        PlanTask,
        Strategy,
    )
    from commonweal.programs.models import Programme

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
    need = CommunityNeed.objects.create(title="Food insecurity")
    NeedEvidence.objects.create(
        need=need, kind="needs_assessment", summary="1 in 5 households short of food."
    )
    goal = Goal.objects.create(
        title="Food security", population_result="Every family in Northside has enough to eat."
    )
    goal.needs.add(need)
    indicator = Indicator.objects.create(
        goal=goal,
        kind="performance",
        rba_question="how_well",
        name="Loop closure",
        unit="percent",
        measure="loop-closure-rate",
        baseline_value=Decimal("40"),
        baseline_date=dt.date(2025, 1, 1),
        target_value=Decimal("70"),
        target_date=dt.date(2027, 12, 31),
    )
    for end, value, suppressed in (
        (dt.date(2025, 3, 31), Decimal("42"), ""),
        (dt.date(2025, 6, 30), None, "derived"),
        (dt.date(2025, 9, 30), Decimal("51.5"), ""),
    ):
        IndicatorValue.objects.create(
            indicator=indicator,
            period_start=(end - dt.timedelta(days=80)).replace(day=1),
            period_end=end,
            value=value,
            suppressed=suppressed,
            source="computed",
        )
    Indicator.objects.create(
        goal=goal, kind="population", name="Households short of food", unit="percent"
    )
    strategy = Strategy.objects.create(title="Weekend food", goal=goal)
    task = PlanTask.objects.create(
        strategy=strategy,
        title="Open a Saturday pantry",
        owner=pantry,
        responsible="Lena Ortiz",
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    meeting = Meeting.objects.create(
        title="Steering group",
        starts_at=dt.datetime(2030, 1, 15, 15, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 1, 15, 16, 30, tzinfo=dt.UTC),
        time_zone="America/New_York",
        place="Northside Hall",
        agenda="1. Food security",
    )
    Attendance.objects.create(meeting=meeting, partner=pantry, present=True)
    Decision.objects.create(meeting=meeting, text="Open on Saturdays")
    task.meeting = meeting
    task.save()
    programme = Programme.objects.create(
        organization=food, name="Saturday pantry", kind="other", starts_on=dt.date(2026, 1, 1)
    )
    Contribution.objects.create(
        partner=pantry,
        programme=programme,
        kind="staff_hours",
        description="Volunteer coordinator",
        quantity=Decimal("40"),
        value=Decimal("1200"),
        starts_on=dt.date(2026, 1, 1),
    )
    FundingStream.objects.create(
        programme=programme,
        funder="County grant",
        amount=Decimal("50000"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=timezone.localdate() + dt.timedelta(days=45),
    )
    feedback = Feedback.objects.create(
        topic="access",
        text="The pantry closes before my shift ends.",
        status="acted",
        you_said="The pantry closes too early for working people.",
        we_did="It now opens until 8 pm on Thursdays.",
        published=True,
    )
    voice.create_survey(
        by=None,
        title="Getting there",
        intro="Three quick questions.",
        questions="How do you get to the clinic? | Walk | Bus | Car\nIs it far? | Yes | No",
    )
    admin = User.objects.create_user(username="cora.admin", password=PASSWORD)
    Membership.objects.create(user=admin, organization=food, role="coalition_admin")
    staff = User.objects.create_user(username="pat.partner", password=PASSWORD)
    Membership.objects.create(user=staff, organization=food, role="partner_staff")
    return {
        "pantry": pantry,
        "goal": goal,
        "indicator": indicator,
        "need": need,
        "strategy": strategy,
        "task": task,
        "meeting": meeting,
        "feedback": feedback,
    }


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
        "/partnership/needs/",
        "/partnership/needs/new/",
        f"/partnership/needs/{workspace['need'].pk}/evidence/new/",
        "/partnership/goals/",
        workspace["goal"].get_absolute_url(),
        f"/partnership/goals/{workspace['goal'].pk}/indicators/new/",
        workspace["indicator"].get_absolute_url(),
        f"/partnership/indicators/{workspace['indicator'].pk}/values/new/",
        "/partnership/plan/",
        "/partnership/plan/strategies/new/",
        f"/partnership/plan/strategies/{workspace['strategy'].pk}/tasks/new/",
        f"/partnership/plan/tasks/{workspace['task'].pk}/edit/",
        f"/partnership/partners/{pantry.pk}/roles/",
        "/partnership/meetings/",
        "/partnership/meetings/new/",
        workspace["meeting"].get_absolute_url(),
        f"/partnership/meetings/{workspace['meeting'].pk}/edit/",
        f"/partnership/meetings/{workspace['meeting'].pk}/attendance/",
        f"/partnership/meetings/{workspace['meeting'].pk}/decisions/new/",
        f"/partnership/meetings/{workspace['meeting'].pk}/action-items/new/",
        "/partnership/resources/",
        "/partnership/resources/contributions/new/",
        "/partnership/resources/funding/new/",
        "/partnership/network/",
        "/partnership/voice/review/",
        f"/partnership/voice/review/{workspace['feedback'].pk}/",
        "/partnership/voice/surveys/",
        "/partnership/voice/surveys/new/",
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


def test_the_trend_has_its_numbers_in_a_table_and_works_without_javascript(
    browser, site, workspace
) -> None:
    indicator = workspace["indicator"]
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "cora.admin")
        page.goto(indicator.get_absolute_url())
        assert page.get_by_role("img").get_attribute("aria-labelledby") == "chart-caption"
        assert "baseline 40%" in page.locator("#chart-caption").inner_text()
        table = page.get_by_role("table").inner_text()
        assert "42%" in table and "51.5%" in table and "not shown" in table
        assert "40%" in table and "70%" in table  # the baseline and target rows
        _fits(page)
        # A value entered by hand, with the period the wrong way round first.
        page.get_by_role("link", name="Enter a value by hand").click()
        page.get_by_label("Period from").fill("2025-12-31")
        page.get_by_label("Period to").fill("2025-10-01")
        page.get_by_label("Value").fill("58")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert "must end on or after" in page.get_by_role("main").inner_text()
        _fits(page)
        page.get_by_label("Period from").fill("2025-10-01")
        page.get_by_label("Period to").fill("2025-12-31")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert "58%" in page.get_by_role("table").inner_text()
        assert "better than the baseline" in page.get_by_role("main").inner_text()
    finally:
        context.close()


def test_partner_staff_close_their_overdue_task_without_javascript(
    browser, site, workspace
) -> None:
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "pat.partner")
        page.goto("/partnership/")
        page.get_by_role("link", name="1 task is overdue.").click()
        overdue = page.get_by_role("table", name="Overdue tasks: open, and past their due date")
        assert "Open a Saturday pantry" in overdue.inner_text()
        assert "(overdue)" in overdue.inner_text()
        _fits(page)
        overdue.get_by_role("link", name="Update Open a Saturday pantry").click()
        assert page.get_by_label("Task").count() == 0  # progress only: no title, no owner
        page.get_by_label("Status").select_option(label="Done")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert "No task is overdue." in page.get_by_role("main").inner_text()
        _fits(page)
    finally:
        context.close()


def test_a_coalition_admin_schedules_a_meeting_without_javascript(browser, site, workspace) -> None:
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "cora.admin")
        page.goto("/partnership/meetings/")
        page.get_by_role("link", name="Schedule a meeting").click()
        page.get_by_label("Title").fill("Budget meeting")
        page.get_by_label("Day").fill("2030-03-11")
        page.get_by_label("Starts at").fill("18:00")
        page.get_by_label("Ends at").fill("19:30")
        page.get_by_label("Time zone").fill("America/Nowhere")
        page.get_by_label("Video link").fill("https://meet.example.org/budget")
        page.get_by_label("Northside Food Bank").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert "is no time zone" in page.get_by_role("main").inner_text()
        _fits(page)
        page.get_by_label("Time zone").fill("America/Los_Angeles")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        main = page.get_by_role("main").inner_text()
        assert "Mon 11 Mar 2030, 18:00" in main and "America/Los_Angeles" in main
        assert "Northside Food Bank — invited" in main
        _fits(page)
        ics = page.request.get(
            page.get_by_role("link", name="Add to your calendar (.ics)").get_attribute("href")
        )
        assert "TZID=America/Los_Angeles:20300311T180000" in ics.text()
    finally:
        context.close()


def test_partner_staff_record_a_contribution_without_javascript(browser, site, workspace) -> None:
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "pat.partner")
        page.goto("/partnership/resources/")
        main = page.get_by_role("main").inner_text()
        assert "Saturday pantry" in main and "in 45 days" in main  # the sustainability warning
        _fits(page)
        page.get_by_role("link", name="Record a contribution").click()
        page.get_by_label("Kind").select_option(label="Space")
        page.get_by_label("What").fill("Hall on Saturdays")
        page.get_by_label("Value (US dollars)").fill("-100")
        page.get_by_label("From").fill("2026-03-01")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert "cannot be negative" in page.get_by_role("main").inner_text()
        page.get_by_label("Value (US dollars)").fill("2400")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        totals = page.get_by_role("table", name="Contributions by partner").inner_text()
        assert "$3,600.00" in totals
        _fits(page)
    finally:
        context.close()


def test_a_resident_tells_the_partnership_without_an_account_or_javascript(
    axe, browser, site, workspace
) -> None:
    for javascript in (True, False):
        context = browser.new_context(
            base_url=site, viewport={"width": 320, "height": 640}, java_script_enabled=javascript
        )
        try:
            page = context.new_page()
            page.goto("/partnership/you-said-we-did/")
            main = page.get_by_role("main").inner_text()
            assert "closes too early" in main and "my shift" not in main
            assert "988" in page.content()  # the crisis lines on every resident page
            if javascript:
                assert_accessible(page, axe)
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("link", name="Tell the partnership").click()
            if javascript:
                assert_accessible(page, axe)
            _fits(page)
            page.get_by_label("What is it about?").select_option(label="Something else")
            page.get_by_label("What do you want to tell us?").fill("I want to kill myself")
            with page.expect_navigation():
                page.get_by_role("button", name="Send").click()
            alert = page.get_by_role("alert")
            assert "Talk to someone now" in alert.inner_text()
            if javascript:
                assert_accessible(page, axe)
            _fits(page)
            # A short survey, from the form's page.
            page.goto("/partnership/voice/")
            with page.expect_navigation():
                page.get_by_role("link", name="Getting there").click()
            if javascript:
                assert_accessible(page, axe)
            _fits(page)
            page.get_by_label("Bus").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Send").click()
            assert "Thank you" in page.get_by_role("heading", level=1).inner_text()
        finally:
            context.close()
