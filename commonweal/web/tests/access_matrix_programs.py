"""Access-matrix rows for the programmes, events and training pages and API operations.

Merged into access_matrix.PAGES and OPERATIONS (see the end of access_matrix.py).

The rule (commonweal/policy.py, "programmes and events"; docs/programs.md): the calendar,
programme pages and their API reads are public. A programme of `home` is managed like
`home`'s listings: its partner staff, coalition admins and superusers (LISTING); the
manager's own list is open to anyone who manages some organisation's programmes (partner
staff of any organisation, coalition admins, superusers). Programmes are public, so a
refusal says so (403).
"""

from __future__ import annotations

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
API_PUBLIC = row("     ok     ok   ok   ok    ok   ok    ok   ok    ok")
API_MANAGE = row("     401    403  403  ok    403  ok    403  ok    403")
# Registrants' names and contacts (the check-in list): the organising organisation's partner
# staff, and superusers (audit-logged); coalition admins manage the programme but see nobody.
REGISTRANTS = row("    login  403  403  ok    403  403   403  ok    403")
API_REGISTRANTS = row("401    403  403  ok    403  403   403  ok    403")
# Training records: names for the partner staff of any organisation (their own people) and
# superusers; where trained people are lacking (counts): coalition admins and superusers.
TRAINING = row("       login  403  403  ok    ok   403   403  ok    ok")
COVERAGE = row("       login  403  403  403   403  ok    403  ok    403")
API_COVERAGE = row("   401    403  403  403   403  ok    403  ok    403")
API_MANAGER = row("    401    403  403  ok    403  ok    403  ok    403")

FIRST = "2030-01-08"


def _programme(cast: Cast) -> Any:
    """A published weekly programme of `home` (made once per cast)."""
    import datetime as dt

    from commonweal.programs.models import Programme, Session

    programme, created = Programme.objects.get_or_create(
        organization=cast.world.home,
        name="Matrix support group",
        defaults={"kind": "support_group", "starts_on": dt.date(2030, 1, 1)},
    )
    if created:
        Session.objects.create(
            programme=programme,
            starts_on=dt.date.fromisoformat(FIRST),
            start_time=dt.time(18, 0),
            rule="FREQ=WEEKLY;COUNT=4",
        )
    return programme


def _programme_id(cast: Cast) -> dict[str, Any]:
    return {"programme_id": _programme(cast).pk}


def _session_id(cast: Cast) -> dict[str, Any]:
    return {"session_id": _programme(cast).sessions.get().pk}


MEETING = FIRST.replace("-", "") + "T180000"


def _meeting(cast: Cast) -> dict[str, Any]:
    return {**_session_id(cast), "occurrence": MEETING}


def _registration(cast: Cast) -> Any:
    from commonweal.programs.models import Registration

    session = _programme(cast).sessions.get()
    made, _ = Registration.objects.get_or_create(
        session=session,
        id="00000000-0000-4000-8000-00000000a7a1",  # one known row (the matrix signs up others)
        defaults={"occurrence": f"{FIRST}T18:00:00", "name": "M. R.", "contact": "m@example.org"},
    )
    return made


def _registration_token(cast: Cast) -> dict[str, Any]:
    from commonweal.programs.registration import token_for

    return {"token": token_for(_registration(cast))}


def _programme_form(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.home.pk),
        "name": "Cooking together",
        "kind": "cooking_class",
        "starts_on": "2030-01-01",
        "time_zone": "America/New_York",
        "languages": "en, es",
        "is_free": "on",
        "published": "on",
    }


def _session_form(cast: Cast) -> dict[str, Any]:
    return {"starts_on": "2030-01-15", "start_time": "10:00", "duration_minutes": "60"}


def _occurrence(cast: Cast) -> dict[str, Any]:
    return {"occurrence": f"{FIRST}T18:00:00"}


def _training_form(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.home.pk),
        "name": "Lena O.",
        "role": "peer_supporter",
        "training": "mhfa",
        "completed_on": "2025-01-10",
        "languages": "es",
        "zip_code": "33101",
    }


PAGES: dict[str, Page] = {
    "events:calendar": Page(PUBLIC),
    "events:programme_detail": Page(PUBLIC, params=_programme_id),
    # The iCalendar feeds (the partnership's, a partner's, a programme's) and one meeting.
    "events:partnership_feed": Page(PUBLIC),
    "events:organization_feed": Page(PUBLIC, params=lambda c: {"organization_id": c.world.home.pk}),
    "events:programme_feed": Page(PUBLIC, params=_programme_id),
    "events:session_ics": Page(PUBLIC, params=_meeting),
    # Registration is public: anyone signs up, and whoever holds the private link cancels.
    "events:register": Page(
        PUBLIC,
        PUBLIC,
        params=_meeting,
        form=lambda c: {"name": "A. B.", "contact": "a@example.org"},
    ),
    "events:registration": Page(PUBLIC, params=_registration_token),
    "events:registration_cancel": Page(POST_ONLY, PUBLIC, params=_registration_token),
    "programs:check_in": Page(
        REGISTRANTS,
        REGISTRANTS,
        params=_meeting,
        form=lambda c: {"registration": str(_registration(c).pk), "attended": "1"},
    ),
    # The manager's list (and the new-programme form) for whoever manages some programme;
    # staff of another organisation meet their own organisations only (the form's choice
    # of organisation refuses `home`, and re-shows the form with that error).
    "programs:manage_list": Page(MANAGER),
    "programs:programme_create": Page(MANAGER, MANAGER, form=_programme_form),
    "programs:programme_manage": Page(LISTING, params=_programme_id),
    "programs:programme_edit": Page(
        LISTING, LISTING, params=_programme_id, form=lambda c: {**_programme_form(c)}
    ),
    "programs:session_create": Page(LISTING, LISTING, params=_programme_id, form=_session_form),
    "programs:session_edit": Page(LISTING, LISTING, params=_session_id, form=_session_form),
    "programs:occurrence_cancel": Page(SIGNED_POST, LISTING, params=_session_id, form=_occurrence),
    "programs:occurrence_restore": Page(SIGNED_POST, LISTING, params=_session_id, form=_occurrence),
    "programs:training_list": Page(TRAINING),
    "programs:training_create": Page(TRAINING, TRAINING, form=_training_form),
    "programs:training_coverage": Page(COVERAGE),
}

P = "commonweal_programs_api_"
OPERATIONS: dict[str, Operation] = {
    f"{P}list_programmes": Operation(API_PUBLIC),
    f"{P}read_programme": Operation(API_PUBLIC, params=_programme_id),
    f"{P}list_events": Operation(API_PUBLIC),
    f"{P}create_programme": Operation(
        API_MANAGER,
        body=lambda c: {
            "organization_id": str(c.world.home.pk),
            "name": "Cooking together",
            "kind": "cooking_class",
            "starts_on": "2030-01-01",
        },
    ),
    f"{P}add_session": Operation(
        API_MANAGE,
        params=_programme_id,
        body=lambda c: {"starts_on": "2030-01-15", "start_time": "10:00"},
    ),
    f"{P}cancel_occurrence": Operation(API_MANAGE, params=_session_id, body=_occurrence),
    # Signing up and cancelling by the private token: anyone.
    f"{P}register": Operation(
        API_PUBLIC,
        params=_session_id,
        body=lambda c: {
            "occurrence": f"{FIRST}T18:00:00",
            "name": "A. B.",
            "contact": "a@example.org",
        },
    ),
    f"{P}cancel_registration": Operation(API_PUBLIC, params=_registration_token),
    # Names and contacts: the organising partner's staff (and superusers), audit-logged.
    f"{P}list_registrants": Operation(API_REGISTRANTS, params=_session_id),
    # Counts only: whoever manages the programme.
    f"{P}attendance": Operation(API_MANAGE, params=_programme_id),
    f"{P}training_coverage": Operation(API_COVERAGE),
}
