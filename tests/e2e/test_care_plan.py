"""The care plan in a browser: start a plan, add a goal (needs ticked from the screening),
link a resource, record a review — axe-core on every page, 320 px, and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cared(site) -> dict[str, Any]:
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization, Service
    from commonweal.referrals.tests.care_plan_fixtures import make_screening
    from commonweal.referrals.tests.people_fixtures import make_person

    navigators = Organization.objects.create(name="Northside Navigators")
    library = Organization.objects.create(name="Miami Public Library")
    navigator = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=navigator, organization=navigators, role="navigator")
    resource = Service.objects.create(organization=library, name="Tuesday walking group")
    person = make_person(navigators)
    make_screening(person, domains=("loneliness",))
    return {"person": person, "resource": resource}


def test_a_plan_from_start_to_review(axe, browser, site, cared) -> None:
    from commonweal.referrals.care_plan_models import CarePlanGoal, CarePlanNote

    person = cared["person"]
    # No JavaScript at all: every step is a plain form.
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "nina.navigator")
        page.goto(person.get_absolute_url())
        page.get_by_role("link", name="Start a care plan").click()
        page.get_by_role("button", name="Start a care plan").click()
        page.get_by_role("link", name="Add a goal").click()
        assert page.get_by_role("checkbox", name="Feeling connected").is_checked()
        page.get_by_label("Goal, in the person's own words").fill("Feel less alone")
        page.get_by_role("button", name="Save the goal").click()
        goal = CarePlanGoal.objects.get()
        assert goal.needs == ["loneliness"]
        page.get_by_role("link", name="Link a referral or service").click()
        page.get_by_label("Find a programme or service by name").fill("walking")
        page.get_by_role("button", name="Find").click()
        page.get_by_role("button", name="Link Tuesday walking group").click()
        assert list(goal.services.all()) == [cared["resource"]]
        page.goto(reverse("referrals:care_plan_review", args=[person.pk]))
        page.get_by_label("Progress note").fill("Went twice; wants to keep going.")
        page.get_by_label("“Feel less alone”: progress").select_option("improving")
        page.get_by_role("button", name="Save the review").click()
        assert CarePlanNote.objects.get().goal_changes
        assert "Went twice" in page.content()
    finally:
        context.close()

    urls = [
        person.get_absolute_url(),
        reverse("referrals:care_plan", args=[person.pk]),
        reverse("referrals:care_plan_goal_create", args=[person.pk]),
        reverse("referrals:care_plan_goal_edit", args=[person.pk, goal.pk]),
        reverse("referrals:care_plan_goal_links", args=[person.pk, goal.pk]) + "?q=walking",
        reverse("referrals:care_plan_review", args=[person.pk]),
    ]
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        sign_in(phone, "nina.navigator")
        for url in urls:
            phone.goto(url)
            assert_accessible(phone, axe)
            width = phone.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 320, f"{url} is {width} px wide at a 320 px viewport"
    finally:
        context.close()
