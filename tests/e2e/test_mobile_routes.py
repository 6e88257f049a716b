"""Mobile services: a resident finds the next stop near a ZIP code without JavaScript, at
320 px; "Use my location" with the browser's position; a cancelled visit is marked; the
partner adds a stop. Every page axe-core clean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def truck(site) -> Any:
    """A food truck of a partner with two weekly stops (one in Little Havana, one in
    Homestead), the first visit tomorrow; the second Havana visit is cancelled."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization
    from commonweal.programs import routes

    organization = Organization.objects.create(name="Southside Food Bank", description="x")
    staff = User.objects.create_user(username="rita.route", password=PASSWORD)
    Membership.objects.create(user=staff, organization=organization, role="partner_staff")
    route = routes.create_route(
        organization=organization,
        by=staff,
        name="Fresh produce truck",
        kind="food_truck",
        description="Free fruit and vegetables. No papers needed.",
        time_zone="America/New_York",
    )
    first = dt.date.today() + dt.timedelta(days=1)
    for name, zip_code in (("Havana park", "33135"), ("Homestead market", "33030")):
        routes.add_stop(
            route,
            by=staff,
            name=name,
            address="1 Main St",
            postal_code=zip_code,
            starts_on=first,
            arrives_at=dt.time(10, 0),
            departs_at=dt.time(12, 0),
            rule="FREQ=WEEKLY;COUNT=6",
        )
    havana = route.stops.get(name="Havana park")
    routes.cancel_visit(havana, occurrence=havana.occurrences()[1].key, by=staff)
    return route


def test_a_resident_finds_the_next_stop_near_a_zip_without_javascript(browser, site, truck) -> None:
    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(reverse("events:calendar"))
        with page.expect_navigation():
            page.get_by_role("link", name="find the next stop near you").click()
        assert page.get_by_role("heading", name="Mobile services", level=1).is_visible()
        assert page.get_by_text("988").first.is_visible()
        page.get_by_label("Your ZIP code or town").fill("33135")
        with page.expect_navigation():
            page.get_by_role("button", name="Find the next stop near me").click()
        nearby = page.get_by_role("region", name="Next stops near 33135")
        assert nearby.get_by_text("Havana park").is_visible()
        assert nearby.get_by_text("Homestead market").count() == 0  # 30 km away
        assert small_screen_problems(page) == [], page.url
        with page.expect_navigation():
            nearby.get_by_role("link", name="Fresh produce truck").click()
        assert page.get_by_role("heading", name="Fresh produce truck", level=1).is_visible()
        assert page.get_by_text("Cancelled").first.is_visible()
        assert small_screen_problems(page) == [], page.url
    finally:
        context.close()


def test_the_mobile_pages_are_accessible_at_320_px(browser, site, truck, axe) -> None:
    context = browser.new_context(base_url=site, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        for url in (
            reverse("events:mobile_list") + "?near=33135",
            reverse("events:mobile_list") + "?near=Qwxzville",
            truck.get_absolute_url() + "?near=33030",
        ):
            page.goto(url)
            assert_accessible(page, axe)
            assert small_screen_problems(page) == [], page.url
    finally:
        context.close()


def test_use_my_location_finds_the_nearest_stop(browser, site, truck, axe) -> None:
    context = browser.new_context(
        base_url=site,
        geolocation={"latitude": 25.4851, "longitude": -80.5109},  # Homestead
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(truck.get_absolute_url())
        with page.expect_navigation():
            page.get_by_role("button", name="Use my location").click()
        assert "lat=" in page.url
        nearest = page.get_by_role("region", name="The stop nearest you")
        assert nearest.get_by_text("Homestead market").first.is_visible()
        assert_accessible(page, axe)
    finally:
        context.close()


def test_the_partner_adds_a_stop(page, truck, axe) -> None:
    sign_in(page, "rita.route")
    page.goto(reverse("programs:route_manage", args=[truck.pk]))
    assert_accessible(page, axe)
    with page.expect_navigation():
        page.get_by_role("link", name="Add a stop").click()
    page.get_by_label("Stop name").fill("Library lot")
    page.get_by_label("Street address").fill("2 Library Way")
    page.locator("#id_postal_code").fill("33010")
    page.locator("#id_starts_on").fill((dt.date.today() + dt.timedelta(days=2)).isoformat())
    page.get_by_label("Arrives at").fill("09:00")
    page.get_by_label("Leaves at").fill("08:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The van must leave after it arrives").is_visible()
    assert_accessible(page, axe)
    page.get_by_label("Leaves at").fill("11:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="Library lot").is_visible()
