"""Access-matrix rows of the insights area's participation pages (programme registrations
and attendance, campaign reach). Merged in access_matrix.py."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import API_INSIGHTS_ROW, INSIGHTS, Operation, P, Page, row

PAGES: dict[str, Page] = {
    # Aggregates only, de-identified for everyone (policy.can_see_insights).
    "participation:index": Page(INSIGHTS),
    "participation:csv": Page(INSIGHTS, params=lambda c: {"name": "programmes"}),
}
OPERATIONS: dict[str, Operation] = {
    f"{P}insights_participation_api_participation_figures": Operation(row(API_INSIGHTS_ROW)),
}
