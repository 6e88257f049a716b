"""/api/v1/referrals/: make, read, list and move referrals (token or session auth).

Thin: every rule lives in referring.py, lifecycle.py and policy.py. A referral the
caller may not see answers 404, the same as one that does not exist, so ids cannot be
probed. Status codes: 400 bad input or a rule refused it (with a `code`), 403 the caller
sees the referral but may not make this change, 409 an illegal transition or a reused
Idempotency-Key, 412 a stale If-Match, 428 a missing If-Match.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from ninja import Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.directory.models import Service, ServiceAtLocation
from commonweal.referrals import fhir, fhir_import, lifecycle, referring
from commonweal.referrals.errors import (
    IllegalTransition,
    KeyReused,
    NotAllowed,
    ReferralError,
    StaleVersion,
)
from commonweal.referrals.models import Person, Referral

router = Router(tags=["referrals"], auth=api_auth)

IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"
ETAG_RE = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
CREATE_FIELDS = {
    "person_id",
    "service_id",
    "service_at_location_id",
    "needs",
    "shared_note",
    "private_note",
    "urgency",
    "send",
}
MOVE_FIELDS = {"status", "reason", "text", "outcome", "outcome_note"}


class Message(Schema):
    detail: str
    code: str = ""
    errors: list[str] = []


class NamedRef(Schema):
    id: str
    name: str


class EventOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    reason: str
    text: str
    organization_id: str | None


class ReferralOut(Schema):
    id: str
    status: str
    status_label: str
    status_reason: str
    version: int
    person: dict[str, Any]
    person_id: str | None = None
    from_organization: NamedRef
    to_organization: NamedRef
    service: NamedRef
    service_at_location_id: str | None
    needs: list[str]
    shared_note: str
    private_note: str | None = None
    urgency: str
    appointment_at: dt.datetime | None
    outcome: str
    outcome_note: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None
    consent_revoked: bool
    allowed_moves: list[str]
    events: list[EventOut]


def _message(status: int, detail: str, code: str = "", errors: list[str] | None = None) -> Status:
    return Status(status, {"detail": detail, "code": code, "errors": errors or []})


def _json_body(request: HttpRequest) -> tuple[dict[str, Any] | None, Status | None]:
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, _message(400, f"the body is not valid JSON: {error}", "invalid-json")
    if not isinstance(data, dict):
        return None, _message(400, "the body must be a JSON object", "invalid-json")
    return data, None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _with_etag(
    request: HttpRequest, response: HttpResponse, referral: Referral, status: int
) -> Status:
    # ninja copies the headers of this "temporal" response onto the one it sends.
    response["ETag"] = referral.etag
    return Status(status, referring.view(_reloaded(referral), request.auth))


def _reloaded(referral: Referral) -> Referral:
    return (
        Referral.objects.select_related(
            "from_organization", "to_organization", "service", "consent"
        )
        .prefetch_related("events")
        .get(pk=referral.pk)
    )


def _visible(request: HttpRequest, referral_id: uuid.UUID) -> Referral | None:
    referral = (
        Referral.objects.select_related(
            "from_organization", "to_organization", "service", "consent"
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or not policy.can_view_referral(request.auth, referral):
        return None
    return referral


def _not_found() -> Status:
    return _message(404, "no such referral for your organisation", "not-found")


@router.post(
    "/",
    response={
        200: ReferralOut,
        201: ReferralOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
    },
    summary="Make (and by default send) a referral; send an Idempotency-Key header",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["person_id", "service_id", "needs"],
                        "properties": {
                            "person_id": {"type": "string", "format": "uuid"},
                            "service_id": {"type": "string", "format": "uuid"},
                            "service_at_location_id": {"type": "string", "format": "uuid"},
                            "needs": {"type": "array", "items": {"type": "string"}},
                            "shared_note": {"type": "string"},
                            "private_note": {"type": "string"},
                            "urgency": {"type": "string", "enum": ["routine", "soon", "urgent"]},
                            "send": {"type": "boolean", "default": True},
                        },
                    }
                }
            },
        }
    },
)
def create(request: HttpRequest, response: HttpResponse):
    data, error = _json_body(request)
    if error is not None:
        return error
    unknown = set(data) - CREATE_FIELDS
    if unknown:
        return _message(400, f"unexpected fields: {', '.join(sorted(unknown))}", "invalid")
    key = request.META.get(IDEMPOTENCY_HEADER) or None
    if key is not None and not (0 < len(key) <= referring.MAX_KEY_LENGTH and key.isprintable()):
        return _message(
            400,
            f"Idempotency-Key must have 1 to {referring.MAX_KEY_LENGTH} printable characters",
            "invalid",
        )
    person_id, service_id = _uuid(data.get("person_id")), _uuid(data.get("service_id"))
    if person_id is None or service_id is None:
        return _message(400, "person_id and service_id must be ids (UUIDs)", "invalid")
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not policy.can_view_person(request.auth, person):
        return _message(404, "no such person in your care", "not-found")
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None:
        return _message(404, "no such service", "not-found")
    location = None
    if data.get("service_at_location_id") is not None:
        location_id = _uuid(data["service_at_location_id"])
        location = ServiceAtLocation.objects.filter(pk=location_id).first() if location_id else None
        if location is None:
            return _message(404, "no such service location", "not-found")
    for name in ("shared_note", "private_note", "urgency"):
        if name in data and not isinstance(data[name], str):
            return _message(400, f"{name} must be a string", "invalid")
    if "send" in data and not isinstance(data["send"], bool):
        return _message(400, "send must be true or false", "invalid")
    try:
        made = referring.create_referral(
            person=person,
            service=service,
            service_at_location=location,
            by=request.auth,
            needs=data.get("needs"),
            shared_note=data.get("shared_note", ""),
            private_note=data.get("private_note", ""),
            urgency=data.get("urgency", "routine"),
            send=data.get("send", True),
            idempotency_key=key,
            request=request,
        )
    except KeyReused as refused:
        return _message(409, refused.message, refused.code)
    except ReferralError as refused:
        return _message(400, refused.message, refused.code)
    except NotAllowed as refused:
        return _message(403, refused.message, "forbidden")
    return _with_etag(request, response, made.referral, 201 if made.created else 200)


@router.get(
    "/",
    response={200: list[ReferralOut], 400: Message},
    summary="Referrals your organisations sent or received (box: sent, received, all)",
)
def list_referrals(request: HttpRequest, box: str = "all", limit: int = 50):
    if box not in ("sent", "received", "all"):
        return _message(400, "box is one of: sent, received, all", "invalid")
    if not 1 <= limit <= 200:
        return _message(400, "limit is 1 to 200", "invalid")
    referrals = list(referring.referrals_for(request.auth, box)[:limit])
    referring.record_list_read(referrals=referrals, by=request.auth, request=request)
    return Status(200, [referring.view(r, request.auth) for r in referrals])


@router.post(
    "/fhir",
    response={200: dict, 201: dict, 400: Message, 403: Message, 409: Message},
    summary="Accept a referral from an EHR as a FHIR R4 Bundle (ServiceRequest, Patient, Consent)",
    description=(
        "The performer is a HealthcareService whose id (or identifier in "
        f"{fhir.SERVICE_SYSTEM}) is one of our services. Answers the new referral's FHIR "
        "Bundle; 400 lists each problem with its path; nothing is written on any error."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/fhir+json": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
)
def import_fhir(request: HttpRequest, response: HttpResponse):
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return _message(400, f"the body is not valid JSON: {error}", "invalid-json")
    key = request.META.get(IDEMPOTENCY_HEADER) or None
    if key is not None and not (0 < len(key) <= referring.MAX_KEY_LENGTH and key.isprintable()):
        return _message(
            400,
            f"Idempotency-Key must have 1 to {referring.MAX_KEY_LENGTH} printable characters",
            "invalid",
        )
    try:
        made = fhir_import.import_bundle(
            data=data, by=request.auth, idempotency_key=key, request=request
        )
    except fhir.InvalidBundle as refused:
        return _message(
            400, "the Bundle is not a valid referral", "invalid-fhir", list(refused.errors)
        )
    except KeyReused as refused:
        return _message(409, refused.message, refused.code)
    except ReferralError as refused:
        return _message(400, refused.message, refused.code)
    except NotAllowed as refused:
        return _message(403, refused.message, "forbidden")
    referral = _reloaded(made.referral)
    response["ETag"] = referral.etag
    response["Location"] = f"/api/v1/referrals/{referral.pk}"
    return Status(201 if made.created else 200, fhir.referral_bundle(referral))


@router.get(
    "/{referral_id}/fhir",
    response={200: dict, 404: Message},
    summary="One referral as a FHIR R4 Bundle (ServiceRequest, Task, Consent; never the private note)",
)
def read_fhir(request: HttpRequest, response: HttpResponse, referral_id: uuid.UUID):
    referral = _visible(request, referral_id)
    if referral is None:
        return _not_found()
    referring.record_read(referral=referral, by=request.auth, request=request, what="fhir")
    response["ETag"] = referral.etag
    return Status(200, fhir.referral_bundle(referral))


@router.get(
    "/{referral_id}",
    response={200: ReferralOut, 404: Message},
    summary="One referral (its ETag header is its version, for If-Match)",
)
def read(request: HttpRequest, response: HttpResponse, referral_id: uuid.UUID):
    referral = _visible(request, referral_id)
    if referral is None:
        return _not_found()
    referring.record_read(referral=referral, by=request.auth, request=request, what="api")
    return _with_etag(request, response, referral, 200)


@router.post(
    "/{referral_id}/transition",
    response={
        200: ReferralOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        412: Message,
        428: Message,
    },
    summary="Move a referral to another status; send If-Match with its ETag",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["status"],
                        "properties": {
                            "status": {"type": "string"},
                            "reason": {"type": "string"},
                            "text": {"type": "string"},
                            "outcome": {"type": "string"},
                            "outcome_note": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
def transition(request: HttpRequest, response: HttpResponse, referral_id: uuid.UUID):
    referral = _visible(request, referral_id)
    if referral is None:
        return _not_found()
    version, error = _if_match(request)
    if error is not None:
        return error
    data, error = _json_body(request)
    if error is not None:
        return error
    unknown = set(data) - MOVE_FIELDS
    if unknown:
        return _message(400, f"unexpected fields: {', '.join(sorted(unknown))}", "invalid")
    if not all(isinstance(data.get(name, ""), str) for name in MOVE_FIELDS):
        return _message(400, f"{', '.join(sorted(MOVE_FIELDS))} must be strings", "invalid")
    move = lifecycle.Move(
        to_status=data.get("status", ""),
        reason=data.get("reason", ""),
        text=data.get("text", ""),
        outcome=data.get("outcome", ""),
        outcome_note=data.get("outcome_note", ""),
    )
    return _changed(
        request,
        response,
        lambda: lifecycle.transition(
            referral=referral, move=move, by=request.auth, expected_version=version, request=request
        ),
    )


@router.post(
    "/{referral_id}/appointment",
    response={
        200: ReferralOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        412: Message,
        428: Message,
    },
    summary="Set or clear the appointment (receiver); send If-Match with its ETag",
)
def appointment(request: HttpRequest, response: HttpResponse, referral_id: uuid.UUID):
    referral = _visible(request, referral_id)
    if referral is None:
        return _not_found()
    version, error = _if_match(request)
    if error is not None:
        return error
    data, error = _json_body(request)
    if error is not None:
        return error
    raw = data.get("at")
    at = None
    if raw is not None:
        try:
            at = parse_datetime(raw) if isinstance(raw, str) else None
        except ValueError:
            # Well formed but impossible (month 13, hour 25): parse_datetime raises.
            at = None
        if at is None:
            return _message(
                400, "at: an ISO 8601 date and time with its offset, or null", "invalid"
            )
    return _changed(
        request,
        response,
        lambda: lifecycle.schedule_appointment(
            referral=referral, at=at, by=request.auth, expected_version=version, request=request
        ),
    )


def _if_match(request: HttpRequest) -> tuple[int, Status | None]:
    header = request.META.get("HTTP_IF_MATCH")
    if not header:
        return 0, _message(
            428, "send If-Match with the referral's ETag (its version)", "if-match-required"
        )
    match = ETAG_RE.match(header)
    if match is None:
        return 0, _message(400, 'If-Match is the referral\'s ETag, like "3"', "invalid")
    return int(match.group(1)), None


def _changed(request: HttpRequest, response: HttpResponse, change: Any) -> Status:
    try:
        referral = change()
    except StaleVersion as refused:
        return _message(412, refused.message, refused.code)
    except IllegalTransition as refused:
        return _message(409, refused.message, refused.code)
    except ReferralError as refused:
        return _message(400, refused.message, refused.code)
    except NotAllowed as refused:
        return _message(403, refused.message, "forbidden")
    return _with_etag(request, response, referral, 200)
