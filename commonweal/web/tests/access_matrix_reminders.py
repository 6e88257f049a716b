"""Access-matrix rows of programs: personal reminders by text or email, with opt-out. Merged in
access_matrix.py.

The rule (personal_reminders.py, docs/programs-reminders.md): anyone may ask for a reminder
for themselves (it starts only once the address confirms), and whoever holds a plan's private
link sees, pauses or stops it. Twilio's webhook answers only signed requests (403 here: the
matrix's requests are unsigned). A person's reminders are person data: their care team reads
and sets them, a superuser reads them (audit-flagged) but sets nothing, and to anyone else
the person does not exist (404), as on the person's record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commonweal.web.tests.access_matrix import (
    API_CARE_READ,
    API_CARE_WORK,
    CARE_READ,
    CARE_WORK,
    PERSON,
    POST_ONLY,
    PUBLIC,
    Operation,
    Page,
    row,
)
from commonweal.web.tests.matrix_cast import Cast

#                         anon   res  nav  staff out  admin anal super recv
UNSIGNED = row("          403    403  403  403   403  403   403  403   403")

NONCE = "matrix-reminder-nonce"


def _plan(cast: Cast) -> Any:
    """An active plan of the World's person, set by `home` (made once per cast)."""
    from commonweal.programs import opt_out, personal_reminders
    from commonweal.programs.reminder_models import ReminderPlan

    found = ReminderPlan.objects.filter(token_nonce=NONCE).first()
    if found is not None:
        return found
    plan = ReminderPlan(
        person=cast.world.person,
        organization=cast.world.home,
        kind="appointment",
        starts_on=timezone.localdate() + dt.timedelta(days=3),
        times=["10:00"],
        time_zone="America/New_York",
        channel="email",
        address="matrix.person@example.org",
        address_hash=opt_out.address_hash("matrix.person@example.org"),
        language="en",
        window_start=dt.time(8, 0),
        window_end=dt.time(21, 0),
        status="active",
        token_nonce=NONCE,
    )
    plan.token_hash = personal_reminders.hash_token(personal_reminders.token_for(plan))
    plan.save()
    return plan


def _token(cast: Cast) -> dict[str, Any]:
    from commonweal.programs import personal_reminders

    return {"token": personal_reminders.token_for(_plan(cast))}


def _plan_ids(cast: Cast) -> dict[str, Any]:
    return {"person_id": cast.world.person.pk, "plan_id": _plan(cast).pk}


def _plan_id(cast: Cast) -> dict[str, Any]:
    return {"plan_id": _plan(cast).pk}


def _plan_values(cast: Cast) -> dict[str, Any]:
    return {
        "kind": "appointment",
        "starts_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "times": "10:00 AM",
        "repeat": "once",
        "lead_minutes": "60",
        "time_zone": "America/New_York",
        "channel": "email",
        "address": "matrix.reminders@example.org",
        "language": "en",
        "window_start": "08:00",
        "window_end": "21:00",
    }


def _with_consent(cast: Cast) -> None:
    """The World's person agrees to be contacted by `home` (inside the request's savepoint)."""
    from commonweal.referrals import consent as consents

    consents.record_consent(
        person=cast.world.person,
        organizations=[cast.world.home],
        categories=["contact"],
        purpose="Reminders",
        method="verbal",
        expires_at=timezone.now() + dt.timedelta(days=30),
        by=cast.world.navigator,
    )


def _navigator_form(cast: Cast) -> dict[str, Any]:
    _with_consent(cast)
    return _plan_values(cast)


def _api_body(cast: Cast) -> dict[str, Any]:
    _with_consent(cast)
    return {**_plan_values(cast), "times": ["10:00"], "lead_minutes": 60}


PAGES: dict[str, Page] = {
    "reminders:new": Page(PUBLIC, PUBLIC, form=_plan_values),
    "reminders:sent": Page(PUBLIC),
    "reminders:manage": Page(PUBLIC, PUBLIC, params=_token, form=lambda c: {"action": "pause"}),
    "reminders:stop": Page(PUBLIC, PUBLIC, params=_token),
    "reminders:sms_inbound": Page(POST_ONLY, UNSIGNED, form=lambda c: {"Body": "STOP"}),
    "programs:reminder_person": Page(CARE_READ, CARE_WORK, params=PERSON, form=_navigator_form),
    "programs:reminder_person_status": Page(
        POST_ONLY, CARE_WORK, params=_plan_ids, form=lambda c: {"action": "pause"}
    ),
}

P = "commonweal_programs_reminder_api_"
OPERATIONS: dict[str, Operation] = {
    f"{P}list_reminders": Operation(API_CARE_READ, params=PERSON),
    f"{P}create_reminder": Operation(API_CARE_WORK, params=PERSON, body=_api_body),
    f"{P}set_reminder_status": Operation(
        API_CARE_WORK, params=_plan_id, body=lambda c: {"status": "paused"}
    ),
}
