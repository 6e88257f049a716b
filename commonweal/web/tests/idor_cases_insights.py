"""IDOR and CSRF cases of the insights routes, merged into test_attack_idor.py and
test_attack_csrf.py (one file per part, like the access matrix's rows files).

PAGE_CASES / PUBLIC_PAGES / API_CASES / PUBLIC_API: as in test_attack_idor.py.
PUBLIC_IDS / POSTERS: as in test_attack_csrf.py (ids of public records to post to, and who
posts to a route without an id when it is not the home navigator).
"""

from __future__ import annotations

from typing import Any

from commonweal.web.tests.test_attack_idor import Case


def _story(w: Any) -> dict[str, Any]:
    from commonweal.insights.models import ReportStory

    story, _created = ReportStory.objects.get_or_create(
        quarter="2026-Q3", text="Kept beside the numbers", defaults={"kind": "story"}
    )
    return {"story_id": story.pk}


# Stories belong to the whole partnership, not to one organisation: any coalition admin may
# remove one (policy.can_edit_report_stories), so another organisation's admin is no intruder.
PAGE_CASES: dict[str, Any] = {
    "insights:story_delete": Case(
        _story, "home_admin", ("intruder", "intruder_staff", "navigator", "resident")
    ),
}
PUBLIC_PAGES: dict[str, str] = {
    "unmet:csv": "a table's name, not a record: every figure is a de-identified count",
    "alerts:detail": "a signal and an area, not a record: weekly counts, no person",
    "participation:csv": "a table's name, not a record: every figure is a de-identified count",
}
API_CASES: dict[tuple[str, str], Any] = {}
PUBLIC_API: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/insights/gaps/{category}"): "a taxonomy code, public; figures per tract",
    ("GET", "/api/v1/insights/gaps/{category}/geojson"): "a taxonomy code, public",
}
PUBLIC_IDS: dict[str, Any] = {
    "unmet:csv": lambda w: {"name": "declined_by_partner"},
    "alerts:detail": lambda w: {"signal": "crisis-check-ups", "area": "33130"},
    "participation:csv": lambda w: {"name": "programmes"},
}
POSTERS: dict[str, str | None] = {}
