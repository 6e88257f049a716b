"""Pages of the action plan (/partnership/plan/) and each partner's roles and
responsibilities: parse, call one function of plan.py, render. Rules: commonweal.policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.partnerships import plan
from commonweal.partnerships.forms import ProgressForm, StrategyForm, TaskForm
from commonweal.partnerships.models import Partner, PlanTask, Strategy
from commonweal.partnerships.pages import (
    form_page,
    page_context,
    require_manager,
    require_workspace,
)


def _task_rows(request: HttpRequest, tasks: Any) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "task": task,
            "overdue": task.is_overdue(today),
            "editable": policy.can_edit_task(request.user, task),
        }
        for task in tasks
    ]


@login_required
def plan_index(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    tasks = PlanTask.objects.with_related()
    strategies = Strategy.objects.select_related("goal").prefetch_related(
        Prefetch("tasks", queryset=tasks)
    )
    return render(
        request,
        "partnerships/plan.html",
        page_context(
            request,
            overdue=_task_rows(request, tasks.overdue(timezone.localdate())),
            strategies=[(s, _task_rows(request, s.tasks.all())) for s in strategies],
        ),
    )


@login_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return form_page(
        request,
        StrategyForm(request.POST or None),
        lambda data: plan.save_strategy(by=request.user, **data),
        title=_("Add a strategy"),
        back=(_("Action plan"), "partnerships:plan"),
        done=lambda strategy: "partnerships:plan",
        saved=_("The strategy is saved."),
    )


@login_required
def strategy_edit(request: HttpRequest, strategy_id: Any) -> HttpResponse:
    require_manager(request)
    strategy = get_object_or_404(Strategy, pk=strategy_id)
    return form_page(
        request,
        StrategyForm(request.POST or None, instance=Strategy.objects.get(pk=strategy.pk)),
        lambda data: plan.save_strategy(strategy, by=request.user, **data),
        title=_("Edit the strategy"),
        back=(_("Action plan"), "partnerships:plan"),
        done=lambda strategy: "partnerships:plan",
        saved=_("The strategy is saved."),
    )


@login_required
def task_create(request: HttpRequest, strategy_id: Any) -> HttpResponse:
    require_manager(request)
    strategy = get_object_or_404(Strategy, pk=strategy_id)
    return form_page(
        request,
        TaskForm(request.POST or None, instance=PlanTask(strategy=strategy)),
        lambda data: plan.save_task(strategy=strategy, by=request.user, **data),
        title=_("Add a task to “%(strategy)s”") % {"strategy": strategy.title},
        back=(_("Action plan"), "partnerships:plan"),
        done=lambda task: "partnerships:plan",
        saved=_("The task is saved."),
    )


@login_required
def task_edit(request: HttpRequest, task_id: Any) -> HttpResponse:
    """Coalition admins change every field; the owning partner's staff its progress."""
    require_workspace(request)
    task = get_object_or_404(PlanTask.objects.with_related(), pk=task_id)
    if not policy.can_edit_task(request.user, task):
        raise PermissionDenied
    fresh = PlanTask.objects.get(pk=task.pk)
    if policy.can_manage_workspace(request.user):
        form: Any = TaskForm(request.POST or None, instance=fresh)
        save = lambda data: plan.save_task(task, by=request.user, **data)  # noqa: E731
    else:
        form = ProgressForm(request.POST or None, instance=fresh)
        save = lambda data: plan.update_progress(task, by=request.user, **data)  # noqa: E731
    return form_page(
        request,
        form,
        save,
        title=_("Update “%(task)s”") % {"task": task.title},
        back=(_("Action plan"), "partnerships:plan"),
        done=lambda task: "partnerships:plan",
        saved=_("The task is saved."),
    )


@login_required
def partner_roles(request: HttpRequest, partner_id: Any) -> HttpResponse:
    require_workspace(request)
    partner = get_object_or_404(Partner.objects.with_organization(), pk=partner_id)
    today = timezone.localdate()
    found = plan.roles(partner, today=today)
    return render(
        request,
        "partnerships/partner_roles.html",
        page_context(
            request,
            partner=partner,
            roles=found,
            by_strategy=[(s, _task_rows(request, tasks)) for s, tasks in found.by_strategy],
            contacts=partner.contacts.all(),
        ),
    )
