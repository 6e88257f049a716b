"""Referrals in a browser: a navigator refers, the partner accepts and completes, the person
checks the status with their code — axe-core on every page, 320 px, and no JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def loop(site) -> dict[str, Any]:
    """A navigator with a person in care, and a partner whose service takes referrals."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import (
        Address,
        Location,
        Organization,
        Phone,
        Service,
        ServiceAtLocation,
        ServiceIntake,
    )
    from commonweal.referrals.tests.people_fixtures import make_person

    navigators = Organization.objects.create(name="Northside Navigators")
    clinic = Organization.objects.create(name="Eastside Clinic")
    navigator = User.objects.create_user(username="nina.navigator", password=PASSWORD)
    Membership.objects.create(user=navigator, organization=navigators, role="navigator")
    partner = User.objects.create_user(username="pat.partner", password=PASSWORD)
    Membership.objects.create(user=partner, organization=clinic, role="partner_staff")
    service = Service.objects.create(organization=clinic, name="Walk-in clinic", status="active")
    ServiceIntake.objects.create(
        service=service,
        accepting_referrals=ServiceIntake.YES,
        accepting_new_clients=ServiceIntake.YES,
        waitlist="about two weeks",
        typical_response_days=3,
    )
    location = Location.objects.create(organization=clinic, name="Main street")
    ServiceAtLocation.objects.create(service=service, location=location)
    Address.objects.create(
        location=location,
        address_1="1 Main Street",
        city="Miami",
        state_province="FL",
        postal_code="33130",
        country="US",
    )
    Phone.objects.create(service=service, number="305-555-0199")
    person = make_person(navigators, phone="305-555-0123", preferred_contact_method="phone")
    return {"service": service, "person": person, "clinic": clinic}


def _fits_320(browser: Any, site: str, username: str, urls: list[str]) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        phone = context.new_page()
        if username:
            sign_in(phone, username)
        for url in urls:
            phone.goto(url)
            width = phone.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 320, f"{url} is {width} px wide at a 320 px viewport"
    finally:
        context.close()


def test_refer_accept_complete_and_the_person_checks(axe, browser, page, site, loop) -> None:
    from commonweal.referrals.models import Referral

    service, person = loop["service"], loop["person"]
    sign_in(page, "nina.navigator")
    page.goto(service.get_absolute_url())
    page.get_by_role("link", name="Refer someone").click()
    assert_accessible(page, axe)
    page.get_by_label("Who are you referring?").select_option(label="Maria Lopez")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("This service is accepting referrals.").is_visible()
    assert_accessible(page, axe)
    page.get_by_role("link", name="Record the person’s consent").click()
    page.get_by_label("Purpose").fill("Primary care")
    page.get_by_label("Verbal").check()
    page.get_by_label("Notes from the navigator").check()
    assert_accessible(page, axe)
    with page.expect_navigation():
        page.get_by_role("button", name="Record consent").click()
    assert page.get_by_text("Covered by the person’s consent").is_visible()  # back on the form
    page.get_by_label("Food").check()
    page.get_by_label("Note for the receiving organisation").fill("Mornings are best.")
    page.get_by_label("Private note — not shared").fill("Landlord dispute; do not share.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the referral").click()
    assert page.get_by_text("The referral was sent.").is_visible()
    assert_accessible(page, axe)
    referral = Referral.objects.get()
    page.goto(reverse("referral:worklist"))
    assert_accessible(page, axe)

    partner = browser.new_context(base_url=site).new_page()
    try:
        sign_in(partner, "pat.partner")
        partner.get_by_role("navigation").get_by_role("link", name="Referrals").click()
        assert_accessible(partner, axe)
        partner.get_by_role("link", name="Maria Lopez").click()
        assert partner.get_by_text("Landlord dispute").count() == 0
        assert_accessible(partner, axe)
        with partner.expect_navigation():
            partner.get_by_role("button", name="Accept").click()
        with partner.expect_navigation():
            partner.get_by_role("button", name="Mark in progress").click()
        partner.get_by_label("Served", exact=True).check()
        with partner.expect_navigation():
            partner.get_by_role("button", name="Complete with an outcome").click()
        assert partner.get_by_text("The referral is now: Completed.").is_visible()
        assert_accessible(partner, axe)
    finally:
        partner.context.close()

    referral.refresh_from_db()
    assert referral.status == "completed" and referral.outcome == "served"
    page.goto(reverse("referral:status"))
    page.get_by_label("Your referral code").fill(referral.status_code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    assert page.get_by_text("This referral is finished.").is_visible()
    assert page.get_by_text("Mornings are best.").count() == 0
    assert_accessible(page, axe)
    _fits_320(
        browser,
        site,
        "nina.navigator",
        [
            reverse("referral:worklist"),
            reverse("referral:detail", args=[referral.pk]),
            f"{reverse('referral:new')}?service={service.pk}&person={person.pk}",
            person.get_absolute_url(),
            reverse("referral:status_page", args=[referral.status_code]),
        ],
    )


def test_the_partner_accepts_without_javascript(browser, site, loop) -> None:
    from django.utils import timezone

    from commonweal.referrals import consent as consents
    from commonweal.referrals import referring
    from commonweal.referrals.models import Referral

    person, service = loop["person"], loop["service"]
    navigator = person.care_team.get().organization.memberships.get().user
    consents.record_consent(
        person=person,
        organizations=[loop["clinic"]],
        categories=["contact", "needs"],
        purpose="Primary care",
        method="signed",
        expires_at=timezone.now() + timezone.timedelta(days=30),
        by=navigator,
    )
    referral = referring.create_referral(
        person=person, service=service, by=navigator, needs=["food"]
    ).referral
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "pat.partner")
        page.goto(reverse("referral:inbox"))
        page.get_by_label("Show").select_option("requested")
        page.get_by_role("button", name="Filter").click()
        page.get_by_role("link", name="Maria Lopez").click()
        page.get_by_role("button", name="Accept").click()
        page.get_by_text("The referral is now: Accepted.").wait_for()
        page.get_by_label("Date", exact=True).fill("2030-01-15")
        page.get_by_label("Time", exact=True).fill("10:30")
        page.get_by_role("button", name="Save the appointment").click()
        page.get_by_text("The appointment was saved.").wait_for()
    finally:
        context.close()
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.status == "accepted" and referral.appointment_at is not None
    _fits_320(browser, site, "pat.partner", [reverse("referral:inbox")])
