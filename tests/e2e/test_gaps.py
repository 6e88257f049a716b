"""The gap analysis page in a browser: axe-core clean at 320 px, works without JavaScript,
htmx updates the results in place, and Leaflet loads only with a tile server configured
(here a local one), its tiles allowed by the real Content-Security-Policy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browsing import PASSWORD, assert_accessible, sign_in, small_screen_problems
from tests.e2e.test_content_security import WATCH_VIOLATIONS

pytestmark = pytest.mark.browser

URL = "/insights/gaps/"
TILE = (
    Path(__file__).resolve().parents[2]
    / "commonweal"
    / "static"
    / "vendor"
    / "leaflet"
    / "images"
    / "layers.png"
).read_bytes()  # any PNG will do as a map tile


def _analysis_data() -> None:
    from commonweal.accounts.models import Membership, User
    from commonweal.directory.models import Organization, TaxonomyTerm
    from commonweal.insights.tests.test_gaps_command import _service

    term = TaxonomyTerm.objects.create(code="MH", name="Mental health")
    _service(term, at=(25.7743, -80.1937))  # downtown Miami
    _service(term, at=(25.9420, -80.2456))  # Miami Gardens
    _service(term, at=(25.4687, -80.4776))  # Homestead
    analyst = User.objects.create_user(username="ana.analyst", password=PASSWORD)
    home = Organization.objects.create(name="Northside Food Bank", description="Food.")
    Membership.objects.create(user=analyst, organization=home, role="analyst")


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tile server on another origin (another port) that answers every tile with a PNG."""
    requests: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(TILE)))
            self.end_headers()
            self.wfile.write(TILE)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_it_works_without_javascript_at_320_px(browser, site) -> None:
    _analysis_data()
    context = browser.new_context(
        base_url=site, java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        page.goto(URL)
        page.get_by_label("Category of service").select_option("MH")
        page.get_by_label("Method").select_option("gravity")
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        assert "category=MH" in page.url and "method=gravity" in page.url
        table = page.get_by_role("table")
        assert table.get_by_role("row").count() == 26  # a header and the top 25
        assert page.locator("svg[data-gap-svg]").is_visible()
        assert page.locator("script[src*=leaflet]").count() == 0
        assert page.get_by_role("link", name="Download CSV").is_visible()
        with page.expect_navigation():
            page.get_by_role("link", name="Show all").click()
        assert page.get_by_role("table").get_by_role("row").count() > 1000
    finally:
        context.close()


def test_it_is_accessible_and_htmx_updates_the_results_in_place(axe, browser, site) -> None:
    _analysis_data()
    context = browser.new_context(base_url=site, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        sign_in(page, "ana.analyst")
        page.goto(URL)
        assert_accessible(page, axe)
        page.get_by_label("Category of service").select_option("MH")
        page.get_by_label("Rank by").select_option("county")
        with page.expect_response(lambda r: "/insights/gaps/?" in r.url):
            page.get_by_role("button", name="Show").click()
        page.get_by_role("table").first.wait_for()
        assert page.get_by_role("heading", level=1).count() == 1  # swapped, not reloaded
        assert "Monroe County" in page.get_by_role("table").first.inner_text()
        assert "by=county" in page.url  # the address can be shared or bookmarked
        assert page.evaluate("typeof window.L") == "undefined"  # no tile URL: no Leaflet
        assert_accessible(page, axe)
        assert not small_screen_problems(page)
        page.goto(URL + "?category=MH&radius_km=-1")
        assert "Catchment distance must be more than 0" in page.get_by_role("alert").inner_text()
        assert_accessible(page, axe)
    finally:
        context.close()


def test_leaflet_draws_the_map_over_tiles_the_policy_allows(
    axe, browser, site, settings, tile_server
) -> None:
    _analysis_data()
    tiles, requested = tile_server
    settings.COMMONWEAL_MAP_TILE_URL = tiles + "/{z}/{x}/{y}.png"
    settings.COMMONWEAL_MAP_TILE_ATTRIBUTION = "Test tiles"
    # The real policy this time: tiles from the other origin must be allowed by it.
    context = browser.new_context(base_url=site, bypass_csp=False)
    violations: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.add_init_script(WATCH_VIOLATIONS)
        sign_in(page, "ana.analyst")
        page.goto(URL + "?category=MH")
        page.locator("html[data-gap-map=leaflet]").wait_for()
        page.locator("img.leaflet-tile-loaded").first.wait_for()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == []
        assert page.locator("svg[data-gap-svg]").is_hidden()
        assert page.locator(".gap-leaflet path.leaflet-interactive").count() > 1000
        assert "Test tiles" in page.locator(".leaflet-control-attribution").inner_text()
        # Results swapped in by htmx get their own Leaflet map.
        page.get_by_label("Method").select_option("gravity")
        with page.expect_response(lambda r: "method=gravity" in r.url):
            page.get_by_role("button", name="Show").click()
        page.locator("[data-gap-leaflet][data-ready]").wait_for()
        assert page.locator("svg[data-gap-svg]").is_hidden()
        assert page.get_by_role("heading", level=1).count() == 1
        assert not violations, violations
        assert requested and all(path.endswith(".png") for path in requested)
    finally:
        context.close()
    # axe-core is injected as a script, which the real policy blocks: checked apart.
    checking = browser.new_context(base_url=site)
    try:
        page = checking.new_page()
        sign_in(page, "ana.analyst")
        page.goto(URL + "?category=MH")
        page.locator("html[data-gap-map=leaflet]").wait_for()
        assert_accessible(page, axe)
    finally:
        checking.close()
