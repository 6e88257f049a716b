"""IDOR and CSRF cases of programs: personal reminders by text or email, with opt-out. Merged
in test_attack_idor.py (and test_attack_csrf.py).

A person's reminder plans are person data of `home`'s care: anyone outside it is refused as
if the person did not exist. The resident's own pages are reached by a private token (a
derived HMAC, stored only as a hash), not an id. The plan made here carries a note and an
address that join the World's secrets, so no refusal may show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commonweal.web.tests.attack_world import World
from commonweal.web.tests.test_attack_idor import Case

NOTE = "Remindernote insulin"
ADDRESS = "reminder.secret@example.org"
NONCE = "attack-reminder-nonce"
CARE = ("intruder", "intruder_staff", "receiver", "resident")


def _plan(w: World) -> Any:
    from commonweal.programs import opt_out, personal_reminders
    from commonweal.programs.reminder_models import ReminderPlan

    for word in (NOTE, ADDRESS):
        if word not in w.secrets:
            w.secrets = (*w.secrets, word)
    found = ReminderPlan.objects.filter(token_nonce=NONCE).first()
    if found is not None:
        return found
    plan = ReminderPlan(
        person=w.person,
        organization=w.home,
        kind="medication",
        label=NOTE,
        starts_on=timezone.localdate() + dt.timedelta(days=3),
        times=["09:00"],
        time_zone="America/New_York",
        channel="email",
        address=ADDRESS,
        address_hash=opt_out.address_hash(ADDRESS),
        language="en",
        window_start=dt.time(8, 0),
        window_end=dt.time(21, 0),
        status="active",
        token_nonce=NONCE,
    )
    plan.token_hash = personal_reminders.hash_token(personal_reminders.token_for(plan))
    plan.save()
    return plan


def PERSON(w: World) -> dict[str, Any]:  # noqa: N802 - named like the shared PERSON
    _plan(w)
    return {"person_id": w.person.pk}


def PLAN(w: World) -> dict[str, Any]:  # noqa: N802
    return {"person_id": w.person.pk, "plan_id": _plan(w).pk}


def _token(w: World) -> dict[str, Any]:
    from commonweal.programs import personal_reminders

    return {"token": personal_reminders.token_for(_plan(w))}


PAGE_CASES: dict[str, Any] = {
    "programs:reminder_person": Case(PERSON, "navigator", CARE, {"kind": "other"}),
    "programs:reminder_person_status": Case(PLAN, "navigator", CARE, {"action": "stop"}),
}
PUBLIC_PAGES: dict[str, str] = {
    "reminders:manage": "a private token (HMAC of the plan and a nonce, stored only as a "
    "hash), not an id: the link sent to the confirmed address",
    "reminders:stop": "the same private token: whoever holds the link may stop the reminders "
    "to that address, by design",
}
API_CASES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/programs/reminders/people/{person_id}"): (PERSON, "navigator"),
    ("POST", "/api/v1/programs/reminders/people/{person_id}"): (PERSON, "navigator"),
    ("POST", "/api/v1/programs/reminders/{plan_id}/status"): (
        lambda w: {"plan_id": _plan(w).pk},
        "navigator",
    ),
}
PUBLIC_API: dict[tuple[str, str], str] = {}
PUBLIC_IDS: dict[str, Any] = {"reminders:manage": _token, "reminders:stop": _token}
POSTERS: dict[str, str | None] = {
    "reminders:new": None,
    "reminders:sent": None,
    "reminders:sms_inbound": None,
    "reminders:manage": None,
    "reminders:stop": None,
}
TOKEN_ONLY_POSTS: dict[str, str] = {
    "reminders:stop": "the List-Unsubscribe link of every email reminder: a mail app's "
    "one-click POST (RFC 8058) has no CSRF token; the private token is the credential",
}
SIGNED_WEBHOOKS: dict[str, str] = {
    "reminders:sms_inbound": "Twilio's webhook: X-Twilio-Signature (HMAC-SHA1 with the auth "
    "token) authenticates it; an unsigned post is refused with 403",
}
