"""Low bandwidth: a resident page's first load (empty cache) transfers under 150 KB, and
nothing is requested from any origin but the site's own (no CDN, web font or analytics).

Bytes are counted as the browser received them, headers and bodies, from the test server,
which does not compress: a production server that gzips (whitenoise does for static files)
sends less, so the budget holds there too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

BUDGET = 150 * 1024  # issue 10: "under 150 KB on first load"


def resident_urls(small_directory: Any) -> dict[str, str]:
    return {
        **small_directory.resident_pages(),
        "categories": reverse("directory:category_index"),
        "search results": reverse("directory:search") + "?q=pantry",
        "no results": reverse("directory:search") + "?q=zzzzqqqq",
        "my list": reverse("directory:my_list"),
        "printable list": reverse("directory:my_list_print"),
        "check-ups": reverse("screening:instrument_list"),
        "self-screen": reverse("screening:self_screen", kwargs={"code": "phq-9"}),
        "referral status": reverse("referral:status"),
        "accessibility": reverse("web:accessibility"),
    }


def first_load(browser: Any, site: str, url: str) -> tuple[int, list[str]]:
    """(bytes received, URLs requested) for `url` in a new browser context (empty cache)."""
    context = browser.new_context(base_url=site)
    finished: list[Any] = []
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(url, wait_until="networkidle")
        total = 0
        for request in finished:
            sizes = request.sizes()
            total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
    finally:
        context.close()
    return total, requested


def foreign(requested: list[str], site: str) -> list[str]:
    """The requests that left the site's origin (data: and blob: URLs never leave)."""
    own = urlsplit(site)[:2]
    return [
        u
        for u in requested
        if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u)[:2] != own
    ]


def test_each_resident_page_loads_under_150_kb_from_the_site_alone(
    browser, site, small_directory
) -> None:
    problems = []
    sizes = {}
    for name, url in resident_urls(small_directory).items():
        total, requested = first_load(browser, site, url)
        sizes[name] = total
        if total >= BUDGET:
            problems.append(f"{name}: {total / 1024:.0f} KB on first load (budget 150 KB)")
        outside = foreign(requested, site)
        if outside:
            problems.append(f"{name}: requests outside the site: {outside}")
        if len(requested) < 2:
            problems.append(f"{name}: only {requested} requested: are the assets counted?")
    assert not problems, "\n".join(problems) + f"\nall sizes: {sizes}"


def test_it_would_catch_a_heavy_page_and_a_third_party_request(browser, site) -> None:
    assert foreign([site + "/static/css/site.css", "data:image/png;base64,AA"], site) == []
    assert foreign(["https://fonts.example.com/font.woff2"], site) == [
        "https://fonts.example.com/font.woff2"
    ]
    # The counter sees a big response: the home page plus its assets weigh something.
    total, requested = first_load(browser, site, "/")
    assert total > 10_000 and any(u.endswith(".css") for u in requested)
