"""/api/v1/partnership/: the action plan's strategies and tasks (on api.py's router).

Coalition admins create and change everything; the owning partner's staff PATCH their own
tasks' progress (status, responsible, due date, notes) — any other field answers 403.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.partnerships import plan
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
from commonweal.partnerships.forms import ProgressForm, StrategyForm, TaskForm
from commonweal.partnerships.models import PlanTask, Strategy, TaskStatus


class TaskOut(Schema):
    id: str
    strategy_id: str
    title: str
    description: str
    owner_id: str
    owner_name: str
    responsible: str
    start_date: dt.date | None
    due_date: dt.date
    status: str
    notes: str
    overdue: bool


class StrategyOut(Schema):
    id: str
    title: str
    description: str
    goal_id: str | None
    tasks: list[TaskOut]


def task_out(task: PlanTask) -> dict[str, Any]:
    return {
        "id": str(task.pk),
        "strategy_id": str(task.strategy_id),
        "title": task.title,
        "description": task.description,
        "owner_id": str(task.owner_id),
        "owner_name": task.owner.name,
        "responsible": task.responsible,
        "start_date": task.start_date,
        "due_date": task.due_date,
        "status": task.status,
        "notes": task.notes,
        "overdue": task.is_overdue(timezone.localdate()),
    }


def strategy_out(strategy: Strategy) -> dict[str, Any]:
    return {
        "id": str(strategy.pk),
        "title": strategy.title,
        "description": strategy.description,
        "goal_id": str(strategy.goal_id) if strategy.goal_id else None,
        "tasks": [task_out(t) for t in strategy.tasks.all()],
    }


_DATE = {"type": ["string", "null"], "format": "date"}
PROGRESS_PROPERTIES: dict[str, Any] = {
    "responsible": {"type": "string"},
    "due_date": {"type": "string", "format": "date"},
    "status": {"type": "string", "enum": list(TaskStatus.values)},
    "notes": {"type": "string"},
}
TASK_PROPERTIES: dict[str, Any] = {
    "title": {"type": "string"},
    "description": {"type": "string"},
    "owner_id": {"type": "string"},
    "start_date": _DATE,
    **PROGRESS_PROPERTIES,
}
STRATEGY_PROPERTIES: dict[str, Any] = {
    "title": {"type": "string"},
    "description": {"type": "string"},
    "goal_id": {"type": ["string", "null"]},
}


def _renamed(errors: Any, names: dict[str, str]) -> Status:
    return invalid({names.get(k, k): v for k, v in errors.items()})


def _tasks() -> Any:
    return PlanTask.objects.with_related()


@router.get(
    "/strategies",
    response={200: list[StrategyOut], 403: WorkspaceError},
    summary="The action plan: strategies with their tasks",
)
def list_strategies(request: HttpRequest):
    if refused := refuse_unless_member(request):
        return refused
    found = Strategy.objects.prefetch_related(Prefetch("tasks", queryset=_tasks()))
    return Status(200, [strategy_out(s) for s in found])


@router.post(
    "/strategies",
    response={201: StrategyOut, 400: WorkspaceError, 403: WorkspaceError},
    summary="Add a strategy (coalition admins)",
    openapi_extra=openapi_body(
        {"type": "object", "required": ["title"], "properties": STRATEGY_PROPERTIES}
    ),
)
def create_strategy(request: HttpRequest):
    if refused := refuse_unless_manager(request):
        return refused
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(STRATEGY_PROPERTIES)):
        return error
    data["goal"] = data.pop("goal_id", None)
    form = StrategyForm(data=data)
    if not form.is_valid():
        return _renamed(form.errors, {"goal": "goal_id"})
    try:
        strategy = plan.save_strategy(by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, strategy_out(strategy))


@router.post(
    "/strategies/{strategy_id}/tasks",
    response={201: TaskOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Add a task to a strategy (coalition admins)",
    openapi_extra=openapi_body(
        {
            "type": "object",
            "required": ["title", "owner_id", "responsible", "due_date"],
            "properties": TASK_PROPERTIES,
        }
    ),
)
def create_task(request: HttpRequest, strategy_id: uuid.UUID):
    if refused := refuse_unless_manager(request):
        return refused
    strategy = Strategy.objects.filter(pk=strategy_id).first()
    if strategy is None:
        return message(404, "no such strategy", "not-found")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(TASK_PROPERTIES)):
        return error
    fields = {"status": TaskStatus.NOT_STARTED, **data}
    fields["owner"] = fields.pop("owner_id", None)
    form = TaskForm(data=fields, instance=PlanTask(strategy=strategy))
    if not form.is_valid():
        return _renamed(form.errors, {"owner": "owner_id"})
    try:
        task = plan.save_task(strategy=strategy, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(201, task_out(_tasks().get(pk=task.pk)))


@router.get(
    "/tasks",
    response={200: list[TaskOut], 403: WorkspaceError},
    summary="Every task of the plan, soonest due first (`overdue=true`: only overdue ones)",
)
def list_tasks(request: HttpRequest, overdue: bool = False):
    if refused := refuse_unless_member(request):
        return refused
    found = _tasks().overdue(timezone.localdate()) if overdue else _tasks()
    return Status(200, [task_out(t) for t in found])


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, 400: WorkspaceError, 403: WorkspaceError, 404: WorkspaceError},
    summary="Change a task: coalition admins any field, the owning partner's staff its progress",
    openapi_extra=openapi_body({"type": "object", "properties": TASK_PROPERTIES}),
)
def update_task(request: HttpRequest, task_id: uuid.UUID):
    if refused := refuse_unless_member(request):
        return refused
    task = _tasks().filter(pk=task_id).first()
    if task is None:
        return message(404, "no such task", "not-found")
    if not policy.can_edit_task(request.auth, task):
        return message(403, "only coalition admins and the owning partner's staff", "forbidden")
    data, error = json_object(request)
    if error:
        return error
    assert data is not None
    if error := unknown_fields(data, set(TASK_PROPERTIES)):
        return error
    manager = policy.can_manage_workspace(request.auth)
    if not manager and set(data) - set(PROGRESS_PROPERTIES):
        fields = ", ".join(sorted(set(data) - set(PROGRESS_PROPERTIES)))
        return message(403, f"only coalition admins change: {fields}", "forbidden")
    current = {name: getattr(task, name) for name in plan.TASK_FIELDS}
    fields = {**current, **data}
    fields["owner"] = str(fields.pop("owner_id", task.owner_id))
    fresh = PlanTask.objects.get(pk=task.pk)
    form = (
        TaskForm(data=fields, instance=fresh)
        if manager
        else ProgressForm(data=fields, instance=fresh)
    )
    if not form.is_valid():
        return _renamed(form.errors, {"owner": "owner_id"})
    try:
        if manager:
            plan.save_task(task, by=request.auth, **form.cleaned_data)
        else:
            plan.update_progress(task, by=request.auth, **form.cleaned_data)
    except ValidationError as failure:
        return invalid(failure)
    return Status(200, task_out(_tasks().get(pk=task.pk)))
