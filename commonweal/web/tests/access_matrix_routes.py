"""Access-matrix rows of mobile services (routes of stops, "the next stop near me"). Merged
in access_matrix.py.

The rule (commonweal/policy.py, "mobile services"): the public pages (/events/mobile/, a
route's page and feed) and the API's reads are open to everyone. A route of `home` is
managed like `home`'s listings: its partner staff, coalition admins and superusers
(LISTING); the manager's list is open to anyone who manages some organisation's routes.
Routes are public, so a refusal says so (403). The API's writes follow the pages: a token
or a session (401 without), then the same managers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.access_matrix import LISTING, PUBLIC, SIGNED_POST, Operation, Page, row
from commonweal.web.tests.matrix_cast import Cast

#                      anon   res  nav  staff out  admin anal super recv
MANAGER = row("        login  403  403  ok    ok   ok    403  ok    ok")
API_PUBLIC = row("     ok     ok   ok   ok    ok   ok    ok   ok    ok")
API_MANAGE = row("     401    403  403  ok    403  ok    403  ok    403")

FIRST = dt.date(2030, 1, 10)  # a Thursday in the future


def _route(cast: Cast) -> Any:
    """A published weekly route of `home` with one address stop (made once per cast)."""
    from commonweal.programs.route_models import Route, Stop

    route, created = Route.objects.get_or_create(
        organization=cast.world.home,
        name="Matrix food truck",
        defaults={"kind": "food_truck", "time_zone": "America/New_York"},
    )
    if created:
        Stop.objects.create(
            route=route,
            name="Matrix stop",
            address="1 Main St",
            postal_code="33135",
            latitude=25.77,
            longitude=-80.23,
            starts_on=FIRST,
            arrives_at=dt.time(10, 0),
            departs_at=dt.time(12, 0),
            rule="FREQ=WEEKLY;COUNT=4",
        )
    return route


def _route_id(cast: Cast) -> dict[str, Any]:
    return {"route_id": _route(cast).pk}


def _stop_id(cast: Cast) -> dict[str, Any]:
    return {"stop_id": _route(cast).stops.get(name="Matrix stop").pk}


def _removable_stop_id(cast: Cast) -> dict[str, Any]:
    """A stop of its own for the removal row: each allowed role removes one."""
    from commonweal.programs.route_models import Stop

    stop, _ = Stop.objects.get_or_create(
        route=_route(cast),
        name="Matrix stop to remove",
        defaults={
            "postal_code": "33135",
            "address": "2 Main St",
            "starts_on": FIRST,
            "arrives_at": dt.time(14, 0),
            "departs_at": dt.time(15, 0),
        },
    )
    return {"stop_id": stop.pk}


def _removable_route_id(cast: Cast) -> dict[str, Any]:
    """A route of its own for the deletion rows: each allowed role deletes one."""
    from commonweal.programs.route_models import Route

    route, _ = Route.objects.get_or_create(
        organization=cast.world.home,
        name="Matrix route to delete",
        defaults={"kind": "outreach_van", "time_zone": "America/New_York"},
    )
    return {"route_id": route.pk}


def _route_form(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.home.pk),
        "name": "Care van",
        "kind": "mobile_clinic",
        "time_zone": "America/New_York",
        "published": "on",
    }


def _stop_form(cast: Cast) -> dict[str, Any]:
    return {
        "name": "Library lot",
        "address": "3 Main St",
        "postal_code": "33135",
        "starts_on": "2030-01-17",
        "arrives_at": "10:00",
        "departs_at": "11:00",
    }


def _visit(cast: Cast) -> dict[str, Any]:
    return {"occurrence": f"{FIRST.isoformat()}T10:00:00"}


PAGES: dict[str, Page] = {
    "events:mobile_list": Page(PUBLIC),
    "events:route_detail": Page(PUBLIC, params=_route_id),
    "events:route_feed": Page(PUBLIC, params=_route_id),
    "programs:route_list": Page(MANAGER),
    # Staff of another organisation meet their own organisations only (the form's choice
    # refuses `home`, and re-shows the form with that error).
    "programs:route_create": Page(MANAGER, MANAGER, form=_route_form),
    "programs:route_manage": Page(LISTING, params=_route_id),
    "programs:route_edit": Page(LISTING, LISTING, params=_route_id, form=_route_form),
    "programs:route_delete": Page(LISTING, LISTING, params=_removable_route_id),
    "programs:stop_create": Page(LISTING, LISTING, params=_route_id, form=_stop_form),
    "programs:stop_edit": Page(LISTING, LISTING, params=_stop_id, form=_stop_form),
    "programs:stop_delete": Page(SIGNED_POST, LISTING, params=_removable_stop_id),
    "programs:visit_cancel": Page(SIGNED_POST, LISTING, params=_stop_id, form=_visit),
    "programs:visit_restore": Page(SIGNED_POST, LISTING, params=_stop_id, form=_visit),
}
P = "commonweal_programs_route_api_"
OPERATIONS: dict[str, Operation] = {
    # Reads, public.
    f"{P}list_routes": Operation(API_PUBLIC),
    f"{P}read_route": Operation(API_PUBLIC, params=_route_id),
    f"{P}next_stops": Operation(API_PUBLIC),
    # Writes: whoever manages home's routes on the pages (another organisation's staff may
    # create routes of their own, not of home: 403).
    f"{P}create_route": Operation(
        API_MANAGE,
        body=lambda c: {
            "organization_id": str(c.world.home.pk),
            "name": "Care van",
            "kind": "mobile_clinic",
        },
    ),
    f"{P}update_route": Operation(API_MANAGE, params=_route_id, body=lambda c: {"name": "Van"}),
    f"{P}delete_route": Operation(API_MANAGE, params=_removable_route_id),
    f"{P}add_stop": Operation(API_MANAGE, params=_route_id, body=_stop_form),
    f"{P}update_stop": Operation(API_MANAGE, params=_stop_id, body=lambda c: {"notes": "Rear"}),
    f"{P}remove_stop": Operation(API_MANAGE, params=_removable_stop_id),
}
