"""Access-matrix rows of programs: volunteer roles, sign-ups, matching, confirmation and hours. Merged in access_matrix.py."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import Operation, Page

PAGES: dict[str, Page] = {}
OPERATIONS: dict[str, Operation] = {}
