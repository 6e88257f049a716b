"""What the browser tests do on a page: run axe-core, sign in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The WCAG 2.1 level A and AA rules of axe-core.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse battery staple"


def axe_violations(page: Any, axe_script: Path) -> list[dict[str, Any]]:
    if not page.evaluate("typeof axe !== 'undefined'"):  # not already there by an init script
        page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        # resultTypes: only violations get their full node details (what we report); axe
        # skips that work for passes, which is most of its time on a long page.
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return result["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(
                f"    {json.dumps(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
            )
    return "\n".join(lines)


def assert_accessible(page: Any, axe_script: Path) -> None:
    violations = axe_violations(page, axe_script)
    assert not violations, (
        f"axe-core WCAG 2.1 AA violations on {page.url}:\n{describe_violations(violations)}"
    )


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for the navigation the form post starts, not the login page's own load state.
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Sign in").click()


# --- small screens: what "usable at 320 px" means, checked on whatever page is open ---------

# Controls a finger or a keyboard acts on; an overlap between two of them hides one.
_OVERLAPPING_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  // checkVisibility: not display:none, not visibility:hidden, not in a closed <details>.
  const shown = (el) => el.checkVisibility({visibilityProperty: true});
  const boxes = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el)) continue;
    // One box per line: a link that wraps is several boxes, not one tall rectangle.
    for (const r of el.getClientRects()) if (r.width > 2 && r.height > 2) boxes.push([el, r]);
  }
  const name = (el) => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || el.getAttribute('aria-label') || el.getAttribute('href') || '').trim().slice(0, 40)}"`;
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (a === b || a.contains(b) || b.contains(a)) continue;
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      // 2 px of slack: focus rings and borders may touch, controls may not cover each other.
      if (x > 2 && y > 2) found.push(`${name(a)} overlaps ${name(b)}`);
    }
  }
  return found.slice(0, 5);
}"""


def small_screen_problems(page: Any, width: int = 320) -> list[str]:
    """Why the open page is not usable `width` px wide: sideways scroll, covered controls."""
    problems = []
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"scrolls sideways: {scroll_width} px wide at a {width} px viewport")
    problems += page.evaluate(_OVERLAPPING_CONTROLS)
    return problems


def session_cookie(client: Any, site: str) -> dict[str, str]:
    """A Django test client's signed-in session as a Playwright cookie for `site`."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": site}
