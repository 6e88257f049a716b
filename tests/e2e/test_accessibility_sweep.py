"""Every page each role can reach, in one browser on a 320 px phone: no axe-core WCAG 2.1 AA
violation, no sideways scroll, no control covering another, the language switcher there and
the page's language declared on <html>.

The pages come from the access matrix (commonweal/web/tests/access_matrix.py, with the
cast of matrix_cast.py): every URL pattern has a row there (test_access_matrix.py fails
until it has), so a new page is swept here as soon as it exists, as every role the matrix
lets read it. Problems are gathered over the whole sweep and reported together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from commonweal.web.tests import matrix_cast
from commonweal.web.tests.access_matrix import PAGES
from commonweal.web.tests.matrix_cast import ROLES, Cast
from tests.e2e.browsing import (
    axe_violations,
    describe_violations,
    session_cookie,
    small_screen_problems,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}

# Pages left out of the sweep, each with the reason (the statement page lists them too).
NOT_SWEPT = {
    # Downloads (Content-Disposition: attachment): the browser saves them, no page to read.
    "gaps:csv": "a CSV download",
    "gaps:geojson": "a GeoJSON download",
    "insights:report_pdf": "a PDF download",
    "participation:csv": "a CSV download",
}


@pytest.fixture
def cast(site) -> Cast:
    return matrix_cast.build()


def page_url(cast: Cast, name: str) -> str:
    entry = PAGES[name]
    return reverse(name, kwargs=entry.params(cast)) + entry.query(cast)


def readable_pages(role: str) -> list[str]:
    """The matrix's pages that `role` may GET (JSON documents are dropped when loaded)."""
    return sorted(
        name for name, entry in PAGES.items() if entry.get[role] == "ok" and name not in NOT_SWEPT
    )


def page_problems(page: Any, axe: Any, language: str) -> list[str]:
    """Everything wrong with the open page, as lines of a report."""
    problems = small_screen_problems(page, page.viewport_size["width"])
    declared = page.evaluate("document.documentElement.lang")
    if declared != language:
        problems.append(f'<html lang="{declared}">, but the page is in "{language}"')
    if page.locator("form.language-switcher select[name=language]").count() != 1:
        problems.append("no language switcher")
    if axe is not None:
        violations = axe_violations(page, axe)
        if violations:
            problems.append(describe_violations(violations))
    return problems


@pytest.fixture
def phone_as(browser, site) -> Iterator[Any]:
    """A 320 px page signed in as a role (or as nobody), in one of the browser's contexts."""
    contexts = []

    def open_page(cast: Cast, role: str, language: str = "en", viewport: Any = PHONE) -> Any:
        context = browser.new_context(
            base_url=site, viewport=viewport, extra_http_headers={"Accept-Language": language}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        if role != "anonymous":
            context.add_cookies([session_cookie(matrix_cast.signed_in(cast.user(role)), site)])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sweep(
    phone: Any, cast: Cast, role: str, names: list[str], axe: Any, language: str
) -> tuple[list[str], int]:
    """(problems, pages checked) for `names` seen as `role`."""
    problems: list[str] = []
    checked = 0
    for name in names:
        try:
            response = phone.goto(page_url(cast, name))
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file to save (a PDF, a CSV export): no page to read
            raise
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue  # a JSON document (health check, OpenAPI): no page to read
        checked += 1
        if response.status != 200:
            problems.append(f"{name} as {role}: answered {response.status}")
            continue
        problems += [
            f"{name} as {role} ({phone.url}): {p}" for p in page_problems(phone, axe, language)
        ]
    return problems, checked


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_read_passes_at_320_px(axe, cast, phone_as, role) -> None:
    names = readable_pages(role)
    problems, checked = sweep(phone_as(cast, role), cast, role, names, axe, "en")
    assert checked >= 10, f"only {checked} pages swept as {role}: is the sign-in working?"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "resident"])
def test_every_page_declares_spanish_and_fits_320_px_in_spanish(axe, cast, phone_as, role) -> None:
    # Spanish runs longer than English, and a screen reader needs lang="es" to read it.
    names = readable_pages(role)
    problems, checked = sweep(phone_as(cast, role, "es"), cast, role, names, axe, "es")
    assert checked >= 10
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "navigator"])
def test_every_page_passes_on_a_wide_screen_too(axe, cast, phone_as, role) -> None:
    # Wide layouts differ (two- and three-column grids, the open filter panel).
    desk = phone_as(cast, role, viewport={"width": 1280, "height": 800})
    problems, checked = sweep(desk, cast, role, readable_pages(role), axe, "en")
    assert checked >= 10
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# A form's error state: what the page shows after its form is sent back with every text
# field empty and the browser's own checks off (as an old browser or a script sends it).
_SEND_EMPTY = """() => {
  const form = [...document.querySelectorAll('main form[method=post i]')].find(
    (f) => !f.getAttribute('action') || new URL(f.action, location.href).pathname === location.pathname
  );
  if (!form) return false;
  for (const field of form.querySelectorAll('input[type=text], input[type=email], input[type=tel], input[type=number], input[type=date], input[type=time], input[type=password], input[type=search], input:not([type]), textarea')) field.value = '';
  form.dataset.sendEmpty = '';
  return true;
}"""
# submit(), not requestSubmit(): no submit event, so neither htmx nor the browser's own
# validation steps in; the server alone judges the form.
_SUBMIT = "document.querySelector('form[data-send-empty]').submit()"

# Every field the page marks invalid is tied to a message a screen reader reads with it:
# by its own aria-describedby, or (a group of tick boxes or radio buttons) its fieldset's.
_UNANNOUNCED_ERRORS = """() => {
  const described = (el) => !!el && (el.getAttribute('aria-describedby') || '').split(/\\s+/)
    .some((id) => id && document.getElementById(id) && document.getElementById(id).textContent.trim());
  const names = [...document.querySelectorAll('[aria-invalid=true]')]
    .filter((field) => !described(field) && !described(field.closest('fieldset, [role=group], [role=radiogroup]')))
    .map((field) => field.name || field.id);
  return [...new Set(names)];
}"""


def error_roles() -> dict[str, str]:
    """Each page whose form posts back to it, and the first role who may send it."""
    chosen = {}
    for name, entry in sorted(PAGES.items()):
        if entry.post is None or name in NOT_SWEPT:
            continue
        for role in ROLES:
            if entry.get[role] == "ok" and entry.post[role] == "ok":
                chosen[name] = role
                break
    return chosen


def test_every_form_sent_back_empty_shows_accessible_announced_errors(axe, cast, phone_as) -> None:
    phones: dict[str, Any] = {}
    problems: list[str] = []
    with_errors = []
    for name, role in error_roles().items():
        phone = phones.get(role) or phones.setdefault(role, phone_as(cast, role))
        response = phone.goto(page_url(cast, name))
        if response.status != 200 or "text/html" not in response.headers["content-type"]:
            continue  # the GET sweep reports it
        if not phone.evaluate(_SEND_EMPTY):
            continue
        with phone.expect_navigation():
            phone.evaluate(_SUBMIT)
        if not phone.locator(".errorlist, [role=alert], [aria-invalid=true]").count():
            continue  # an empty form was a valid one here (nothing to announce)
        with_errors.append(name)
        where = f"{name} with errors as {role}"
        problems += [f"{where}: {p}" for p in page_problems(phone, axe, "en")]
        unannounced = phone.evaluate(_UNANNOUNCED_ERRORS)
        if unannounced:
            problems.append(
                f"{where}: fields marked invalid with no message tied to them: {unannounced}"
            )
    assert len(with_errors) >= 5, f"only {with_errors} showed errors: is the form found?"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_small_screen_check_would_catch_a_wide_page_and_covered_buttons(page) -> None:
    page.set_viewport_size(PHONE)
    page.set_content(
        '<html lang="en"><body><div style="width: 400px">wide</div>'
        '<button style="position: absolute; top: 0; left: 0">One</button>'
        '<button style="position: absolute; top: 4px; left: 4px">Two</button>'
        "<details><summary>More</summary><a href='#a'>a</a></details></body></html>"
    )
    problems = small_screen_problems(page)
    assert problems[0].startswith("scrolls sideways: 4")
    assert 'button "One" overlaps button "Two"' in problems[1:]
    # The closed <details> hides its link: a hidden link covers nothing.
    assert len(problems) == 2


def test_the_switcher_turns_the_same_page_spanish_without_javascript(
    browser, site, small_directory
) -> None:
    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        service = small_directory.service.get_absolute_url()
        page.goto(service)
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_label("Language", exact=True).select_option("es")
        with page.expect_navigation():
            page.get_by_role("button", name="Change").click()
        assert page.url.endswith(service)  # back on the page the visitor was reading
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.get_by_label("Idioma", exact=True).input_value() == "es"
        page.goto(reverse("web:accessibility"))  # and it stays Spanish from page to page
        assert page.locator("html").get_attribute("lang") == "es"
    finally:
        context.close()


def test_the_status_check_and_the_list_work_without_javascript(browser, site, cast) -> None:
    context = browser.new_context(base_url=site, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        # The person checks their referral with the code they were given.
        page.goto(reverse("referral:status"))
        page.get_by_label("Your referral code").fill(cast.world.referral.status_code.lower())
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()
        assert page.get_by_text("We could not find a referral").count() == 0
        assert page.get_by_text(cast.world.receiving_service.name).first.is_visible()
        # A service goes on the visitor's list, and the list prints.
        service = cast.world.home_service
        page.goto(reverse("directory:search") + "?" + urlencode({"q": service.name}))
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Add to my list")).first.click()
        page.goto(reverse("directory:my_list"))
        assert page.get_by_role("main").get_by_text(service.name).first.is_visible()
        with page.expect_navigation():
            page.get_by_role("link", name="Print the list").click()
        assert page.get_by_role("heading", name=service.name).is_visible()
        assert small_screen_problems(page) == []
    finally:
        context.close()


def test_the_not_found_and_refused_pages_pass_too(axe, cast, phone_as) -> None:
    phone = phone_as(cast, "resident")
    problems = []
    # A mistyped address, and a staff page a resident may not open (the matrix says 403).
    for url, status in [("/no-such-page/", 404), (reverse("referral:inbox"), 403)]:
        response = phone.goto(url)
        assert response.status == status, url
        assert phone.locator('a[href="tel:988"]').first.is_visible()  # crisis lines even here
        problems += [f"{url}: {p}" for p in page_problems(phone, axe, "en")]
    assert not problems, "\n".join(problems)
