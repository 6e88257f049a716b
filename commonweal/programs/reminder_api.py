"""/api/v1/programs/reminders/: a person's personal reminders, for their care team.

Same rules as the pages (personal_reminders.py): the person's care team reads and sets them
(a superuser reads, audit-flagged, but sets nothing); anyone else gets 404, as for a person
who does not exist. Setting one needs the person's consent to be contacted. Bodies are
parsed by the page's form; 400 names each bad field in `errors`; 403 is a signed-in browser's
write without its CSRF token. Every read is audit-logged.
The address is never returned: only its channel and last four characters.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.lib import sms
from commonweal.programs import personal_reminders
from commonweal.programs.reminder_forms import NavigatorReminderForm
from commonweal.programs.reminder_models import PlanStatus, ReminderPlan
from commonweal.referrals.models import Person

router = Router(tags=["programs"], auth=api_auth)

STATUSES = {"paused": PlanStatus.PAUSED, "active": PlanStatus.ACTIVE, "stopped": PlanStatus.STOPPED}


class ReminderError(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class ReminderPlanOut(Schema):
    id: str
    kind: str
    label: str
    show_label: bool
    starts_on: dt.date
    times: list[str]
    repeat: str
    weekdays: list[str]
    ends_on: dt.date | None
    lead_minutes: int
    time_zone: str
    channel: str
    address_ending: str
    language: str
    window_start: str
    window_end: str
    status: str
    next_send_at: dt.datetime | None


class ReminderPlanIn(Schema):
    # Every field has a default so that a body missing one reaches the form, which names
    # it (400), after the permission check: an outsider learns nothing from a 422.
    kind: str = ""
    label: str = ""
    show_label: bool = False
    starts_on: str = ""
    times: list[str] = []
    repeat: str = "once"
    weekdays: list[str] = []
    ends_on: str = ""
    lead_minutes: int = 0
    time_zone: str = ""
    channel: str = ""
    address: str = ""
    language: str = "en"
    window_start: str = "08:00"
    window_end: str = "21:00"


class ReminderStatusIn(Schema):
    status: str = ""  # "paused", "active" or "stopped"


def _out(plan: ReminderPlan) -> dict[str, Any]:
    upcoming = personal_reminders.upcoming(plan, limit=1) if plan.status == "active" else []
    return {
        "id": str(plan.pk),
        "kind": plan.kind,
        "label": plan.label,
        "show_label": plan.show_label,
        "starts_on": plan.starts_on,
        "times": plan.times,
        "repeat": plan.repeat,
        "weekdays": plan.weekdays,
        "ends_on": plan.ends_on,
        "lead_minutes": plan.lead_minutes,
        "time_zone": plan.time_zone,
        "channel": plan.channel,
        "address_ending": plan.address[-4:],
        "language": plan.language,
        "window_start": plan.window_start.strftime("%H:%M"),
        "window_end": plan.window_end.strftime("%H:%M"),
        "status": plan.status,
        "next_send_at": upcoming[0].send_at if upcoming else None,
    }


def _not_found() -> Status:
    return Status(404, {"detail": "no such person for your organisation", "code": "not-found"})


def _person(request: HttpRequest, person_id: uuid.UUID) -> Person | None:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not policy.can_see_reminders(request.auth, person):
        return None
    return person


@router.get(
    "/people/{person_id}",
    response={200: list[ReminderPlanOut], 404: ReminderError},
    summary="A person's reminder plans (newest first)",
)
def list_reminders(request: HttpRequest, person_id: uuid.UUID):
    person = _person(request, person_id)
    if person is None:
        return _not_found()
    personal_reminders.record_list_read(person=person, by=request.auth, request=request)
    return Status(200, [_out(plan) for plan in ReminderPlan.objects.of_person(person)])


@router.post(
    "/people/{person_id}",
    response={201: ReminderPlanOut, 400: ReminderError, 403: ReminderError, 404: ReminderError},
    summary="Set a reminder for a person (needs their consent to be contacted)",
)
def create_reminder(request: HttpRequest, person_id: uuid.UUID, payload: ReminderPlanIn):
    person = _person(request, person_id)
    if person is None or not policy.can_set_reminders(request.auth, person):
        return _not_found()
    form = NavigatorReminderForm(payload.dict(), sms_enabled=sms.is_enabled())
    if form.is_valid():
        try:
            plan = personal_reminders.create_for_person(
                person=person, values=form.cleaned_data, by=request.auth, request=request
            )
        except personal_reminders.NotAllowed:
            return _not_found()
        except ValidationError as error:
            form.add_errors(error)
        else:
            return Status(201, _out(plan))
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    return Status(400, {"detail": "The reminder was not set.", "code": "invalid", "errors": errors})


@router.post(
    "/{plan_id}/status",
    response={200: ReminderPlanOut, 400: ReminderError, 403: ReminderError, 404: ReminderError},
    summary="Pause, resume (active) or stop a person's reminder",
)
def set_reminder_status(request: HttpRequest, plan_id: uuid.UUID, payload: ReminderStatusIn):
    plan = ReminderPlan.objects.filter(pk=plan_id, person__isnull=False).first()
    if plan is None or not policy.can_set_reminders(request.auth, plan.person):
        return _not_found()
    if payload.status not in STATUSES:
        return Status(
            400,
            {
                "detail": "Unknown status.",
                "code": "invalid",
                "errors": {"status": ["Use paused, active or stopped."]},
            },
        )
    plan = personal_reminders.set_status(
        plan, status=STATUSES[payload.status], by=request.auth, request=request
    )
    return Status(200, _out(plan))
