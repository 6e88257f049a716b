"""IDOR and CSRF cases of programs: personal reminders (appointments, medication, sessions) by text or email, with opt-out. Merged in test_attack_idor.py."""

from __future__ import annotations

from typing import Any

PAGE_CASES: dict[str, Any] = {}
PUBLIC_PAGES: dict[str, str] = {}
API_CASES: dict[tuple[str, str], Any] = {}
PUBLIC_API: dict[tuple[str, str], str] = {}
PUBLIC_IDS: dict[str, Any] = {}
POSTERS: dict[str, str | None] = {}
