"""/api/v1/partnership/meetings: schedule meetings and read what happened (api.py's router).

Times go out on the meeting's own wall clock with their UTC offset
("2026-11-02T10:00:00-05:00") beside the IANA `time_zone`; they come in as a `day`, a
`start_time` and an `end_time` in that zone, as people plan meetings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.responses import Status

from commonweal.partnerships import meetings
from commonweal.partnerships.api import (
    WorkspaceError,
    invalid,
    json_object,
    message,
    openapi_body,
    refuse_unless_manager,
    refuse_unless_member,
    router,
    unknown_fields,
)
from commonweal.partnerships.forms import ActionItemForm, MeetingForm
from commonweal.partnerships.models import Meeting, PlanTask
from commonweal.partnerships.plan_api import TaskOut, task_out


class AttendanceOut(Schema):
    partner_id: str
    partner_name: str
    present: bool


class MeetingOut(Schema):
    id: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    place: str
    video_url: str
    agenda: str
    minutes: str
    status: str
    sequence: int
    attendance: list[AttendanceOut]
    decisions: list[str]
    action_item_ids: list[str]


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    starts, ends = meetings.local_times(meeting)
    return {
        "id": str(meeting.pk),
        "title": meeting.title,
        "starts_at": starts,
        "ends_at": ends,
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "status": meeting.status,
        "sequence": meeting.sequence,
        "attendance": [
            {"partner_id": str(a.partner_id), "partner_name": a.partner.name, "present": a.present}
            for a in meeting.attendance.select_related("partner__organization")
        ],
        "decisions": [d.text for d in meeting.decisions.all()],
        "action_item_ids": [str(pk) for pk in meeting.action_items.values_list("pk", flat=True)],
    }


MEETING_PROPERTIES: dict[str, Any] = {
    "title": {"type": "string"},
    "day": {"type": "string", "format": "date"},
    "start_time": {"type": "string", "example": "10:00"},
    "end_time": {"type": "string", "example": "11:30"},
    "time_zone": {"type": "string", "example": "America/New_York"},
    "place": {"type": "string"},
    "video_url": {"type": "string"},
    "agenda": {"type": "string"},
    "invited_partner_ids": {"type": "array", "items": {"type": "string"}},
}
ACTION_ITEM_PROPERTIES: dict[str, Any] = {
    "strategy_id": {"type": "string"},
    "title": {"type": "string"},
    "owner_id": {"type": "string"},
    "responsible": {"type": "string"},
    "due_date": {"type": "string", "format": "date"},
}
RENAMED = {"invited": "invited_partner_ids", "strategy": "strategy_id", "owner": "owner_id"}


def _invalid(errors: Any) -> Status:
    return invalid({RENAMED.get(k, k): v for k, v in errors.items()})


@router.get(
    "/meetings",
    response={200: list[MeetingOut], 403: WorkspaceError},
    summary="Meetings, soonest first (`upcoming=true`: only those not yet over or cancelled)",
)
def list_meetings(request: HttpRequest, upcoming: bool = False):
    if refused := refuse_unless_member(request):
        return refused
    found = Meeting.objects.upcoming(timezone.now()) if upcoming else Meeting.objects.all()
    return Status(200, [meeting_out(m) for m in found.prefetch_related("decisions")])


@router.post(
    "/meetings",
    response={201: MeetingOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Schedule a meeting in a time zone and invite partners (coalition admins)",
    openapi_extra=openapi_body(
        {
            "type": "object",
            "required": ["title", "day", "start_time", "end_time", "time_zone"],
            "properties": MEETING_PROPERTIES,
        }
    ),
)
def create_meeting(request: HttpRequest):
    if refused := refuse_unless_manager(request):
        return refused
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(MEETING_PROPERTIES)):
        return error
    invited = data.pop("invited_partner_ids", [])
    if not isinstance(invited, list):
        return invalid({"invited_partner_ids": ["a list of partner ids"]})
    form = MeetingForm(data={**data, "invited": invited})
    if not form.is_valid():
        return _invalid(form.errors)
    try:
        meeting = meetings.schedule(by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, meeting_out(meeting))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, 403: WorkspaceError, 404: WorkspaceError},
    summary="One meeting: agenda, attendance, minutes, decisions and action items",
)
def read_meeting(request: HttpRequest, meeting_id: uuid.UUID):
    if refused := refuse_unless_member(request):
        return refused
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return message(404, "no such meeting", "not-found")
    return Status(200, meeting_out(meeting))


@router.post(
    "/meetings/{meeting_id}/action-items",
    response={201: TaskOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Record an action item of a meeting: a new task of the action plan",
    openapi_extra=openapi_body(
        {
            "type": "object",
            "required": list(ACTION_ITEM_PROPERTIES),
            "properties": ACTION_ITEM_PROPERTIES,
        }
    ),
)
def create_action_item(request: HttpRequest, meeting_id: uuid.UUID):
    if refused := refuse_unless_manager(request):
        return refused
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return message(404, "no such meeting", "not-found")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(ACTION_ITEM_PROPERTIES)):
        return error
    fields = {
        "strategy": data.get("strategy_id"),
        "owner": data.get("owner_id"),
        **{k: v for k, v in data.items() if k not in ("strategy_id", "owner_id")},
    }
    form = ActionItemForm(data=fields, instance=PlanTask(meeting=meeting))
    if not form.is_valid():
        return _invalid(form.errors)
    try:
        task = meetings.add_action_item(meeting, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, task_out(PlanTask.objects.with_related().get(pk=task.pk)))
