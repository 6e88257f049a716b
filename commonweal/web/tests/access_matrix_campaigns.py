"""Access-matrix rows of programs: awareness campaigns and the health education library. Merged in access_matrix.py."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import Operation, Page

PAGES: dict[str, Page] = {}
OPERATIONS: dict[str, Operation] = {}
