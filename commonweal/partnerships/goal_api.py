"""/api/v1/partnership/: community needs, shared goals, indicators and their values.

Same shape as api.py: the pages' forms parse the bodies, goals.py writes, policy decides.
A computed value that rests on 1 to 10 people has `value` null and `suppressed` saying why.
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

from commonweal.partnerships import goals, measures
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
from commonweal.partnerships.forms import (
    ComputeForm,
    GoalForm,
    IndicatorForm,
    NeedForm,
    ValueForm,
)
from commonweal.partnerships.models import (
    CommunityNeed,
    Direction,
    Goal,
    Indicator,
    IndicatorKind,
    NeedStatus,
    RbaQuestion,
)
from commonweal.partnerships.units import Unit


class MeasureOut(Schema):
    code: str
    label: str
    unit: str
    question: str


class EvidenceOut(Schema):
    kind: str
    summary: str
    source_url: str
    recorded_on: dt.date | None


class CommunityNeedOut(Schema):
    id: str
    title: str
    description: str
    status: str
    chosen_on: dt.date | None
    evidence: list[EvidenceOut]


class ValueOut(Schema):
    period_start: dt.date
    period_end: dt.date
    value: float | None
    suppressed: str  # "" shown; "primary" / "derived": rests on 1 to 10 people
    source: str
    note: str


class IndicatorOut(Schema):
    id: str
    goal_id: str
    kind: str
    rba_question: str
    name: str
    unit: str
    direction: str
    measure: str
    partner_id: str | None
    baseline_value: float | None
    baseline_date: dt.date | None
    target_value: float | None
    target_date: dt.date | None
    values: list[ValueOut]


class GoalOut(Schema):
    id: str
    title: str
    population_result: str
    population: str
    need_ids: list[str]
    indicators: list[IndicatorOut]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": str(indicator.pk),
        "goal_id": str(indicator.goal_id),
        "kind": indicator.kind,
        "rba_question": indicator.rba_question,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "measure": indicator.measure,
        "partner_id": str(indicator.partner_id) if indicator.partner_id else None,
        "baseline_value": _number(indicator.baseline_value),
        "baseline_date": indicator.baseline_date,
        "target_value": _number(indicator.target_value),
        "target_date": indicator.target_date,
        "values": [
            {
                "period_start": v.period_start,
                "period_end": v.period_end,
                "value": _number(v.value),
                "suppressed": v.suppressed,
                "source": v.source,
                "note": v.note,
            }
            for v in indicator.values.all()
        ],
    }


def goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": str(goal.pk),
        "title": goal.title,
        "population_result": goal.population_result,
        "population": goal.population,
        "need_ids": [str(n.pk) for n in goal.needs.all()],
        "indicators": [indicator_out(i) for i in goal.indicators.all()],
    }


def need_out(need: CommunityNeed) -> dict[str, Any]:
    return {
        "id": str(need.pk),
        "title": need.title,
        "description": need.description,
        "status": need.status,
        "chosen_on": need.chosen_on,
        "evidence": [
            {
                "kind": e.kind,
                "summary": e.summary,
                "source_url": e.source_url,
                "recorded_on": e.recorded_on,
            }
            for e in need.evidence.all()
        ],
    }


def _parsed(request: HttpRequest, allowed: set[str]) -> tuple[dict[str, Any] | None, Any]:
    data, error = json_object(request)
    if error:
        return None, error
    assert data is not None
    if error := unknown_fields(data, allowed):
        return None, error
    return data, None


_DATE = {"type": ["string", "null"], "format": "date"}
_NUMBER = {"type": ["number", "null"]}
NEED_BODY = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "status": {"type": "string", "enum": list(NeedStatus.values)},
        "chosen_on": _DATE,
    },
}
GOAL_BODY = {
    "type": "object",
    "required": ["title", "population_result"],
    "properties": {
        "title": {"type": "string"},
        "population_result": {"type": "string"},
        "population": {"type": "string"},
        "need_ids": {"type": "array", "items": {"type": "string"}},
    },
}
INDICATOR_BODY = {
    "type": "object",
    "required": ["kind", "name", "unit"],
    "properties": {
        "kind": {"type": "string", "enum": list(IndicatorKind.values)},
        "rba_question": {"type": "string", "enum": ["", *RbaQuestion.values]},
        "name": {"type": "string"},
        "unit": {"type": "string", "enum": list(Unit.values)},
        "direction": {"type": "string", "enum": list(Direction.values)},
        "measure": {"type": "string", "enum": ["", *measures.MEASURES]},
        "partner_id": {"type": ["string", "null"]},
        "baseline_value": _NUMBER,
        "baseline_date": _DATE,
        "target_value": _NUMBER,
        "target_date": _DATE,
    },
}
VALUE_BODY = {
    "type": "object",
    "required": ["period_start", "period_end", "value"],
    "properties": {
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "value": {"type": "number"},
        "note": {"type": "string"},
    },
}
COMPUTE_BODY = {
    "type": "object",
    "required": ["quarter"],
    "properties": {"quarter": {"type": "string", "pattern": "^[0-9]{4}-Q[1-4]$"}},
}


def _save(form: Any, save: Any, out: Any, status: int = 201) -> Status:
    if not form.is_valid():
        return invalid(form.errors)
    try:
        saved = save(form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(status, out(saved))


@router.get(
    "/measures",
    response={200: list[MeasureOut], 403: WorkspaceError},
    summary="The ready-made measures the system computes from its own data",
)
def list_measures(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    return Status(
        200,
        [
            {"code": m.code, "label": str(m.label), "unit": m.unit, "question": m.question}
            for m in measures.MEASURES.values()
        ],
    )


@router.get(
    "/needs",
    response={200: list[CommunityNeedOut], 403: WorkspaceError},
    summary="The community needs",
)
def list_needs(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    return Status(200, [need_out(n) for n in CommunityNeed.objects.prefetch_related("evidence")])


@router.post(
    "/needs",
    response={201: CommunityNeedOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Record a community need (coalition admins)",
    openapi_extra=openapi_body(NEED_BODY),
)
def create_need(request: HttpRequest):
    if refused := refuse_unless_manager(request):
        return refused
    data, error = _parsed(request, set(NEED_BODY["properties"]))
    if error:
        return error
    form = NeedForm(data={"status": NeedStatus.ACTIVE, **data})
    return _save(form, lambda d: goals.save_need(by=request.auth, **d), need_out)


def _goals() -> Any:
    return Goal.objects.prefetch_related("needs", "indicators__values")


@router.get(
    "/goals",
    response={200: list[GoalOut], 403: WorkspaceError},
    summary="The shared goals with their indicators and values",
)
def list_goals(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    return Status(200, [goal_out(g) for g in _goals()])


@router.post(
    "/goals",
    response={201: GoalOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Record a shared goal with its population result (coalition admins)",
    openapi_extra=openapi_body(GOAL_BODY),
)
def create_goal(request: HttpRequest):
    if refused := refuse_unless_manager(request):
        return refused
    data, error = _parsed(request, set(GOAL_BODY["properties"]))
    if error:
        return error
    need_ids = data.pop("need_ids", [])
    if not isinstance(need_ids, list):
        return invalid({"need_ids": ["a list of need ids"]})
    form = GoalForm(data={**data, "needs": need_ids})
    if not form.is_valid():
        return invalid({("need_ids" if k == "needs" else k): v for k, v in form.errors.items()})
    return _save(form, lambda d: goals.save_goal(by=request.auth, **d), goal_out)


@router.get(
    "/goals/{goal_id}",
    response={200: GoalOut, 403: WorkspaceError, 404: WorkspaceError},
    summary="One shared goal",
)
def read_goal(request: HttpRequest, goal_id: uuid.UUID):
    if refused := refuse_unless_member(request):
        return refused
    goal = _goals().filter(pk=goal_id).first()
    if goal is None:
        return message(404, "no such goal", "not-found")
    return Status(200, goal_out(goal))


@router.post(
    "/goals/{goal_id}/indicators",
    response={201: IndicatorOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Add a population indicator or performance measure to a goal (coalition admins)",
    openapi_extra=openapi_body(INDICATOR_BODY),
)
def create_indicator(request: HttpRequest, goal_id: uuid.UUID):
    if refused := refuse_unless_manager(request):
        return refused
    goal = Goal.objects.filter(pk=goal_id).first()
    if goal is None:
        return message(404, "no such goal", "not-found")
    data, error = _parsed(request, set(INDICATOR_BODY["properties"]))
    if error:
        return error
    fields = {"direction": Direction.UP, "rba_question": "", "measure": "", **data}
    fields["partner"] = fields.pop("partner_id", None)
    form = IndicatorForm(data=fields, instance=Indicator(goal=goal))
    if not form.is_valid():
        return invalid({("partner_id" if k == "partner" else k): v for k, v in form.errors.items()})
    return _save(
        form, lambda d: goals.save_indicator(goal=goal, by=request.auth, **d), indicator_out
    )


def _indicator(indicator_id: uuid.UUID) -> Indicator | None:
    return Indicator.objects.prefetch_related("values").filter(pk=indicator_id).first()


@router.get(
    "/indicators/{indicator_id}",
    response={200: IndicatorOut, 403: WorkspaceError, 404: WorkspaceError},
    summary="One indicator with its values (the trend's data)",
)
def read_indicator(request: HttpRequest, indicator_id: uuid.UUID):
    if refused := refuse_unless_member(request):
        return refused
    indicator = _indicator(indicator_id)
    if indicator is None:
        return message(404, "no such indicator", "not-found")
    return Status(200, indicator_out(indicator))


@router.post(
    "/indicators/{indicator_id}/values",
    response={200: IndicatorOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Enter an indicator's value for a period by hand (replaces that period's value)",
    openapi_extra=openapi_body(VALUE_BODY),
)
def record_value(request: HttpRequest, indicator_id: uuid.UUID):
    if refused := refuse_unless_manager(request):
        return refused
    indicator = _indicator(indicator_id)
    if indicator is None:
        return message(404, "no such indicator", "not-found")
    data, error = _parsed(request, set(VALUE_BODY["properties"]))
    if error:
        return error

    def save(d: dict[str, Any]) -> Indicator:
        goals.record_value(indicator, by=request.auth, **d)
        return _indicator(indicator_id)  # type: ignore[return-value]

    return _save(ValueForm(data=data), save, indicator_out, status=200)


@router.post(
    "/indicators/{indicator_id}/compute",
    response={200: IndicatorOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Compute an indicator's ready-made measure for a completed quarter",
    openapi_extra=openapi_body(COMPUTE_BODY),
)
def compute_value(request: HttpRequest, indicator_id: uuid.UUID):
    if refused := refuse_unless_manager(request):
        return refused
    indicator = _indicator(indicator_id)
    if indicator is None:
        return message(404, "no such indicator", "not-found")
    data, error = _parsed(request, set(COMPUTE_BODY["properties"]))
    if error:
        return error
    form = ComputeForm(data=data, quarters=goals.offered_quarters(timezone.localdate()))
    if not form.is_valid():
        return invalid({"quarter": ["a completed quarter of the last two years, like 2026-Q1"]})

    def save(d: dict[str, Any]) -> Indicator:
        goals.compute_value(indicator, by=request.auth, quarter=d["quarter"])
        return _indicator(indicator_id)  # type: ignore[return-value]

    return _save(form, save, indicator_out, status=200)
