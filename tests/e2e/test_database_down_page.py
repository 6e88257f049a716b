"""The 503 page shown while the database is down (commonweal/web/database_down.py), in a
real browser on a 320 px phone: no axe-core violation, no sideways scroll, the crisis
lines there and working as links. It has no URL of its own, so the accessibility sweep
cannot reach it: a view is made to fail as an outage would."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from tests.e2e.browsing import assert_accessible, small_screen_problems

pytestmark = pytest.mark.browser


def outage(*args: object, **kwargs: object) -> None:
    raise OperationalError("connection refused")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_database_down_page_is_accessible_at_320px_with_the_crisis_lines(
    browser, site, axe, monkeypatch, language: str
) -> None:
    monkeypatch.setattr("commonweal.web.views.browse.top_categories", outage)
    context = browser.new_context(
        base_url=site, viewport={"width": 320, "height": 640}, locale=language
    )
    try:
        page = context.new_page()
        response = page.goto("/")
        assert response is not None and response.status == 503
        assert page.evaluate("document.documentElement.lang") == language
        for href in ("tel:988", "sms:741741", "tel:911"):
            assert page.locator(f'main a[href="{href}"]').count() >= 1, href
        assert small_screen_problems(page, 320) == []
        assert_accessible(page, axe)
    finally:
        context.close()
