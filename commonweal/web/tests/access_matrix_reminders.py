"""Access-matrix rows of programs: personal reminders (appointments, medication, sessions) by text or email, with opt-out. Merged in access_matrix.py."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import Operation, Page

PAGES: dict[str, Page] = {}
OPERATIONS: dict[str, Operation] = {}
