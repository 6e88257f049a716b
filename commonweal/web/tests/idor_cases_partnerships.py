"""IDOR and CSRF cases of the partnerships routes, merged into test_attack_idor.py and
test_attack_csrf.py (one file per part, like the access matrix's rows files).

PAGE_CASES / PUBLIC_PAGES / API_CASES / PUBLIC_API: as in test_attack_idor.py.
PUBLIC_IDS / POSTERS: as in test_attack_csrf.py (ids of public records to post to, and who
posts to a route without an id when it is not the home navigator).
"""

from __future__ import annotations

from typing import Any

from commonweal.web.tests.test_attack_idor import Case  # noqa: F401

PAGE_CASES: dict[str, Any] = {}
PUBLIC_PAGES: dict[str, str] = {}
API_CASES: dict[tuple[str, str], Any] = {}
PUBLIC_API: dict[tuple[str, str], str] = {}
PUBLIC_IDS: dict[str, Any] = {}
POSTERS: dict[str, str | None] = {}
