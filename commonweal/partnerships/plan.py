"""The action plan: writing strategies and tasks, and reading who does what.

Coalition admins create tasks and may change every field; a partner's staff keep their own
tasks' progress current (`PROGRESS_FIELDS`) but cannot hand a task to another partner or
rename it (commonweal.policy.can_edit_task decides who is who).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from commonweal.partnerships.models import Partner, PlanTask, Strategy

TASK_FIELDS = (
    "title",
    "description",
    "owner",
    "responsible",
    "start_date",
    "due_date",
    "status",
    "notes",
)
PROGRESS_FIELDS = ("responsible", "due_date", "status", "notes")
NOT_YOURS = "Only coalition admins change this field of a task."


def _saved(instance: Any, details: dict[str, Any], allowed: tuple[str, ...]) -> Any:
    extra = sorted(set(details) - set(allowed))
    if extra:
        raise ValidationError({name: NOT_YOURS for name in extra})
    for name, value in details.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def save_strategy(strategy: Strategy | None = None, *, by: Any, **details: Any) -> Strategy:
    return _saved(strategy or Strategy(), details, ("title", "description", "goal"))


@transaction.atomic
def save_task(
    task: PlanTask | None = None,
    *,
    by: Any,
    strategy: Strategy | None = None,
    meeting: Any = None,
    **details: Any,
) -> PlanTask:
    """Create a task of `strategy` (an action item of `meeting`, if given), or change any
    field of `task` (coalition admins)."""
    if task is None:
        task = PlanTask(strategy=strategy, meeting=meeting)
    else:
        task = PlanTask.objects.select_for_update().get(pk=task.pk)
    return _saved(task, details, TASK_FIELDS)


@transaction.atomic
def update_progress(task: PlanTask, *, by: Any, **details: Any) -> PlanTask:
    """A partner's staff report progress: status, responsible person, due date, notes."""
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    return _saved(task, details, PROGRESS_FIELDS)


@dataclass(frozen=True)
class Roles:
    """One partner's part in the plan: its tasks by strategy, and the measures it answers for."""

    partner: Partner
    by_strategy: list[tuple[Strategy, list[PlanTask]]]
    overdue: int
    open: int
    indicators: list[Any]


def roles(partner: Partner, *, today: dt.date) -> Roles:
    tasks = list(PlanTask.objects.filter(owner=partner).with_related())
    grouped: dict[Any, tuple[Strategy, list[PlanTask]]] = {}
    for task in tasks:
        grouped.setdefault(task.strategy_id, (task.strategy, []))[1].append(task)
    return Roles(
        partner=partner,
        by_strategy=sorted(grouped.values(), key=lambda pair: pair[0].title),
        overdue=sum(1 for t in tasks if t.is_overdue(today)),
        open=sum(1 for t in tasks if t.status not in ("done", "cancelled")),
        indicators=list(partner.indicators.select_related("goal")),
    )
