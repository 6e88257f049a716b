"""IDOR and CSRF cases of the programs routes, merged into test_attack_idor.py and
test_attack_csrf.py (one file per part, like the access matrix's rows files).

PAGE_CASES / PUBLIC_PAGES / API_CASES / PUBLIC_API: as in test_attack_idor.py.
PUBLIC_IDS / POSTERS: as in test_attack_csrf.py (ids of public records to post to, and who
posts to a route without an id when it is not the home navigator).

Programmes are public once published, so the records worth attacking are a *draft* of
`home` (unknown to anyone who may not manage it, like a draft listing) and the names and
contacts of a published meeting's registrants (the organising partner's staff only). Both
are made here, tied to the World's `home`, and their words join the World's secrets so no
refusal may show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.attack_world import World
from commonweal.web.tests.test_attack_idor import Case

FIRST = dt.date(2030, 1, 8)  # a Tuesday, in the future: its meetings are open to sign-ups
MEETING = FIRST.strftime("%Y%m%d") + "T180000"  # how a URL names the first meeting
DRAFT_NAME = "Draftwords cooking circle"
REGISTRANT = ("Registrantname Ulalume", "ulalume@example.org")


def _programme(w: World, *, published: bool) -> Any:
    """A weekly programme of `home` with one session (a draft, or published), made once."""
    from commonweal.programs.models import Programme, Session

    name = "Attack support group" if published else DRAFT_NAME
    programme, created = Programme.objects.get_or_create(
        organization=w.home,
        name=name,
        defaults={
            "kind": "support_group",
            "starts_on": dt.date(2030, 1, 1),
            "published": published,
            "description": "" if published else "Draftwords: not yet announced",
        },
    )
    if created:
        Session.objects.create(
            programme=programme,
            starts_on=FIRST,
            start_time=dt.time(18, 0),
            rule="FREQ=WEEKLY;COUNT=4",
        )
    _keep_secret(w, "Draftwords", *REGISTRANT)
    return programme


def _registration(w: World) -> Any:
    """A sign-up for the published programme's first meeting: a resident's name and contact."""
    from commonweal.programs.models import Registration

    session = _programme(w, published=True).sessions.get()
    made, _ = Registration.objects.get_or_create(
        session=session,
        id="00000000-0000-4000-8000-00000000a7a2",  # one known row (tests sign up others)
        defaults={
            "occurrence": f"{FIRST.isoformat()}T18:00:00",
            "name": REGISTRANT[0],
            "contact": REGISTRANT[1],
        },
    )
    return made


def _keep_secret(w: World, *words: str) -> None:
    # These words are held only by home's draft and its registrants: no denial may show them.
    w.secrets = (*w.secrets, *(word for word in words if word not in w.secrets))


def DRAFT(w: World) -> dict[str, Any]:  # noqa: N802 - named like the shared PERSON, REFERRAL
    return {"programme_id": _programme(w, published=False).pk}


def DRAFT_SESSION(w: World) -> dict[str, Any]:  # noqa: N802
    return {"session_id": _programme(w, published=False).sessions.get().pk}


def DRAFT_MEETING(w: World) -> dict[str, Any]:  # noqa: N802
    return {**DRAFT_SESSION(w), "occurrence": MEETING}


def CHECK_IN(w: World) -> dict[str, Any]:  # noqa: N802
    _registration(w)
    return {"session_id": _programme(w, published=True).sessions.get().pk, "occurrence": MEETING}


# Who may not manage home's programmes: another organisation's staff and navigator, home's
# own navigator (navigators do not manage listings), the receiving partner and a resident.
# Coalition admins manage every organisation's programmes (policy.can_manage_programme).
NOT_MANAGERS = ("intruder_staff", "intruder", "navigator", "receiver", "resident")
# Registrants' names: the organising partner's staff only; coalition admins are refused.
NOT_ORGANISERS = ("intruder_staff", "intruder", "intruder_admin", "home_admin", *NOT_MANAGERS[2:])

PROGRAMME_FORM = {
    "name": "Taken over",
    "kind": "cooking_class",
    "starts_on": "2030-01-01",
    "time_zone": "America/New_York",
    "published": "on",
}
SESSION_FORM = {"starts_on": "2030-01-15", "start_time": "10:00", "duration_minutes": "60"}
OCCURRENCE_FORM = {"occurrence": f"{FIRST.isoformat()}T18:00:00", "reason": "Taken"}

PAGE_CASES: dict[str, Any] = {
    "programs:programme_manage": Case(DRAFT, "partner_staff", NOT_MANAGERS),
    "programs:programme_edit": Case(DRAFT, "partner_staff", NOT_MANAGERS, PROGRAMME_FORM),
    "programs:session_create": Case(DRAFT, "partner_staff", NOT_MANAGERS, SESSION_FORM),
    "programs:session_edit": Case(DRAFT_SESSION, "partner_staff", NOT_MANAGERS, SESSION_FORM),
    "programs:occurrence_cancel": Case(
        DRAFT_SESSION, "partner_staff", NOT_MANAGERS, OCCURRENCE_FORM
    ),
    "programs:occurrence_restore": Case(
        DRAFT_SESSION, "partner_staff", NOT_MANAGERS, OCCURRENCE_FORM
    ),
    "programs:check_in": Case(
        CHECK_IN,
        "partner_staff",
        NOT_ORGANISERS,
        {"registration": "00000000-0000-0000-0000-000000000000", "attended": "1"},
    ),
    # The public pages of a programme: a draft is unknown to all but its managers.
    "events:programme_detail": Case(DRAFT, "partner_staff", NOT_MANAGERS),
    "events:programme_feed": Case(DRAFT, "partner_staff", NOT_MANAGERS),
    "events:session_ics": Case(DRAFT_MEETING, "partner_staff", NOT_MANAGERS),
    "events:register": Case(
        DRAFT_MEETING, "partner_staff", NOT_MANAGERS, {"name": "Planted", "contact": "p@x.org"}
    ),
}
PUBLIC_PAGES: dict[str, str] = {
    "events:organization_feed": "a public directory organisation; the feed holds only its "
    "published programmes",
    "events:registration": "a private token (an HMAC of the id and a random nonce), not an id: "
    "the link the registrant was given",
    "events:registration_cancel": "a random private token, not an id: whoever holds the "
    "registrant's link may cancel, by design",
}


def _registration_token(w: World) -> dict[str, Any]:
    from commonweal.programs.registration import token_for

    return {"token": token_for(_registration(w))}


API_CASES: dict[tuple[str, str], Any] = {
    # Writes and counts of a draft: unknown (404) to anyone who may not manage it.
    ("POST", "/api/v1/programs/programmes/{programme_id}/sessions"): (DRAFT, "partner_staff"),
    ("GET", "/api/v1/programs/programmes/{programme_id}/attendance"): (DRAFT, "partner_staff"),
    ("POST", "/api/v1/programs/sessions/{session_id}/cancellations"): (
        DRAFT_SESSION,
        "partner_staff",
    ),
    ("GET", "/api/v1/programs/sessions/{session_id}/registrations"): (
        DRAFT_SESSION,
        "partner_staff",
    ),
}
PUBLIC_API: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/programs/programmes/{programme_id}"): "a published programme, public "
    "(a draft is 404 to everyone here)",
    ("POST", "/api/v1/programs/sessions/{session_id}/registrations"): "signing up for a "
    "meeting of a published programme is open to anyone (a draft's is 404)",
    ("POST", "/api/v1/programs/registrations/{token}/cancel"): "a random private token, not "
    "an id: whoever holds the registrant's link may cancel",
}
PUBLIC_IDS: dict[str, Any] = {
    "events:organization_feed": lambda w: {"organization_id": w.home.pk},
    "events:registration": _registration_token,
    "events:registration_cancel": _registration_token,
}
POSTERS: dict[str, str | None] = {
    "events:calendar": None,
    "events:partnership_feed": None,
    "events:registration": None,
    "events:registration_cancel": None,
    "events:organization_feed": None,
    "programs:manage_list": "partner_staff",
    "programs:programme_create": "partner_staff",
    "programs:training_list": "partner_staff",
    "programs:training_create": "partner_staff",
    "programs:training_coverage": "home_admin",
}
