"""Access-matrix rows of programs: volunteer roles, sign-ups, matching, confirmation and hours.
Merged in access_matrix.py.

The rule (commonweal/policy.py, "volunteers"; docs/programs-volunteers.md): open roles, a
role's page and offering help are public, and whoever holds an offer's private link sees or
withdraws it. A role of `home` is managed like `home`'s programmes: its partner staff,
coalition admins and superusers (LISTING); roles are public, so a refusal says so (403).
The volunteers themselves (names, contacts, the matched list, decisions, hours) are person
data of `home`: its partner staff and superusers only; to anyone else a volunteer's offer
does not exist (404), and the matched list of a public role is refused (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.access_matrix import (
    LISTING,
    POST_ONLY,
    PUBLIC,
    SIGNED_POST,
    Operation,
    Page,
    row,
)
from commonweal.web.tests.matrix_cast import Cast

#                      anon   res  nav  staff out  admin anal super recv
MANAGER = row("        login  403  403  ok    ok   ok    403  ok    ok")
VOLUNTEERS = row("     login  404  404  ok    404  404   404  ok    404")
API_PUBLIC = row("     ok     ok   ok   ok    ok   ok    ok   ok    ok")
API_MANAGER = row("    401    403  403  ok    403  ok    403  ok    403")
API_MATCHES = row("    401    403  403  ok    403  403   403  ok    403")
API_VOLUNTEER = row("  401    404  404  ok    404  404   404  ok    404")

TOKEN = "matrix-volunteer-offer-token"


def _role(cast: Cast) -> Any:
    """An open, flexible volunteer role of `home` (made once per cast)."""
    from commonweal.programs.volunteer_models import VolunteerRole

    role, _created = VolunteerRole.objects.get_or_create(
        organization=cast.world.home,
        title="Matrix drivers",
        defaults={"kind": "driver", "places": 3, "skills": ["Driving licence"]},
    )
    return role


def _role_id(cast: Cast) -> dict[str, Any]:
    return {"role_id": _role(cast).pk}


def _offer(cast: Cast) -> Any:
    """A confirmed volunteer of the role, whose private link holds TOKEN."""
    from commonweal.programs import volunteers
    from commonweal.programs.volunteer_models import VolunteerSignup

    made, _created = VolunteerSignup.objects.get_or_create(
        role=_role(cast),
        token_hash=volunteers.hash_token(TOKEN),
        defaults={"name": "M. V.", "contact": "mv@example.org", "status": "confirmed"},
    )
    return made


def _signup_id(cast: Cast) -> dict[str, Any]:
    return {"signup_id": _offer(cast).pk}


def _token(cast: Cast) -> dict[str, Any]:
    _offer(cast)
    return {"token": TOKEN}


def _role_form(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.home.pk),
        "title": "Food drive helpers",
        "kind": "event_help",
        "schedule": "flexible",
        "places": "4",
        "status": "open",
    }


def _hours(cast: Cast) -> dict[str, Any]:
    return {"on": dt.date.today().isoformat(), "hours": "2.5"}


PAGES: dict[str, Page] = {
    "volunteer:roles": Page(PUBLIC),
    # The role's page holds the sign-up form: anyone may offer help.
    "volunteer:role": Page(
        PUBLIC,
        PUBLIC,
        params=_role_id,
        form=lambda c: {"name": "A. B.", "contact": "a@example.org"},
    ),
    "volunteer:signup": Page(PUBLIC, params=_token),
    "volunteer:signup_withdraw": Page(POST_ONLY, PUBLIC, params=_token),
    # The manager's list and the new-role form: whoever manages some organisation's
    # programmes; staff of another organisation meet their own organisations only (the form
    # refuses `home` and shows itself again with that error).
    "programs:volunteer_manage_list": Page(MANAGER),
    "programs:volunteer_role_create": Page(MANAGER, MANAGER, form=_role_form),
    "programs:volunteer_role_manage": Page(LISTING, params=_role_id),
    "programs:volunteer_role_edit": Page(LISTING, LISTING, params=_role_id, form=_role_form),
    # A volunteer's offer and hours: home's partner staff (and superusers) only.
    "programs:volunteer_signup_decide": Page(
        SIGNED_POST, VOLUNTEERS, params=_signup_id, form=lambda c: {"decision": "decline"}
    ),
    "programs:volunteer_signup_hours": Page(VOLUNTEERS, VOLUNTEERS, params=_signup_id, form=_hours),
}

P = "commonweal_programs_volunteer_api_"
OPERATIONS: dict[str, Operation] = {
    f"{P}list_roles": Operation(API_PUBLIC),
    f"{P}read_role": Operation(API_PUBLIC, params=_role_id),
    f"{P}sign_up": Operation(
        API_PUBLIC,
        params=_role_id,
        body=lambda c: {"name": "A. B.", "contact": "a@example.org", "languages": ["es"]},
    ),
    f"{P}read_offer": Operation(API_PUBLIC, params=_token),
    f"{P}withdraw_offer": Operation(API_PUBLIC, params=_token),
    f"{P}create_role": Operation(
        API_MANAGER,
        body=lambda c: {
            "organization_id": str(c.world.home.pk),
            "title": "Interpreters",
            "kind": "interpreter",
            "languages": ["ht", "en"],
        },
    ),
    # Counts and hours, no names: whoever manages the role.
    f"{P}role_hours": Operation(API_MANAGER, params=_role_id),
    # Names and contacts: home's partner staff (and superusers), audit-logged.
    f"{P}list_volunteers": Operation(API_MATCHES, params=_role_id),
    f"{P}decide": Operation(
        API_VOLUNTEER, params=_signup_id, body=lambda c: {"decision": "decline"}
    ),
    f"{P}log_hours": Operation(API_VOLUNTEER, params=_signup_id, body=_hours),
}
