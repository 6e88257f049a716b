"""IDOR and CSRF cases of mobile services (routes of stops). Merged in test_attack_idor.py
and test_attack_csrf.py.

Routes are public once published, so the record worth attacking is a *draft* route of
`home` (unknown to anyone who may not manage it, like a draft listing or programme): its
pages, feed and stops. Its words join the World's secrets so no refusal may show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.attack_world import World
from commonweal.web.tests.test_attack_idor import Case

FIRST = dt.date(2030, 1, 10)
DRAFT_NAME = "Draftroute secret van"


def _draft(w: World) -> Any:
    from commonweal.programs.route_models import Route, Stop

    route, created = Route.objects.get_or_create(
        organization=w.home,
        name=DRAFT_NAME,
        defaults={
            "kind": "outreach_van",
            "published": False,
            "description": "Draftroute: not yet announced",
        },
    )
    if created:
        Stop.objects.create(
            route=route,
            name="Draftroute corner",
            address="9 Hidden St",
            postal_code="33135",
            starts_on=FIRST,
            arrives_at=dt.time(10, 0),
            departs_at=dt.time(12, 0),
            rule="FREQ=WEEKLY;COUNT=4",
        )
    w.secrets = (*w.secrets, *(s for s in ("Draftroute",) if s not in w.secrets))
    return route


def DRAFT_ROUTE(w: World) -> dict[str, Any]:  # noqa: N802 - named like the shared PERSON
    return {"route_id": _draft(w).pk}


def DRAFT_STOP(w: World) -> dict[str, Any]:  # noqa: N802
    return {"stop_id": _draft(w).stops.get().pk}


# Who may not manage home's routes: another organisation's staff and navigator, home's own
# navigator, the receiving partner and a resident (coalition admins manage every route).
NOT_MANAGERS = ("intruder_staff", "intruder", "navigator", "receiver", "resident")
ROUTE_FORM = {"name": "Taken over", "kind": "food_truck", "time_zone": "America/New_York"}
STOP_FORM = {
    "name": "Planted",
    "address": "1 Main St",
    "postal_code": "33135",
    "starts_on": "2030-01-17",
    "arrives_at": "10:00",
    "departs_at": "11:00",
}
VISIT_FORM = {"occurrence": f"{FIRST.isoformat()}T10:00:00", "reason": "Taken"}

PAGE_CASES: dict[str, Any] = {
    "programs:route_manage": Case(DRAFT_ROUTE, "partner_staff", NOT_MANAGERS),
    "programs:route_edit": Case(DRAFT_ROUTE, "partner_staff", NOT_MANAGERS, ROUTE_FORM),
    "programs:stop_create": Case(DRAFT_ROUTE, "partner_staff", NOT_MANAGERS, STOP_FORM),
    "programs:stop_edit": Case(DRAFT_STOP, "partner_staff", NOT_MANAGERS, STOP_FORM),
    "programs:stop_delete": Case(DRAFT_STOP, "partner_staff", NOT_MANAGERS),
    "programs:route_delete": Case(DRAFT_ROUTE, "partner_staff", NOT_MANAGERS),
    "programs:visit_cancel": Case(DRAFT_STOP, "partner_staff", NOT_MANAGERS, VISIT_FORM),
    "programs:visit_restore": Case(DRAFT_STOP, "partner_staff", NOT_MANAGERS, VISIT_FORM),
    # The public pages of a draft route: unknown to all but its managers.
    "events:route_detail": Case(DRAFT_ROUTE, "partner_staff", NOT_MANAGERS),
    "events:route_feed": Case(DRAFT_ROUTE, "partner_staff", NOT_MANAGERS),
}
PUBLIC_PAGES: dict[str, str] = {}
# The API's writes on a draft route: unknown (404) to whoever may not manage it.
API_CASES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/v1/programs/routes/{route_id}"): (DRAFT_ROUTE, "partner_staff"),
    ("DELETE", "/api/v1/programs/routes/{route_id}"): (DRAFT_ROUTE, "partner_staff"),
    ("POST", "/api/v1/programs/routes/{route_id}/stops"): (DRAFT_ROUTE, "partner_staff"),
    ("PATCH", "/api/v1/programs/routes/stops/{stop_id}"): (DRAFT_STOP, "partner_staff"),
    ("DELETE", "/api/v1/programs/routes/stops/{stop_id}"): (DRAFT_STOP, "partner_staff"),
}
PUBLIC_API: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/programs/routes/{route_id}"): "a published route, public (a draft is 404 "
    "to everyone here: routes are managed on the pages only)",
}
PUBLIC_IDS: dict[str, Any] = {}
POSTERS: dict[str, str | None] = {
    "events:mobile_list": None,
    "programs:route_list": "partner_staff",
    "programs:route_create": "partner_staff",
}
