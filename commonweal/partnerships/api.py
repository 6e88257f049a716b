"""/api/v1/partnership/: the partnership workspace's JSON API (token or session auth).

Thin: bodies are parsed by the pages' own forms (forms.py), writes go through the domain
modules, and who may do what is commonweal.policy's. Status codes: 400 bad input (`errors`
names each field), 403 the caller may not see the workspace or may not change it, 404 no
such object.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.partnerships import agreements, partners
from commonweal.partnerships.forms import PartnerCreateForm, PartnerForm
from commonweal.partnerships.models import AgreementStatus, Partner, Sector

router = Router(tags=["partnership"], auth=api_auth)


class WorkspaceError(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class AgreementOut(Schema):
    status: str
    expires_on: dt.date | None
    level: str  # none, pending, current, expiring, expired
    days_left: int | None


class ContactOut(Schema):
    id: str
    name: str
    role: str
    email: str
    phone: str
    is_primary: bool


class PartnerOut(Schema):
    id: str
    organization_id: str
    name: str
    sector: str
    active: bool
    joined_on: dt.date | None
    agreement: AgreementOut
    data_sharing: AgreementOut
    notes: str
    contacts: list[ContactOut]


_DATE = {"type": ["string", "null"], "format": "date"}
_STATUS = {"type": "string", "enum": list(AgreementStatus.values)}
PARTNER_PROPERTIES: dict[str, Any] = {
    "sector": {"type": "string", "enum": list(Sector.values)},
    "active": {"type": "boolean"},
    "joined_on": _DATE,
    "agreement_status": _STATUS,
    "agreement_expires_on": _DATE,
    "data_sharing_status": _STATUS,
    "data_sharing_expires_on": _DATE,
    "notes": {"type": "string"},
}


# What a new partner has unless the body says otherwise (a form would send these).
CREATE_DEFAULTS = {"active": True, "agreement_status": "none", "data_sharing_status": "none"}


def openapi_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    }


def message(status: int, detail: str, code: str = "", errors: Any = None) -> Status:
    return Status(status, {"detail": detail, "code": code, "errors": errors or {}})


FORBIDDEN_READ = "the partnership workspace is for coalition admins and member organisations"
FORBIDDEN_WRITE = "only coalition admins change the partnership workspace"


def refuse_unless_member(request: HttpRequest) -> Status | None:
    if not policy.can_see_workspace(request.auth):
        return message(403, FORBIDDEN_READ, "forbidden")
    return None


def refuse_unless_manager(request: HttpRequest) -> Status | None:
    if not policy.can_manage_workspace(request.auth):
        return message(403, FORBIDDEN_WRITE, "forbidden")
    return None


def json_object(request: HttpRequest) -> tuple[dict[str, Any] | None, Status | None]:
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, message(400, f"the body is not valid JSON: {error}", "invalid-json")
    if not isinstance(data, dict):
        return None, message(400, "the body must be a JSON object", "invalid-json")
    return data, None


def invalid(errors: Any) -> Status:
    """A 400 naming every field that is wrong: {"errors": {"field": ["message", …]}}."""
    if isinstance(errors, ValidationError):
        errors = (
            errors.message_dict if hasattr(errors, "error_dict") else {"__all__": errors.messages}
        )
    named = {("body" if k == "__all__" else k): [str(m) for m in v] for k, v in errors.items()}
    fields = ", ".join(sorted(named))
    return message(400, f"invalid input: {fields}", "invalid", named)


def unknown_fields(data: dict[str, Any], allowed: set[str]) -> Status | None:
    extra = sorted(set(data) - allowed)
    if extra:
        return invalid({name: ["unknown field"] for name in extra})
    return None


def _agreement(state: agreements.AgreementState, status: str) -> dict[str, Any]:
    return {
        "status": status,
        "expires_on": state.expires_on,
        "level": state.level.value,
        "days_left": state.days_left,
    }


def partner_out(partner: Partner) -> dict[str, Any]:
    states = agreements.states(
        partner, today=timezone.localdate(), horizon=agreements.horizon_days()
    )
    return {
        "id": str(partner.pk),
        "organization_id": str(partner.organization_id),
        "name": partner.name,
        "sector": partner.sector,
        "active": partner.active,
        "joined_on": partner.joined_on,
        "agreement": _agreement(states[agreements.PARTNERSHIP], partner.agreement_status),
        "data_sharing": _agreement(states[agreements.DATA_SHARING], partner.data_sharing_status),
        "notes": partner.notes,
        "contacts": [
            {
                "id": str(c.pk),
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "is_primary": c.is_primary,
            }
            for c in partner.contacts.all()
        ],
    }


@router.get(
    "/partners",
    response={200: list[PartnerOut], 403: WorkspaceError},
    summary="Every partner of the partnership, with its agreements' state",
)
def list_partners(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    found = Partner.objects.with_organization().prefetch_related("contacts")
    return Status(200, [partner_out(p) for p in found])


@router.post(
    "/partners",
    response={201: PartnerOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Make a directory organisation a partner (coalition admins)",
    openapi_extra=openapi_body(
        {
            "type": "object",
            "required": ["organization_id", "sector"],
            "properties": {"organization_id": {"type": "string"}, **PARTNER_PROPERTIES},
        }
    ),
)
def create_partner(request: HttpRequest):
    if refused := refuse_unless_manager(request):
        return refused
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, {"organization_id", *PARTNER_PROPERTIES}):
        return error
    fields = {k: v for k, v in data.items() if k != "organization_id"}
    form = PartnerCreateForm(
        data={"organization": data.get("organization_id"), **CREATE_DEFAULTS, **fields}
    )
    if not form.is_valid():
        return invalid(
            {("organization_id" if k == "organization" else k): v for k, v in form.errors.items()}
        )
    details = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
    try:
        partner = partners.create_partner(
            organization=form.cleaned_data["organization"], by=request.auth, **details
        )
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, partner_out(partner))


@router.get(
    "/partners/{partner_id}",
    response={200: PartnerOut, 403: WorkspaceError, 404: WorkspaceError},
    summary="One partner, with its contacts",
)
def read_partner(request: HttpRequest, partner_id: uuid.UUID):
    if refused := refuse_unless_member(request):
        return refused
    partner = Partner.objects.select_related("organization").filter(pk=partner_id).first()
    if partner is None:
        return message(404, "no such partner", "not-found")
    return Status(200, partner_out(partner))


@router.patch(
    "/partners/{partner_id}",
    response={200: PartnerOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Change a partner's profile or agreements (coalition admins); only the fields sent",
    openapi_extra=openapi_body({"type": "object", "properties": PARTNER_PROPERTIES}),
)
def update_partner(request: HttpRequest, partner_id: uuid.UUID):
    if refused := refuse_unless_manager(request):
        return refused
    partner = Partner.objects.select_related("organization").filter(pk=partner_id).first()
    if partner is None:
        return message(404, "no such partner", "not-found")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(PARTNER_PROPERTIES)):
        return error
    current = {name: getattr(partner, name) for name in PARTNER_PROPERTIES}
    form = PartnerForm(data={**current, **data}, instance=Partner.objects.get(pk=partner.pk))
    if not form.is_valid():
        return invalid(form.errors)
    try:
        partner = partners.update_partner(partner, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(200, partner_out(partner))


# The goals, indicators and values operations (goal_api.py), the action plan's
# (plan_api.py), the meetings' (meeting_api.py) and the resource ledger's (ledger_api.py)
# are on this same router: importing those modules registers them (a nested router with an
# empty prefix breaks ninja's paths).
from commonweal.partnerships import (  # noqa: E402, F401
    goal_api,
    ledger_api,
    meeting_api,
    plan_api,
)
