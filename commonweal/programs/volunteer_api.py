"""/api/v1/programs/volunteers/: open roles, signing up, and the coordinators' work.

Open roles and signing up are public (no token); a sign-up answers with its private link
once, and only the link's hash is kept. Posting a role needs someone who manages the
organisation's programmes (`policy.can_manage_volunteer_role`); the matched list, decisions
and hours need its partner staff (`policy.can_coordinate_volunteers`), and reading names is
audit-logged. Status codes: 400 bad input (`errors` names each field), 403 a public role the
caller may not manage, 404 no such role (or a draft, or a volunteer the caller may not see),
429 too many sign-ups from one address.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.api_auth import api_auth
from commonweal.accounts.audit import client_ip
from commonweal.accounts.models import AuditEvent
from commonweal.programs import volunteers
from commonweal.programs.api import invalid, json_object, message
from commonweal.programs.volunteer_forms import RoleForm
from commonweal.programs.volunteer_models import (
    SLOTS,
    RoleStatus,
    VolunteerHours,
    VolunteerRole,
    VolunteerSignup,
)

router = Router(tags=["volunteers"], auth=api_auth)

MANAGERS_ONLY = "only the organisation's partner staff and coalition admins manage its roles"
STAFF_ONLY = "only the organisation's partner staff see its volunteers"


class VolunteerError(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class VolunteerRoleOut(Schema):
    id: str
    organization_id: str
    organization: str
    title: str
    kind: str
    description: str
    skills: list[str]
    languages: list[str]
    location_id: str | None
    online: bool
    area: str
    schedule: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    slots: list[str]
    schedule_note: str
    places: int
    minimum_age: int | None
    training_required: str
    programme_id: str | None
    session_id: str | None
    status: str
    url: str


class VolunteerOfferOut(Schema):
    role_id: str
    role: str
    status: str
    link: str = ""  # the private link: returned once, when the offer is made


class VolunteerMatchOut(Schema):
    id: str
    name: str
    contact: str
    status: str
    languages: list[str]
    skills: list[str]
    other_skills: str
    availability: list[str]
    score: int
    parts: dict[str, int]
    reasons: list[str]
    training_ok: bool
    hours: Decimal


class VolunteerDayOut(Schema):
    signup_id: str
    on: dt.date
    hours: Decimal
    total_hours: Decimal


class VolunteerMonthOut(Schema):
    month: str
    hours: Decimal
    value: Decimal
    in_ledger: bool


class VolunteerHoursOut(Schema):
    role_id: str
    confirmed: int
    pending: int
    hours: Decimal
    hour_value: Decimal
    months: list[VolunteerMonthOut]


def role_out(role: VolunteerRole) -> dict[str, Any]:
    return {
        "id": str(role.pk),
        "organization_id": str(role.organization_id),
        "organization": role.organization.name,
        "title": role.title,
        "kind": role.kind,
        "description": role.description,
        "skills": list(role.skills),
        "languages": list(role.languages),
        "location_id": str(role.location_id) if role.location_id else None,
        "online": role.online,
        "area": role.area,
        "schedule": role.schedule,
        "starts_on": role.starts_on,
        "ends_on": role.ends_on,
        "slots": list(role.slots),
        "schedule_note": role.schedule_note,
        "places": role.places,
        "minimum_age": role.minimum_age,
        "training_required": role.training_required,
        "programme_id": str(role.programme_id) if role.programme_id else None,
        "session_id": str(role.session_id) if role.session_id else None,
        "status": role.status,
        "url": role.get_absolute_url(),
    }


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": properties}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _unknown(data: dict[str, Any], allowed: set[str] | dict[str, Any]) -> Status | None:
    extra = sorted(set(data) - set(allowed))
    return invalid({name: ["unknown field"] for name in extra}) if extra else None


def _public_role(role_id: uuid.UUID) -> VolunteerRole | None:
    return (
        VolunteerRole.objects.with_organization()
        .exclude(status=RoleStatus.DRAFT)
        .filter(pk=role_id)
        .first()
    )


def _managed(request: HttpRequest, role_id: uuid.UUID) -> VolunteerRole | Status:
    role = VolunteerRole.objects.with_organization().filter(pk=role_id).first()
    if role is None:
        return message(404, "no such role", "not-found")
    if not policy.can_manage_volunteer_role(request.auth, role.organization):
        return _refused(role, MANAGERS_ONLY)
    return role


def _refused(role: VolunteerRole, forbidden: str) -> Status:
    """A draft is unknown to whoever may not manage it; an open or closed role is public, so
    a refusal says so."""
    if role.status == RoleStatus.DRAFT:
        return message(404, "no such role", "not-found")
    return message(403, forbidden, "forbidden")


def _coordinated(request: HttpRequest, signup_id: uuid.UUID) -> VolunteerSignup | Status:
    found = (
        VolunteerSignup.objects.select_related("role__organization").filter(pk=signup_id).first()
    )
    if found is None or not policy.can_coordinate_volunteers(request.auth, found.role.organization):
        return message(404, "no such volunteer", "not-found")  # a person's offer
    return found


# --- public ---------------------------------------------------------------------------------


@router.get(
    "/roles",
    auth=None,
    response={200: list[VolunteerRoleOut]},
    summary="Open volunteer roles (filter by kind, language code, place, free day-parts)",
)
def list_roles(
    request: HttpRequest, kind: str = "", language: str = "", place: str = "", when: str = ""
):
    roles = volunteers.open_roles(
        today=timezone.localdate(),
        kinds=[k for k in kind.split(",") if k],
        language=language,
        place=place,
        slots=[s for s in when.split(",") if s],
    )
    return Status(200, [role_out(r) for r in roles])


@router.get(
    "/roles/{role_id}",
    auth=None,
    response={200: VolunteerRoleOut, 404: VolunteerError},
    summary="One volunteer role (open or closed; a draft is not found)",
)
def read_role(request: HttpRequest, role_id: uuid.UUID):
    role = _public_role(role_id)
    if role is None:
        return message(404, "no such role", "not-found")
    return Status(200, role_out(role))


SIGNUP_PROPERTIES: dict[str, Any] = {
    "name": {"type": "string"},
    "contact": {"type": "string", "example": "305-555-0123"},
    "languages": {"type": "array", "items": {"type": "string"}, "example": ["en", "es"]},
    "skills": {"type": "array", "items": {"type": "string"}},
    "other_skills": {"type": "string"},
    "availability": {"type": "array", "items": {"type": "string", "enum": SLOTS}},
    "says_trained": {"type": "boolean"},
    "old_enough": {"type": "boolean"},
    "language": {"type": "string", "example": "es"},
}


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@router.post(
    "/roles/{role_id}/signups",
    auth=None,
    response={
        201: VolunteerOfferOut,
        400: VolunteerError,
        404: VolunteerError,
        429: VolunteerError,
    },
    summary="Offer to fill a role: a name, one contact, languages, skills and free times",
    openapi_extra=_body(SIGNUP_PROPERTIES, ["name", "contact"]),
)
def sign_up(request: HttpRequest, role_id: uuid.UUID):
    role = _public_role(role_id)
    if role is None:
        return message(404, "no such role", "not-found")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, SIGNUP_PROPERTIES):
        return error
    if not volunteers.within_signup_limit(client_ip(request), role):
        return message(429, "too many sign-ups from this address; try again in an hour", "limited")
    try:
        signup, token = volunteers.sign_up(
            role,
            name=str(data.get("name") or ""),
            contact=str(data.get("contact") or ""),
            languages=_strings(data.get("languages")),
            skills=_strings(data.get("skills")),
            other_skills=str(data.get("other_skills") or ""),
            availability=_strings(data.get("availability")),
            says_trained=data.get("says_trained") is True,
            old_enough=data.get("old_enough") is True,
            language=str(data.get("language") or get_language() or ""),
        )
    except ValidationError as failure:
        return invalid(failure)
    return Status(
        201,
        {
            "role_id": str(role.pk),
            "role": role.title,
            "status": signup.status,
            "link": volunteers.status_url(token),
        },
    )


def _offer_out(signup: VolunteerSignup) -> dict[str, Any]:
    return {"role_id": str(signup.role_id), "role": signup.role.title, "status": signup.status}


@router.get(
    "/offers/{token}",
    auth=None,
    response={200: VolunteerOfferOut, 404: VolunteerError},
    summary="An offer's status, by its private token",
)
def read_offer(request: HttpRequest, token: str):
    found = volunteers.find(token)
    if found is None:
        return message(404, "no such offer", "not-found")
    return Status(200, _offer_out(found))


@router.post(
    "/offers/{token}/withdraw",
    auth=None,
    response={200: VolunteerOfferOut, 404: VolunteerError},
    summary="Take an offer back, by its private token",
)
def withdraw_offer(request: HttpRequest, token: str):
    found = volunteers.find(token)
    if found is None:
        return message(404, "no such offer", "not-found")
    return Status(200, _offer_out(volunteers.withdraw(found)))


# --- managing -------------------------------------------------------------------------------

ROLE_PROPERTIES: dict[str, Any] = {
    "organization_id": {"type": "string"},
    "title": {"type": "string"},
    "kind": {"type": "string", "enum": [k for k, _label in VolunteerRole.kind.field.choices]},
    "description": {"type": "string"},
    "skills": {"type": "array", "items": {"type": "string"}},
    "languages": {"type": "array", "items": {"type": "string"}},
    "location_id": {"type": ["string", "null"]},
    "online": {"type": "boolean"},
    "area": {"type": "string"},
    "schedule": {"type": "string", "enum": ["dates", "weekly", "flexible"]},
    "starts_on": {"type": ["string", "null"], "format": "date"},
    "ends_on": {"type": ["string", "null"], "format": "date"},
    "slots": {"type": "array", "items": {"type": "string", "enum": SLOTS}},
    "schedule_note": {"type": "string"},
    "places": {"type": "integer", "minimum": 1},
    "minimum_age": {"type": ["integer", "null"]},
    "training_required": {"type": "string"},
    "programme_id": {"type": ["string", "null"]},
    "session_id": {"type": ["string", "null"]},
    "status": {"type": "string", "enum": ["draft", "open", "closed"]},
}
RENAMES = {
    "organization_id": "organization",
    "location_id": "location",
    "programme_id": "programme",
    "session_id": "session",
}


@router.post(
    "/roles",
    response={201: VolunteerRoleOut, 400: VolunteerError, 403: VolunteerError},
    summary="Post a volunteer role for an organisation whose programmes you manage",
    openapi_extra=_body(ROLE_PROPERTIES, ["organization_id", "title", "kind"]),
)
def create_role(request: HttpRequest):
    if not policy.can_manage_some_programme(request.auth):
        return message(403, MANAGERS_ONLY, "forbidden")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, ROLE_PROPERTIES):
        return error
    organizations = policy.programme_organizations(request.auth)
    wanted = str(data.get("organization_id") or "")
    try:
        chosen = uuid.UUID(wanted) if wanted else None
    except ValueError:
        chosen = None
    if chosen and not organizations.filter(pk=chosen).exists():
        return message(403, MANAGERS_ONLY, "forbidden")
    form_data: dict[str, Any] = {"schedule": "flexible", "places": 1, "status": "open"}
    for key, value in data.items():
        if isinstance(value, bool) and not value:
            continue  # an unticked checkbox is absent from a form
        form_data[RENAMES.get(key, key)] = "" if value is None else value
    form = RoleForm(data=form_data, organizations=organizations)
    if not form.is_valid():
        back = {new: old for old, new in RENAMES.items()}
        return invalid({back.get(k, k): v for k, v in form.errors.items()})
    fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
    try:
        role = volunteers.save_role(
            organization=form.cleaned_data["organization"], by=request.auth, **fields
        )
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, role_out(role))


@router.get(
    "/roles/{role_id}/volunteers",
    response={200: list[VolunteerMatchOut], 403: VolunteerError, 404: VolunteerError},
    summary="The role's volunteers, best match first, with the score's reasons (the "
    "organisation's partner staff; audit-logged)",
)
def list_volunteers(request: HttpRequest, role_id: uuid.UUID):
    role = VolunteerRole.objects.with_organization().filter(pk=role_id).first()
    if role is None:
        return message(404, "no such role", "not-found")
    if not policy.can_coordinate_volunteers(request.auth, role.organization):
        return _refused(role, STAFF_ONLY)
    matches = volunteers.ranked(role, today=timezone.localdate())
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=request.auth,
        obj=role,
        request=request,
        detail={"what": "volunteers", "count": len(matches)},
    )
    return Status(
        200,
        [
            {
                "id": str(s.pk),
                "name": s.name,
                "contact": s.contact,
                "status": s.status,
                "languages": list(s.languages),
                "skills": list(s.skills),
                "other_skills": s.other_skills,
                "availability": list(s.availability),
                "score": m.score,
                "parts": m.parts,
                "reasons": list(m.reasons),
                "training_ok": m.training_ok,
                "hours": s.total_hours or Decimal(0),
            }
            for s, m in matches
        ],
    )


@router.post(
    "/signups/{signup_id}/decision",
    # 403: a signed-in page session calling without its CSRF token (the check refuses it).
    response={
        200: VolunteerOfferOut,
        400: VolunteerError,
        403: VolunteerError,
        404: VolunteerError,
    },
    summary="Confirm or decline a volunteer (they are told, in their language)",
    openapi_extra=_body(
        {"decision": {"type": "string", "enum": ["confirm", "decline"]}}, ["decision"]
    ),
)
def decide(request: HttpRequest, signup_id: uuid.UUID):
    found = _coordinated(request, signup_id)
    if isinstance(found, Status):
        return found
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, {"decision"}):
        return error
    decision = data.get("decision")
    if decision not in ("confirm", "decline"):
        return invalid({"decision": ["confirm or decline"]})
    try:
        done = volunteers.decide(found, confirm=decision == "confirm", by=request.auth)
    except ValidationError as failure:
        return invalid(failure)
    return Status(200, _offer_out(done))


@router.post(
    "/signups/{signup_id}/hours",
    response={200: VolunteerDayOut, 400: VolunteerError, 403: VolunteerError, 404: VolunteerError},
    summary="Set the hours a confirmed volunteer gave on one day (0 removes the day)",
    openapi_extra=_body(
        {
            "on": {"type": "string", "format": "date"},
            "hours": {"type": "number", "minimum": 0, "maximum": 24},
        },
        ["on", "hours"],
    ),
)
def log_hours(request: HttpRequest, signup_id: uuid.UUID):
    found = _coordinated(request, signup_id)
    if isinstance(found, Status):
        return found
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := _unknown(data, {"on", "hours"}):
        return error
    try:
        on = dt.date.fromisoformat(str(data.get("on", "")))
    except ValueError:
        return invalid({"on": ["a date like 2026-03-10"]})
    if isinstance(data.get("hours"), bool) or data.get("hours") is None:
        return invalid({"hours": ["a number of hours, like 2.5"]})
    try:
        row = volunteers.log_hours(found, on=on, hours=data["hours"], by=request.auth)
    except ValidationError as failure:
        return invalid(failure)
    total = sum((d.hours for d in VolunteerHours.objects.filter(signup=found)), Decimal(0))
    return Status(
        200,
        {
            "signup_id": str(found.pk),
            "on": on,
            "hours": row.hours if row else Decimal(0),
            "total_hours": total,
        },
    )


@router.get(
    "/roles/{role_id}/hours",
    response={200: VolunteerHoursOut, 403: VolunteerError, 404: VolunteerError},
    summary="A role's volunteers and hours per month, as counted in the ledger (no names)",
)
def role_hours(request: HttpRequest, role_id: uuid.UUID):
    role = _managed(request, role_id)
    if isinstance(role, Status):
        return role
    totals = volunteers.totals(role)
    return Status(
        200,
        {
            "role_id": str(role.pk),
            "confirmed": totals.volunteers,
            "pending": totals.pending,
            "hours": totals.hours,
            "hour_value": volunteers.hour_value(),
            "months": [
                {
                    "month": month.month.strftime("%Y-%m"),
                    "hours": month.hours,
                    "value": month.value,
                    "in_ledger": month.in_ledger,
                }
                for month in volunteers.months(role)
            ],
        },
    )
