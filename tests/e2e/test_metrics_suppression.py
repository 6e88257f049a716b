"""The analysts' loop-closure page: hidden figures read as words, axe-core clean, 320 px wide."""

from __future__ import annotations

import datetime as dt
import re

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in

URL = "/referrals/metrics/?quarter=2026-Q1"


def _referrals() -> None:
    """23, 14 and 6 referrals to three partners, with many small counts among them."""
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization, Service
    from commonweal.referrals.models import Referral
    from commonweal.referrals.tests.people_fixtures import make_person

    sender = Organization.objects.create(name="Northside Food Bank", description="Food.")
    person = make_person(sender)
    sent = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    plans = {
        "Eastside Clinic": [("completed", 12), ("rejected", 4), ("requested", 7)],
        "Westside Shelter": [("completed", 3), ("rejected", 11)],
        "Southside Legal Aid": [("completed", 1), ("requested", 5)],
    }
    for name, statuses in plans.items():
        service = Service.objects.create(
            organization=Organization.objects.create(name=name, description="Help."), name="Help"
        )
        for status, n in statuses:
            for _ in range(n):
                Referral.objects.create(
                    person=person,
                    from_organization=sender,
                    to_organization=service.organization,
                    service=service,
                    needs=["food"],
                    status=status,
                    outcome="served" if status == "completed" else "",
                    status_reason="no-capacity" if status == "rejected" else "",
                    sent_at=sent,
                    created_at=sent,
                )
    analyst = User.objects.create_user(username="ana.analyst", password=PASSWORD)
    Membership.objects.create(user=analyst, organization=sender, role="analyst")


def test_an_analyst_reads_hidden_figures_as_words_at_320_px(
    axe, browser, site, monkeypatch
) -> None:
    from django.utils import timezone

    # The referrals are in March 2026; analysts see completed quarters only.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))
    _referrals()
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        page.goto(URL)
        table = page.get_by_role("table")
        text = table.inner_text()
        assert "fewer than 11" in text and "hidden" in text
        assert "Southside Legal Aid" not in text
        figures = [f.strip() for f in page.locator(".figure").all_inner_texts()]
        assert not [f for f in figures if re.fullmatch(r"([1-9]|10)", f)]
        # The table names the note that explains the words.
        assert table.get_attribute("aria-describedby") == "suppression-note"
        assert_accessible(page, axe)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"the metrics page is {width} px wide at a 320 px viewport"
    finally:
        context.close()
