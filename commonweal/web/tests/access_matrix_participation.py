"""Access-matrix rows of the insights area's participation pages (programme registrations
and attendance, campaign reach). Merged in access_matrix.py."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import Operation, Page

PAGES: dict[str, Page] = {}
OPERATIONS: dict[str, Operation] = {}
