"""IDOR and CSRF cases of programs: volunteer roles, sign-ups, matching, confirmation and
hours. Merged in test_attack_idor.py (and test_attack_csrf.py).

Open roles are public, so the records worth attacking are a *draft* role of `home` (unknown
to anyone who may not manage it) and a volunteer's offer to a published role of `home` (a
name and a contact: `home`'s partner staff only). Both are made here, tied to the World's
`home`, and their words join the World's secrets so no refusal may show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.attack_world import World
from commonweal.web.tests.test_attack_idor import Case

DRAFT_TITLE = "Draftwords night drivers"
VOLUNTEER = ("Volunteername Ozymandias", "ozymandias@example.org")
TOKEN = "attack-volunteer-offer-token-kept-private"


def _role(w: World, *, draft: bool) -> Any:
    from commonweal.programs.volunteer_models import VolunteerRole

    role, _created = VolunteerRole.objects.get_or_create(
        organization=w.home,
        title=DRAFT_TITLE if draft else "Attack food drive helpers",
        defaults={
            "kind": "driver" if draft else "event_help",
            "status": "draft" if draft else "open",
            "description": "Draftwords: not yet announced" if draft else "",
            "places": 2,
        },
    )
    _keep_secret(w, "Draftwords", *VOLUNTEER)
    return role


def _offer(w: World) -> Any:
    """A confirmed volunteer of the open role: a resident's name and contact."""
    from commonweal.programs import volunteers
    from commonweal.programs.volunteer_models import VolunteerSignup

    made, _created = VolunteerSignup.objects.get_or_create(
        role=_role(w, draft=False),
        token_hash=volunteers.hash_token(TOKEN),
        defaults={"name": VOLUNTEER[0], "contact": VOLUNTEER[1], "status": "confirmed"},
    )
    return made


def _keep_secret(w: World, *words: str) -> None:
    w.secrets = (*w.secrets, *(word for word in words if word not in w.secrets))


def DRAFT_ROLE(w: World) -> dict[str, Any]:  # noqa: N802 - named like the shared PERSON
    return {"role_id": _role(w, draft=True).pk}


def OFFER(w: World) -> dict[str, Any]:  # noqa: N802
    return {"signup_id": _offer(w).pk}


def _token(w: World) -> dict[str, Any]:
    _offer(w)
    return {"token": TOKEN}


# Who may not manage home's roles: another organisation's staff and navigator, home's own
# navigator, the receiving partner and a resident (coalition admins manage every role).
NOT_MANAGERS = ("intruder_staff", "intruder", "navigator", "receiver", "resident")
# A volunteer's name and hours: home's partner staff only; coalition admins are refused.
NOT_ORGANISERS = ("intruder_staff", "intruder", "intruder_admin", "home_admin", *NOT_MANAGERS[2:])

ROLE_FORM = {"title": "Taken over", "kind": "other", "schedule": "flexible", "places": "9"}

PAGE_CASES: dict[str, Any] = {
    "programs:volunteer_role_manage": Case(DRAFT_ROLE, "partner_staff", NOT_MANAGERS),
    "programs:volunteer_role_edit": Case(DRAFT_ROLE, "partner_staff", NOT_MANAGERS, ROLE_FORM),
    "programs:volunteer_signup_decide": Case(
        OFFER, "partner_staff", NOT_ORGANISERS, {"decision": "decline"}
    ),
    "programs:volunteer_signup_hours": Case(
        OFFER,
        "partner_staff",
        NOT_ORGANISERS,
        {"on": (dt.date.today() - dt.timedelta(days=1)).isoformat(), "hours": "9"},
    ),
    # The public page of a draft role (and its sign-up form) is unknown to all but managers.
    "volunteer:role": Case(
        DRAFT_ROLE, "partner_staff", NOT_MANAGERS, {"name": "Planted", "contact": "p@x.org"}
    ),
}
PUBLIC_PAGES: dict[str, str] = {
    "volunteer:signup": "a random private token (secrets.token_urlsafe(24), stored only as its "
    "SHA-256), not an id: the link the volunteer was sent",
    "volunteer:signup_withdraw": "a random private token, not an id: whoever holds the "
    "volunteer's link may withdraw the offer, by design",
}
API_CASES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/programs/volunteers/roles/{role_id}/volunteers"): (
        DRAFT_ROLE,
        "partner_staff",
    ),
    ("GET", "/api/v1/programs/volunteers/roles/{role_id}/hours"): (DRAFT_ROLE, "partner_staff"),
    ("POST", "/api/v1/programs/volunteers/signups/{signup_id}/decision"): (
        OFFER,
        "partner_staff",
    ),
    ("POST", "/api/v1/programs/volunteers/signups/{signup_id}/hours"): (OFFER, "partner_staff"),
}
PUBLIC_API: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/programs/volunteers/roles/{role_id}"): "an open or closed role, public "
    "(a draft is 404 to everyone here)",
    ("POST", "/api/v1/programs/volunteers/roles/{role_id}/signups"): "offering help for an "
    "open role is open to anyone (a draft's is 404)",
    ("GET", "/api/v1/programs/volunteers/offers/{token}"): "a random private token, not an "
    "id: the volunteer's own link",
    ("POST", "/api/v1/programs/volunteers/offers/{token}/withdraw"): "a random private "
    "token, not an id: whoever holds the volunteer's link may withdraw the offer",
}
PUBLIC_IDS: dict[str, Any] = {
    "volunteer:signup": _token,
    "volunteer:signup_withdraw": _token,
}
POSTERS: dict[str, str | None] = {
    "volunteer:roles": None,
    "volunteer:signup": None,
    "volunteer:signup_withdraw": None,
    "programs:volunteer_manage_list": "partner_staff",
    "programs:volunteer_role_create": "partner_staff",
}
