"""What the browser tests do on a page: run axe-core, sign in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The WCAG 2.1 level A and AA rules of axe-core.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse battery staple"


def axe_violations(page: Any, axe_script: Path) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
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
