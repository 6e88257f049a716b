"""Access-matrix rows for the programmes, events and training pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py)."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import Operation, Page

PAGES: dict[str, Page] = {}
OPERATIONS: dict[str, Operation] = {}
