"""/api/v1/partnership/: the resource ledger — contributions, funding streams, totals and
the sustainability warning (on api.py's router). Values are US dollars."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.partnerships import ledger
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
from commonweal.partnerships.forms import ContributionForm, FundingForm
from commonweal.partnerships.models import Contribution, ContributionKind, FundingStream, Partner


class ContributionOut(Schema):
    id: str
    partner_id: str
    partner_name: str
    programme_id: str | None
    kind: str
    description: str
    quantity: float | None
    value: float
    starts_on: dt.date
    ends_on: dt.date | None


class FundingOut(Schema):
    id: str
    programme_id: str
    programme_name: str
    funder: str
    amount: float
    starts_on: dt.date
    ends_on: dt.date


class TotalOut(Schema):
    key: str | None  # a partner id, a programme id (null: the partnership as a whole), a kind
    name: str
    value: float
    count: int


class WarningOut(Schema):
    programme_id: str
    programme_name: str
    ends_on: dt.date
    days_left: int


class LedgerSummaryOut(Schema):
    by_partner: list[TotalOut]
    by_programme: list[TotalOut]
    by_kind: list[TotalOut]
    funding_ends_soon: list[WarningOut]
    horizon_days: int


def contribution_out(c: Contribution) -> dict[str, Any]:
    return {
        "id": str(c.pk),
        "partner_id": str(c.partner_id),
        "partner_name": c.partner.name,
        "programme_id": str(c.programme_id) if c.programme_id else None,
        "kind": c.kind,
        "description": c.description,
        "quantity": None if c.quantity is None else float(c.quantity),
        "value": float(c.value),
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
    }


def funding_out(s: FundingStream) -> dict[str, Any]:
    return {
        "id": str(s.pk),
        "programme_id": str(s.programme_id),
        "programme_name": s.programme.name,
        "funder": s.funder,
        "amount": float(s.amount),
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
    }


_DATE = {"type": ["string", "null"], "format": "date"}
CONTRIBUTION_PROPERTIES: dict[str, Any] = {
    "partner_id": {"type": "string"},
    "programme_id": {"type": ["string", "null"]},
    "kind": {"type": "string", "enum": list(ContributionKind.values)},
    "description": {"type": "string"},
    "quantity": {"type": ["number", "null"]},
    "value": {"type": "number"},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": _DATE,
}
FUNDING_PROPERTIES: dict[str, Any] = {
    "programme_id": {"type": "string"},
    "funder": {"type": "string"},
    "amount": {"type": "number"},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": {"type": "string", "format": "date"},
}
RENAMED = {"partner": "partner_id", "programme": "programme_id"}


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k not in ("partner_id", "programme_id")}
    if "partner_id" in data:
        fields["partner"] = data["partner_id"]
    if "programme_id" in data:
        fields["programme"] = data["programme_id"]
    return fields


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _save(form: Any, save: Any, out: Any, status: int) -> Status:
    if not form.is_valid():
        return invalid({RENAMED.get(k, k): v for k, v in form.errors.items()})
    try:
        saved = save(form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(status, out(saved))


def _contributions() -> Any:
    return Contribution.objects.select_related("partner__organization", "programme")


@router.get(
    "/contributions",
    response={200: list[ContributionOut], 403: WorkspaceError},
    summary="Every contribution to the partnership, latest first",
)
def list_contributions(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    return Status(200, [contribution_out(c) for c in _contributions()])


@router.post(
    "/contributions",
    response={201: ContributionOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Record a contribution (coalition admins; partner staff for their own partner)",
    openapi_extra=openapi_body(
        {
            "type": "object",
            "required": ["partner_id", "kind", "description", "value", "starts_on"],
            "properties": CONTRIBUTION_PROPERTIES,
        }
    ),
)
def create_contribution(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    partners = policy.contribution_partners(request.auth)
    if not partners.exists():
        return message(403, "only coalition admins and partners' staff record these", "forbidden")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(CONTRIBUTION_PROPERTIES)):
        return error
    named = _uuid(data.get("partner_id"))
    if (
        named
        and not partners.filter(pk=named).exists()
        and Partner.objects.filter(pk=named).exists()
    ):
        return message(403, "you record contributions for your own partner only", "forbidden")
    form = ContributionForm(data=_form_data(data), partners=partners)
    return _save(
        form,
        lambda d: ledger.save_contribution(by=request.auth, **d),
        lambda c: contribution_out(_contributions().get(pk=c.pk)),
        201,
    )


@router.patch(
    "/contributions/{contribution_id}",
    response={200: ContributionOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Change a contribution (coalition admins; its partner's staff); only fields sent",
    openapi_extra=openapi_body({"type": "object", "properties": CONTRIBUTION_PROPERTIES}),
)
def update_contribution(request: HttpRequest, contribution_id: uuid.UUID):
    if refused := refuse_unless_member(request):
        return refused
    contribution = _contributions().filter(pk=contribution_id).first()
    if contribution is None:
        return message(404, "no such contribution", "not-found")
    if not policy.can_edit_contribution(request.auth, contribution):
        return message(403, "only coalition admins and the partner's staff", "forbidden")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(CONTRIBUTION_PROPERTIES)):
        return error
    current = {name: getattr(contribution, name) for name in ledger.CONTRIBUTION_FIELDS}
    current["partner"] = str(contribution.partner_id)
    current["programme"] = str(contribution.programme_id) if contribution.programme_id else ""
    form = ContributionForm(
        data={**current, **_form_data(data)},
        instance=Contribution.objects.get(pk=contribution.pk),
        partners=policy.contribution_partners(request.auth),
    )
    return _save(
        form,
        lambda d: ledger.save_contribution(contribution, by=request.auth, **d),
        lambda c: contribution_out(_contributions().get(pk=c.pk)),
        200,
    )


@router.get(
    "/funding",
    response={200: list[FundingOut], 403: WorkspaceError},
    summary="Funding streams, soonest ending first",
)
def list_funding(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    return Status(200, [funding_out(s) for s in FundingStream.objects.select_related("programme")])


@router.post(
    "/funding",
    response={201: FundingOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Add a programme's funding stream (coalition admins)",
    openapi_extra=openapi_body(
        {"type": "object", "required": list(FUNDING_PROPERTIES), "properties": FUNDING_PROPERTIES}
    ),
)
def create_funding(request: HttpRequest):
    if refused := refuse_unless_manager(request):
        return refused
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(FUNDING_PROPERTIES)):
        return error
    return _save(
        FundingForm(data=_form_data(data)),
        lambda d: ledger.save_funding(by=request.auth, **d),
        funding_out,
        201,
    )


def _total(total: ledger.Total, by: str) -> dict[str, Any]:
    key = total.key
    if by == "kind":
        return {"key": key, "name": str(ContributionKind(key).label), **_sums(total)}
    if key is None:
        return {"key": None, "name": "", **_sums(total)}
    return {"key": str(key.pk), "name": str(key.name), **_sums(total)}


def _sums(total: ledger.Total) -> dict[str, Any]:
    return {"value": float(total.value), "count": total.count}


@router.get(
    "/resources/summary",
    response={200: LedgerSummaryOut, 403: WorkspaceError},
    summary="Totals per partner, programme and kind, and programmes whose funding ends soon",
)
def resources_summary(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    contributions = list(_contributions())
    streams = list(FundingStream.objects.select_related("programme"))
    horizon = ledger.horizon_days()
    warnings = ledger.sustainability(streams, today=timezone.localdate(), horizon=horizon)
    return Status(
        200,
        {
            **{
                f"by_{by}": [_total(t, by) for t in ledger.totals(contributions, by)]
                for by in ("partner", "programme", "kind")
            },
            "funding_ends_soon": [
                {
                    "programme_id": str(w.programme.pk),
                    "programme_name": w.programme.name,
                    "ends_on": w.ends_on,
                    "days_left": w.days_left,
                }
                for w in warnings
            ],
            "horizon_days": horizon,
        },
    )
