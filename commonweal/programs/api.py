"""/api/v1/programs/: programmes, sessions and the calendar as JSON.

Reads are public (no token). Writes need a token or session of someone who manages the
programme's organisation (commonweal.policy.can_manage_programme). Bodies are parsed by
the pages' own forms; writes go through schedule.py. Status codes: 400 bad input (`errors`
names each field), 403 the caller may not manage it, 404 no such (published) object: a
draft is unknown to whoever may not manage it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.api_auth import api_auth
from commonweal.accounts.models import AuditEvent
from commonweal.programs import calendar, recurrence, registration, schedule, training
from commonweal.programs.forms import CancelForm, ProgrammeForm, SessionForm
from commonweal.programs.models import (
    Kind,
    Programme,
    Registration,
    RegistrationStatus,
    Session,
    TrainingRecord,
)

router = Router(tags=["programs"], auth=api_auth)

MAX_DAYS = 62  # two months: the most a calendar page shows, and a bound on the work


class ProgramsError(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class OccurrenceOut(Schema):
    session_id: str
    key: str  # the original local start, what a cancellation names
    start: dt.datetime
    end: dt.datetime
    cancelled: bool


class SessionOut(Schema):
    id: str
    title: str
    starts_on: dt.date
    start_time: dt.time
    duration_minutes: int
    rule: str
    exdates: list[str]
    location_id: str | None
    online_url: str
    capacity: int | None


class ProgrammeOut(Schema):
    id: str
    organization_id: str
    organization: str
    service_id: str | None
    name: str
    kind: str
    description: str
    starts_on: dt.date
    time_zone: str
    languages: list[str]
    is_free: bool
    fee: str
    minimum_age: int | None
    maximum_age: int | None
    published: bool
    url: str


class ProgrammeDetailOut(ProgrammeOut):
    sessions: list[SessionOut]
    upcoming: list[OccurrenceOut]


class ProgrammeEventOut(OccurrenceOut):
    programme_id: str
    title: str


class EventFilters(Schema):
    # Text, parsed strictly below: pydantic's date would take "0" as 1 January 1970.
    start: str | None = Field(None, json_schema_extra={"format": "date"})
    days: int = 30
    kind: str = ""
    language: str = ""
    place: str = ""


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def message(status: int, detail: str, code: str = "", errors: Any = None) -> Status:
    return Status(status, {"detail": detail, "code": code, "errors": errors or {}})


def invalid(errors: Any) -> Status:
    if isinstance(errors, ValidationError):
        errors = (
            errors.message_dict if hasattr(errors, "error_dict") else {"__all__": errors.messages}
        )
    named = {("body" if k == "__all__" else k): [str(m) for m in v] for k, v in errors.items()}
    return message(400, f"invalid input: {', '.join(sorted(named))}", "invalid", named)


def json_object(request: HttpRequest) -> tuple[dict[str, Any] | None, Status | None]:
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, message(400, f"the body is not valid JSON: {error}", "invalid-json")
    if not isinstance(data, dict):
        return None, message(400, "the body must be a JSON object", "invalid-json")
    return data, None


def _unknown(data: dict[str, Any], allowed: set[str]) -> Status | None:
    extra = sorted(set(data) - allowed)
    return invalid({name: ["unknown field"] for name in extra}) if extra else None


FORBIDDEN = "only the organisation's partner staff and coalition admins manage its programmes"


def _occurrence(session: Session, occurrence: recurrence.Occurrence) -> dict[str, Any]:
    return {
        "session_id": str(session.pk),
        "key": occurrence.key.isoformat(),
        "start": occurrence.start,
        "end": occurrence.end,
        "cancelled": occurrence.cancelled,
    }


def session_out(session: Session) -> dict[str, Any]:
    return {
        "id": str(session.pk),
        "title": session.title,
        "starts_on": session.starts_on,
        "start_time": session.start_time,
        "duration_minutes": session.duration_minutes,
        "rule": session.rule,
        "exdates": list(session.exdates),
        "location_id": str(session.location_id) if session.location_id else None,
        "online_url": session.online_url,
        "capacity": session.capacity,
    }


def programme_out(programme: Programme) -> dict[str, Any]:
    return {
        "id": str(programme.pk),
        "organization_id": str(programme.organization_id),
        "organization": programme.organization.name,
        "service_id": str(programme.service_id) if programme.service_id else None,
        "name": programme.name,
        "kind": programme.kind,
        "description": programme.description,
        "starts_on": programme.starts_on,
        "time_zone": programme.time_zone,
        "languages": list(programme.languages),
        "is_free": programme.is_free,
        "fee": programme.fee,
        "minimum_age": programme.minimum_age,
        "maximum_age": programme.maximum_age,
        "published": programme.published,
        "url": programme.get_absolute_url(),
    }


def programme_detail(programme: Programme) -> dict[str, Any]:
    upcoming = calendar.upcoming(programme, now=timezone.now())
    return {
        **programme_out(programme),
        "sessions": [session_out(s) for s in programme.sessions.all()],
        "upcoming": [_occurrence(e.session, e.occurrence) for e in upcoming],
    }


@router.get(
    "/programmes",
    auth=None,
    response={200: list[ProgrammeOut]},
    summary="Every published programme",
)
def list_programmes(request: HttpRequest):
    found = Programme.objects.published().with_organization()
    return Status(200, [programme_out(p) for p in found])


@router.get(
    "/programmes/{programme_id}",
    auth=None,
    response={200: ProgrammeDetailOut, 404: ProgramsError},
    summary="One published programme with its sessions and next meetings",
)
def read_programme(request: HttpRequest, programme_id: uuid.UUID):
    programme = Programme.objects.published().with_organization().filter(pk=programme_id).first()
    if programme is None:
        return message(404, "no such programme", "not-found")
    return Status(200, programme_detail(programme))


@router.get(
    "/events",
    auth=None,
    response={200: list[ProgrammeEventOut], 400: ProgramsError},
    summary="Meetings of published programmes from `start` (default today) for `days` days",
)
def list_events(request: HttpRequest, filters: Query[EventFilters]):
    if not 1 <= filters.days <= MAX_DAYS:
        return invalid({"days": [f"days must be between 1 and {MAX_DAYS}"]})
    if filters.kind and filters.kind not in Kind.values:
        return invalid({"kind": [f"one of: {', '.join(Kind.values)}"]})
    try:
        first = (
            dt.datetime.strptime(filters.start, "%Y-%m-%d").date()
            if filters.start is not None
            else timezone.localdate()
        )
    except ValueError:
        return invalid({"start": ["a date like 2026-03-01"]})
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    sessions = calendar.filter_sessions(
        calendar.sessions_of(Programme.objects.published()),
        kinds=[filters.kind],
        language=filters.language,
        place=filters.place,
    )
    found = calendar.events(sessions, start=start, end=start + dt.timedelta(days=filters.days))
    return Status(
        200,
        [
            {
                **_occurrence(e.session, e.occurrence),
                "programme_id": str(e.programme.pk),
                "title": e.title,
            }
            for e in found
        ],
    )


_DATE = {"type": "string", "format": "date"}
_INT_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
PROGRAMME_PROPERTIES: dict[str, Any] = {
    "name": {"type": "string"},
    "kind": {"type": "string", "enum": list(Kind.values)},
    "description": {"type": "string"},
    "service_id": {"type": ["string", "null"]},
    "starts_on": _DATE,
    "time_zone": {"type": "string"},
    "languages": {"type": "array", "items": {"type": "string"}},
    "is_free": {"type": "boolean"},
    "fee": {"type": "string"},
    "minimum_age": _INT_OR_NULL,
    "maximum_age": _INT_OR_NULL,
    "published": {"type": "boolean"},
}
SESSION_PROPERTIES: dict[str, Any] = {
    "title": {"type": "string"},
    "starts_on": _DATE,
    "start_time": {"type": "string", "example": "18:00"},
    "duration_minutes": {"type": "integer", "minimum": 1},
    "rule": {"type": "string", "example": "FREQ=WEEKLY;BYDAY=TU;COUNT=10"},
    "exdates": {"type": "array", "items": {"type": "string", "example": "2026-03-10T18:00"}},
    "location_id": {"type": ["string", "null"]},
    "online_url": {"type": "string"},
    "capacity": _INT_OR_NULL,
}
# What a form would send for a field the body leaves out.
PROGRAMME_DEFAULTS = {"is_free": True, "published": True, "time_zone": settings.TIME_ZONE}


def _form_data(data: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if isinstance(value, bool) and not value:
            continue  # an unticked checkbox is absent from a form
        out[renames.get(key, key)] = "" if value is None else value
    return out


def _form_errors(form: Any, renames: dict[str, str]) -> Status:
    back = {new: old for old, new in renames.items()}
    return invalid({back.get(k, k): v for k, v in form.errors.items()})


@router.post(
    "/programmes",
    response={201: ProgrammeDetailOut, 400: ProgramsError, 403: ProgramsError},
    summary="Publish a programme of an organisation you manage",
    openapi_extra=_body(
        {
            "type": "object",
            "required": ["organization_id", "name", "kind", "starts_on"],
            "properties": {"organization_id": {"type": "string"}, **PROGRAMME_PROPERTIES},
        }
    ),
)
def create_programme(request: HttpRequest):
    if not policy.can_manage_some_programme(request.auth):
        return message(403, FORBIDDEN, "forbidden")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, {"organization_id", *PROGRAMME_PROPERTIES}):
        return error
    organizations = policy.programme_organizations(request.auth)
    wanted = str(data.get("organization_id", ""))
    if wanted and not organizations.filter(pk__in=_uuids([wanted])).exists():
        # Another organisation's programmes are no secret: refused, not "not found".
        return message(403, FORBIDDEN, "forbidden")
    renames = {"organization_id": "organization", "service_id": "service"}
    form = ProgrammeForm(
        data=_form_data({**PROGRAMME_DEFAULTS, **data}, renames),
        organizations=organizations,
    )
    if not form.is_valid():
        return _form_errors(form, renames)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
    try:
        programme = schedule.create_programme(
            organization=form.cleaned_data["organization"], by=request.auth, **fields
        )
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, programme_detail(programme))


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue  # the form names a malformed id as a bad choice
    return found


def _managed(request: HttpRequest, programme_id: uuid.UUID) -> Programme | Status:
    programme = Programme.objects.with_organization().filter(pk=programme_id).first()
    if programme is None:
        return message(404, "no such programme", "not-found")
    if not policy.can_manage_programme(request.auth, programme.organization):
        return _refused(programme, "no such programme", FORBIDDEN)
    return programme


def _refused(programme: Programme, unknown: str, forbidden: str) -> Status:
    """A draft is unknown to whoever may not manage it, as on the public pages
    (event_views.public_programme); a published programme is public, so a refusal says so."""
    if not programme.published:
        return message(404, unknown, "not-found")
    return message(403, forbidden, "forbidden")


@router.post(
    "/programmes/{programme_id}/sessions",
    response={201: SessionOut, 400: ProgramsError, 403: ProgramsError, 404: ProgramsError},
    summary="Add a session (one-off, or repeating by an RFC 5545 rule with COUNT or UNTIL)",
    openapi_extra=_body(
        {
            "type": "object",
            "required": ["starts_on", "start_time"],
            "properties": SESSION_PROPERTIES,
        }
    ),
)
def add_session(request: HttpRequest, programme_id: uuid.UUID):
    programme = _managed(request, programme_id)
    if isinstance(programme, Status):
        return programme
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, set(SESSION_PROPERTIES)):
        return error
    renames = {"location_id": "location"}
    body = _form_data({"duration_minutes": 60, **data}, renames)
    if isinstance(body.get("exdates"), list):
        body["exdates"] = "\n".join(str(v) for v in body["exdates"])
    form = SessionForm(data=body, instance=Session(programme=programme), programme=programme)
    if not form.is_valid():
        return _form_errors(form, renames)
    try:
        session = schedule.add_session(programme, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, session_out(session))


@router.post(
    "/sessions/{session_id}/cancellations",
    response={201: OccurrenceOut, 400: ProgramsError, 403: ProgramsError, 404: ProgramsError},
    summary="Cancel one meeting of a session (it stays on the calendar, marked cancelled)",
    openapi_extra=_body(
        {
            "type": "object",
            "required": ["occurrence"],
            "properties": {
                "occurrence": {"type": "string", "example": "2026-03-10T18:00:00"},
                "reason": {"type": "string"},
            },
        }
    ),
)
def cancel_occurrence(request: HttpRequest, session_id: uuid.UUID):
    session = (
        Session.objects.select_related("programme__organization").filter(pk=session_id).first()
    )
    if session is None:
        return message(404, "no such session", "not-found")
    if not policy.can_manage_programme(request.auth, session.programme.organization):
        return _refused(session.programme, "no such session", FORBIDDEN)
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, {"occurrence", "reason"}):
        return error
    form = CancelForm(data=_form_data(data, {}))
    if not form.is_valid():
        return invalid(form.errors)
    try:
        schedule.cancel_occurrence(
            session,
            occurrence=form.cleaned_data["occurrence"],
            by=request.auth,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as failure:
        return invalid(failure)
    found = schedule.find_occurrence(session, form.cleaned_data["occurrence"])
    assert found is not None
    return Status(201, _occurrence(session, found))


# --- registration ---------------------------------------------------------------------------


class RegistrationOut(Schema):
    status: str  # registered, waitlisted, cancelled
    occurrence: str
    cancel_url: str  # the private link: whoever holds it may cancel


class RegistrantOut(Schema):
    id: str
    occurrence: str
    name: str
    contact: str
    status: str
    attended: bool


class MeetingCountsOut(Schema):
    session_id: str
    occurrence: str
    registered: int
    waitlisted: int
    attended: int


def _public_session(session_id: uuid.UUID) -> Session | None:
    return (
        Session.objects.select_related("programme__organization", "location")
        .filter(pk=session_id, programme__published=True)
        .first()
    )


def _registration_out(made: Registration) -> dict[str, Any]:
    return {
        "status": made.status,
        "occurrence": made.occurrence,
        "cancel_url": registration.cancel_url(made),
    }


@router.post(
    "/sessions/{session_id}/registrations",
    auth=None,
    response={201: RegistrationOut, 400: ProgramsError, 404: ProgramsError, 429: ProgramsError},
    summary="Sign up for one meeting (or its waiting list when full): a name and one contact; "
    "at most 10 sign-ups an hour from one address (429 after)",
    openapi_extra=_body(
        {
            "type": "object",
            "required": ["occurrence", "name", "contact"],
            "properties": {
                "occurrence": {"type": "string", "example": "2026-03-10T18:00:00"},
                "name": {"type": "string"},
                "contact": {"type": "string", "example": "305-555-0123"},
                "language": {"type": "string", "example": "es"},
            },
        }
    ),
)
def register(request: HttpRequest, session_id: uuid.UUID):
    session = _public_session(session_id)
    if session is None:
        return message(404, "no such session", "not-found")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, {"occurrence", "name", "contact", "language"}):
        return error
    if not registration.within_signup_limit(audit.client_ip(request)):
        return message(
            429, "too many sign-ups from this address; try again in an hour", "rate-limited"
        )
    try:
        key = dt.datetime.fromisoformat(str(data.get("occurrence", "")))
    except ValueError:
        return invalid({"occurrence": ["a local date and time like 2026-03-10T18:00:00"]})
    try:
        made = registration.register(
            session,
            occurrence=key,
            name=str(data.get("name", "")),
            contact=str(data.get("contact", "")),
            language=str(data.get("language", "")),
        )
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, _registration_out(made))


@router.post(
    "/registrations/{token}/cancel",
    auth=None,
    response={200: RegistrationOut, 404: ProgramsError},
    summary="Cancel a sign-up with its private token",
)
def cancel_registration(request: HttpRequest, token: str):
    made = registration.find(token)
    if made is None:
        return message(404, "no such registration", "not-found")
    return Status(200, _registration_out(registration.cancel(made)))


@router.get(
    "/sessions/{session_id}/registrations",
    response={200: list[RegistrantOut], 400: ProgramsError, 403: ProgramsError, 404: ProgramsError},
    summary="Who signed up (one meeting with `occurrence`): the organising partner's staff; audit-logged",
)
def list_registrants(request: HttpRequest, session_id: uuid.UUID, occurrence: str = ""):
    session = (
        Session.objects.select_related("programme__organization").filter(pk=session_id).first()
    )
    if session is None:
        return message(404, "no such session", "not-found")
    if not policy.can_see_registrants(request.auth, session.programme.organization):
        only = "only the organising partner's staff see who signed up"
        return _refused(session.programme, "no such session", only)
    found = Registration.objects.filter(session=session).exclude(
        status=RegistrationStatus.CANCELLED
    )
    if occurrence:
        try:
            key = dt.datetime.fromisoformat(occurrence).replace(tzinfo=None).isoformat()
        except ValueError:
            return invalid({"occurrence": ["a local date and time like 2026-03-10T18:00:00"]})
        found = found.filter(occurrence=key)
    people = list(found.order_by("occurrence", "status", "created_at"))
    # Reading names and contacts is a read of person data: logged, with no name in it.
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=request.auth,
        obj=session,
        request=request,
        detail={"what": "registrants", "occurrence": occurrence, "count": len(people)},
    )
    return Status(
        200,
        [
            {
                "id": str(p.pk),
                "occurrence": p.occurrence,
                "name": p.name,
                "contact": p.contact,
                "status": p.status,
                "attended": p.attended,
            }
            for p in people
        ],
    )


@router.get(
    "/programmes/{programme_id}/attendance",
    response={200: list[MeetingCountsOut], 403: ProgramsError, 404: ProgramsError},
    summary="Sign-ups, waiting list and attendance per meeting (counts only; the managers)",
)
def attendance(request: HttpRequest, programme_id: uuid.UUID):
    programme = _managed(request, programme_id)
    if isinstance(programme, Status):
        return programme
    rows = []
    for session in programme.sessions.all():
        for key, tally in sorted(registration.counts(session).items()):
            rows.append(
                {
                    "session_id": str(session.pk),
                    "occurrence": key,
                    "registered": tally.registered,
                    "waitlisted": tally.waitlisted,
                    "attended": tally.attended,
                }
            )
    return Status(200, rows)


# --- training -------------------------------------------------------------------------------


class CoverageCellOut(Schema):
    zip_code: str
    language: str
    trained: int
    expiring: int


@router.get(
    "/training/coverage",
    response={200: list[CoverageCellOut], 403: ProgramsError},
    summary="Trained people with a valid certificate per ZIP code and language (counts only)",
)
def training_coverage(request: HttpRequest):
    if not policy.can_see_training_coverage(request.auth):
        return message(403, "coalition admins see where trained people are lacking", "forbidden")
    rows = [
        training.Row(r.zip_code, tuple(r.languages), r.expires_on)
        for r in TrainingRecord.objects.only("zip_code", "languages", "expires_on")
    ]
    cells = training.coverage(rows, today=timezone.localdate())
    return Status(
        200,
        [
            {
                "zip_code": c.zip_code,
                "language": c.language,
                "trained": c.current,
                "expiring": c.expiring,
            }
            for c in cells
        ],
    )
