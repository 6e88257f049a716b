"""Pages of community needs, shared goals and their indicators (/partnership/needs/, goals/,
indicators/): parse, call one function of goals.py, render. Rules: commonweal.policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commonweal.insights import periods
from commonweal.partnerships import goals, trend_chart, units
from commonweal.partnerships.forms import (
    ComputeForm,
    EvidenceForm,
    GoalForm,
    IndicatorForm,
    NeedForm,
    ValueForm,
)
from commonweal.partnerships.models import (
    CommunityNeed,
    Goal,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    RbaQuestion,
)
from commonweal.partnerships.pages import (
    form_page,
    page_context,
    require_manager,
    require_workspace,
)

SUPPRESSED_TEXT = {
    "primary": gettext_lazy("fewer than 11"),
    "complementary": gettext_lazy("hidden"),
    "derived": gettext_lazy("not shown (fewer than 11 people)"),
}
CURVE_TEXT = {
    goals.Curve.NO_DATA: gettext_lazy("no value yet"),
    goals.Curve.TARGET_MET: gettext_lazy("target met"),
    goals.Curve.BETTER: gettext_lazy("better than the baseline"),
    goals.Curve.SAME: gettext_lazy("no change from the baseline"),
    goals.Curve.WORSE: gettext_lazy("worse than the baseline"),
}


def value_text(indicator: Indicator, value: IndicatorValue) -> str:
    if value.suppressed:
        return str(SUPPRESSED_TEXT.get(value.suppressed, SUPPRESSED_TEXT["primary"]))
    return units.format_value(indicator.unit, value.value)


def indicator_summary(indicator: Indicator) -> dict[str, Any]:
    """What the goal pages show of an indicator: baseline, target, latest value, the curve."""
    values = list(indicator.values.all())
    shown = [v for v in values if v.value is not None]
    latest = values[-1] if values else None
    latest_number = shown[-1].value if shown else None
    curve = goals.curve(
        indicator.direction, indicator.baseline_value, latest_number, indicator.target_value
    )
    return {
        "indicator": indicator,
        "baseline": units.format_value(indicator.unit, indicator.baseline_value),
        "target": units.format_value(indicator.unit, indicator.target_value),
        "latest": value_text(indicator, latest) if latest else "—",
        "latest_period": latest.period_end if latest else None,
        "curve": CURVE_TEXT[curve],
        "curve_code": curve.value,
    }


# --- needs ------------------------------------------------------------------------------------


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    needs = CommunityNeed.objects.prefetch_related("evidence", "goals")
    return render(request, "partnerships/need_list.html", page_context(request, needs=needs))


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return form_page(
        request,
        NeedForm(request.POST or None),
        lambda data: goals.save_need(by=request.user, **data),
        title=_("Add a community need"),
        back=(_("Community needs"), "partnerships:need_list"),
        done=lambda need: "partnerships:need_list",
        saved=_("The need is saved."),
    )


@login_required
def need_edit(request: HttpRequest, need_id: Any) -> HttpResponse:
    require_manager(request)
    need = get_object_or_404(CommunityNeed, pk=need_id)
    return form_page(
        request,
        NeedForm(request.POST or None, instance=CommunityNeed.objects.get(pk=need.pk)),
        lambda data: goals.save_need(need, by=request.user, **data),
        title=_("Edit the need"),
        back=(_("Community needs"), "partnerships:need_list"),
        done=lambda need: "partnerships:need_list",
        saved=_("The need is saved."),
    )


@login_required
def evidence_create(request: HttpRequest, need_id: Any) -> HttpResponse:
    require_manager(request)
    need = get_object_or_404(CommunityNeed, pk=need_id)
    return form_page(
        request,
        EvidenceForm(request.POST or None),
        lambda data: goals.add_evidence(need, by=request.user, **data),
        title=_("Add evidence for “%(need)s”") % {"need": need.title},
        back=(_("Community needs"), "partnerships:need_list"),
        done=lambda evidence: "partnerships:need_list",
        saved=_("The evidence is saved."),
    )


# --- goals ------------------------------------------------------------------------------------


def _with_values(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values"))
    )


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    rows = [
        (goal, [indicator_summary(i) for i in goal.indicators.all()])
        for goal in _with_values(Goal.objects.prefetch_related("needs"))
    ]
    return render(request, "partnerships/goal_list.html", page_context(request, rows=rows))


@login_required
def goal_detail(request: HttpRequest, goal_id: Any) -> HttpResponse:
    require_workspace(request)
    goal = get_object_or_404(_with_values(Goal.objects.prefetch_related("needs")), pk=goal_id)
    summaries = [indicator_summary(i) for i in goal.indicators.all()]
    population = [s for s in summaries if s["indicator"].kind == IndicatorKind.POPULATION]
    questions = [
        (code, label, [s for s in summaries if s["indicator"].rba_question == code])
        for code, label in RbaQuestion.choices
    ]
    return render(
        request,
        "partnerships/goal_detail.html",
        page_context(request, goal=goal, population=population, questions=questions),
    )


@login_required
def goal_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return form_page(
        request,
        GoalForm(request.POST or None),
        lambda data: goals.save_goal(by=request.user, **data),
        title=_("Add a shared goal"),
        back=(_("Shared goals"), "partnerships:goal_list"),
        done=lambda goal: goal.get_absolute_url(),
        saved=_("The goal is saved."),
    )


@login_required
def goal_edit(request: HttpRequest, goal_id: Any) -> HttpResponse:
    require_manager(request)
    goal = get_object_or_404(Goal, pk=goal_id)
    return form_page(
        request,
        GoalForm(request.POST or None, instance=Goal.objects.get(pk=goal.pk)),
        lambda data: goals.save_goal(goal, by=request.user, **data),
        title=_("Edit the goal"),
        back=(goal.title, goal.get_absolute_url()),
        done=lambda goal: goal.get_absolute_url(),
        saved=_("The goal is saved."),
    )


# --- indicators -------------------------------------------------------------------------------


@login_required
def indicator_create(request: HttpRequest, goal_id: Any) -> HttpResponse:
    require_manager(request)
    goal = get_object_or_404(Goal, pk=goal_id)
    return form_page(
        request,
        IndicatorForm(request.POST or None, instance=Indicator(goal=goal)),
        lambda data: goals.save_indicator(goal=goal, by=request.user, **data),
        title=_("Add an indicator to “%(goal)s”") % {"goal": goal.title},
        back=(goal.title, goal.get_absolute_url()),
        done=lambda indicator: indicator.get_absolute_url(),
        saved=_("The indicator is saved."),
    )


@login_required
def indicator_edit(request: HttpRequest, indicator_id: Any) -> HttpResponse:
    require_manager(request)
    indicator = get_object_or_404(Indicator.objects.select_related("goal"), pk=indicator_id)
    return form_page(
        request,
        IndicatorForm(request.POST or None, instance=Indicator.objects.get(pk=indicator.pk)),
        lambda data: goals.save_indicator(indicator, by=request.user, **data),
        title=_("Edit the indicator"),
        back=(indicator.name, indicator.get_absolute_url()),
        done=lambda indicator: indicator.get_absolute_url(),
        saved=_("The indicator is saved."),
    )


def chart_for(indicator: Indicator, values: list[IndicatorValue]) -> trend_chart.Chart | None:
    floor = 0.0 if indicator.unit in units.NON_NEGATIVE else None
    return trend_chart.build(
        values=[(v.period_end, v.value) for v in values if v.value is not None],
        baseline=(indicator.baseline_date, indicator.baseline_value),
        target=(indicator.target_date, indicator.target_value),
        floor=floor,
        ceiling=100.0 if indicator.unit == units.Unit.PERCENT else None,
    )


def _quarters() -> list[periods.Quarter]:
    return goals.offered_quarters(timezone.localdate())


@login_required
def indicator_detail(request: HttpRequest, indicator_id: Any) -> HttpResponse:
    require_workspace(request)
    indicator = get_object_or_404(
        Indicator.objects.select_related("goal", "partner__organization"), pk=indicator_id
    )
    values = list(indicator.values.all())
    return render(
        request,
        "partnerships/indicator_detail.html",
        page_context(
            request,
            indicator=indicator,
            summary=indicator_summary(indicator),
            chart=chart_for(indicator, values),
            rows=[(v, value_text(indicator, v)) for v in values],
            value_form=ValueForm(),
            compute_form=ComputeForm(quarters=_quarters()) if indicator.measure else None,
        ),
    )


@login_required
def value_create(request: HttpRequest, indicator_id: Any) -> HttpResponse:
    require_manager(request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    return form_page(
        request,
        ValueForm(request.POST or None),
        lambda data: goals.record_value(indicator, by=request.user, **data),
        title=_("Enter a value of “%(name)s”") % {"name": indicator.name},
        back=(indicator.name, indicator.get_absolute_url()),
        done=lambda value: indicator.get_absolute_url(),
        saved=_("The value is saved."),
    )


@login_required
@require_POST
def value_compute(request: HttpRequest, indicator_id: Any) -> HttpResponse:
    require_manager(request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    form = ComputeForm(request.POST, quarters=_quarters())
    if not form.is_valid():
        messages.error(request, _("Choose one of the completed quarters offered."))
    else:
        try:
            goals.compute_value(indicator, by=request.user, quarter=form.cleaned_data["quarter"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The value is computed from the system's data."))
    return redirect(indicator)


@login_required
@require_POST
def value_remove(request: HttpRequest, indicator_id: Any, value_id: Any) -> HttpResponse:
    require_manager(request)
    value = get_object_or_404(IndicatorValue, pk=value_id, indicator_id=indicator_id)
    goals.remove_value(value, by=request.user)
    messages.success(request, _("The value is removed."))
    return redirect("partnerships:indicator_detail", indicator_id=indicator_id)
