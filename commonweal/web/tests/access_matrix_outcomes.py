"""Access-matrix rows for the insights area's outcomes pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py)."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import API_INSIGHTS_ROW, INSIGHTS, Operation, Page, row

PAGES: dict[str, Page] = {
    # Aggregates only (policy.can_see_insights); the area's existence is no secret.
    "outcomes:index": Page(INSIGHTS),
}
OPERATIONS: dict[str, Operation] = {
    "commonweal_insights_outcome_api_report": Operation(row(API_INSIGHTS_ROW)),
}
