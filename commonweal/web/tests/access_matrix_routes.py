"""Access-matrix rows of programs: mobile services: a route of stops (location + schedule) and "the next stop near me". Merged in access_matrix.py."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import Operation, Page

PAGES: dict[str, Page] = {}
OPERATIONS: dict[str, Operation] = {}
