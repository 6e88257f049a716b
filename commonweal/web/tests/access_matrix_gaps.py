"""Access-matrix rows for the insights area's gap analysis pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py)."""

from __future__ import annotations

from commonweal.web.tests.access_matrix import API_INSIGHTS_ROW, INSIGHTS, Operation, Page, row

# The World's one category (its home service has no place, so the analysis answers with
# its explicit empty result): the downloads need a category to answer 2xx.
_CATEGORY = lambda c: "?category=1103"  # noqa: E731

PAGES: dict[str, Page] = {
    # Gap analysis (docs/insights.md): coalition admins, analysts and superusers, like the
    # rest of the insights area (policy.can_see_insights).
    "gaps:index": Page(INSIGHTS, query=_CATEGORY),
    "gaps:csv": Page(INSIGHTS, query=_CATEGORY),
    "gaps:geojson": Page(INSIGHTS, query=_CATEGORY),
}

_P = "commonweal_insights_gap_api_"
_IN_CATEGORY = lambda c: {"category": "1103"}  # noqa: E731
OPERATIONS: dict[str, Operation] = {
    f"{_P}categories": Operation(row(API_INSIGHTS_ROW)),
    f"{_P}gaps": Operation(row(API_INSIGHTS_ROW), params=_IN_CATEGORY),
    f"{_P}gaps_geojson": Operation(row(API_INSIGHTS_ROW), params=_IN_CATEGORY),
}
