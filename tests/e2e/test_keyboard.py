"""Keyboard only: Tab reaches every link, button and field of a resident page, in order, and
each one shows a visible focus ring when it gets there (WCAG 2.1.1, 2.4.3, 2.4.7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

# Marks every control a keyboard user must be able to reach, in document order, and
# returns how many of them are numbered (not radio buttons) and how many stops Tab should
# make: a radio group is one stop (arrows move inside it).
_MARK_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  let stops = 0, numbered = 0;
  const radios = new Set();
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || !el.checkVisibility({visibilityProperty: true})) continue;
    if (el.type === 'radio') {
      if (radios.has(el.name)) { el.dataset.kb = 'radio:' + el.name; continue; }
      radios.add(el.name);
      el.dataset.kb = 'radio:' + el.name;
    } else {
      el.dataset.kb = String(numbered++);
    }
    stops++;
  }
  return [numbered, stops];
}"""

# What has the focus now, and can a sighted keyboard user see where it is?
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  return {
    kb: el.dataset.kb || null,
    name: `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}"`,
    visible: ring,
  };
}"""


def tab_through(page: Any) -> tuple[int, list[dict[str, Any]]]:
    """(numbered controls to reach, what Tab focused in turn) from the top of the page."""
    numbered, stops = page.evaluate(_MARK_CONTROLS)
    # Tab from the very top, whatever the page focused itself (autofocus on a sign-in form).
    page.evaluate(
        "() => { const top = document.createElement('div'); top.tabIndex = -1;"
        " document.body.prepend(top); top.focus(); }"
    )
    focused: list[dict[str, Any]] = []
    # A date or time field takes one Tab per part (month, day, year): room for those.
    for _ in range(3 * stops + 10):
        page.keyboard.press("Tab")
        now = page.evaluate(_FOCUSED)
        if now is None or (focused and now["kb"] == focused[0]["kb"]):
            break  # off the end of the page, or round to the start
        if not focused or now["kb"] != focused[-1]["kb"]:
            focused.append(now)
    return numbered, focused


def keyboard_problems(page: Any) -> list[str]:
    stops, focused = tab_through(page)
    problems = [
        f"{f['name']} has the focus but no visible focus ring" for f in focused if not f["visible"]
    ]
    reached = [f["kb"] for f in focused if f["kb"] is not None]
    unmarked = [f["name"] for f in focused if f["kb"] is None]
    if unmarked:
        problems.append(f"Tab stops on something that is no control: {unmarked}")
    wanted = [str(i) for i in range(stops)]
    in_order = [kb for kb in reached if not kb.startswith("radio:")]
    missing = sorted(set(wanted) - set(in_order), key=int)
    if missing:
        names = page.evaluate(
            "(ids) => ids.map((id) => document.querySelector(`[data-kb='${id}']`).outerHTML.slice(0, 80))",
            missing,
        )
        problems.append(f"Tab never reaches: {names}")
    elif in_order != sorted(in_order, key=int):
        problems.append(f"Tab order differs from reading order: {in_order}")
    return problems


def resident_urls(small_directory: Any) -> dict[str, str]:
    return {
        **small_directory.resident_pages(),
        "search results": reverse("directory:search") + "?q=pantry",
        "self-screen": reverse("screening:self_screen", kwargs={"code": "phq-9"}),
        "check-ups": reverse("screening:instrument_list"),
        "referral status": reverse("referral:status"),
        "accessibility": reverse("web:accessibility"),
    }


@pytest.mark.parametrize("width", [1280, 320])
def test_tab_reaches_every_control_of_each_resident_page_with_focus_shown(
    browser, site, small_directory, width
) -> None:
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    problems = []
    try:
        page = context.new_page()
        for name, url in resident_urls(small_directory).items():
            page.goto(url)
            problems += [f"{name}: {p}" for p in keyboard_problems(page)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_first_tab_offers_the_skip_link_and_it_moves_focus_to_the_content(
    page, small_directory
) -> None:
    page.goto(small_directory.service.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_it_would_catch_a_control_out_of_reach_and_a_hidden_focus(page, site) -> None:
    page.set_content(
        '<html lang="en"><head><style>#quiet:focus { outline: none; box-shadow: none; }</style>'
        '</head><body><a href="#a">One</a><a href="#b" tabindex="-1">Two</a>'
        '<button id="quiet">Three</button></body></html>'
    )
    problems = keyboard_problems(page)
    assert any('button "Three" has the focus but no visible focus ring' in p for p in problems)
    assert any("Tab never reaches" in p and "Two" in p for p in problems)
