"""Access-matrix rows for the insights area's unmet need pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py)."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import API_INSIGHTS_ROW, INSIGHTS, Operation, P, Page, row

PAGES: dict[str, Page] = {
    # Aggregates only, de-identified for everyone (policy.can_see_insights).
    "unmet:index": Page(INSIGHTS),
    "unmet:csv": Page(INSIGHTS, params=lambda c: {"name": "searches_by_area"}),
}
OPERATIONS: dict[str, Operation] = {
    f"{P}insights_unmet_api_unmet_need": Operation(row(API_INSIGHTS_ROW)),
}
