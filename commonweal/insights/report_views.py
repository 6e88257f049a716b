"""The partnership report pages: the quarter's report as HTML and PDF, and its stories.

Open to the insights area (policy.can_see_insights); stories are added and removed by
coalition admins (policy.can_edit_report_stories). The figures are de-identified for
everyone (insights/report.py), so the page writes no audit entry.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.insights import (
    outcome_views,
    participation_views,
    periods,
    report,
    report_pdf,
    unmet_views,
)
from commonweal.insights.models import ReportStory
from commonweal.insights.report_forms import StoryForm
from commonweal.partnerships import goal_views
from commonweal.referrals import metrics
from commonweal.referrals.metrics_views import parse_quarter, present_row, quarter_text

logger = logging.getLogger(__name__)


def _check(request: HttpRequest) -> None:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied


def _context(request: HttpRequest) -> tuple[dict[str, Any], periods.Quarter | None]:
    quarter, errors = parse_quarter(request.GET)
    context: dict[str, Any] = {
        "quarters": [
            (q.label, quarter_text(q)) for q in periods.completed_quarters(timezone.localdate())
        ],
        "quarter": quarter,
        "quarter_name": quarter_text(quarter) if quarter else "",
        "errors": errors,
    }
    if quarter is not None:
        built = report.build(quarter)
        context.update(
            report=built,
            overall=present_row(built.loop_closure.overall),
            partners=[present_row(row) for row in built.loop_closure.rows],
            small_cell=metrics.SMALL_CELL,
            chart_width=outcome_views.CHART_WIDTH,
            display_width=round(outcome_views.CHART_WIDTH * outcome_views.DISPLAY_SCALE),
            unmet_tables=unmet_views.present(built.unmet),
            participation=participation_views.present_total(built.participation),
            goals=[
                {
                    "goal": goal,
                    "summaries": [goal_views.indicator_summary(i) for i in goal.indicators.all()],
                }
                for goal in built.goals
            ],
            **outcome_views.present(built.outcomes),
        )
    return context, quarter


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    _check(request)
    context, quarter = _context(request)
    can_edit = policy.can_edit_report_stories(request.user)
    context["can_edit"] = can_edit
    if can_edit and quarter is not None:
        context["story_form"] = StoryForm()
    return render(
        request, "insights/report.html", context, status=400 if context["errors"] else 200
    )


@login_required
def report_download(request: HttpRequest) -> HttpResponse:
    _check(request)
    context, quarter = _context(request)
    if quarter is None:
        return render(request, "insights/report.html", context, status=400)
    html = render_to_string("insights/report_pdf.html", context, request=request)
    stylesheet = finders.find("css/report.css")
    try:
        pdf = report_pdf.render(html, stylesheet=stylesheet)
    except report_pdf.PdfUnavailable:
        logger.warning("PDF report requested but WeasyPrint cannot run here (no Pango?)")
        context["pdf_unavailable"] = True
        return render(request, "insights/report.html", context, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="partnership-report-{quarter.label}.pdf"'
    )
    return response


@login_required
@require_POST
def story_add(request: HttpRequest) -> HttpResponse:
    if not policy.can_edit_report_stories(request.user):
        raise PermissionDenied
    quarter, errors = parse_quarter(request.POST)
    form = StoryForm(request.POST)
    if quarter is None or not form.is_valid():
        context, _quarter = _context(request)
        context.update(can_edit=True, story_form=form, errors=errors or context["errors"])
        return render(request, "insights/report.html", context, status=400)
    story = form.save(commit=False)
    story.quarter = quarter.label
    story.created_by = request.user
    story.save()
    messages.success(request, _("The story was added to the report."))
    return redirect(f"{reverse('insights:report')}?quarter={quarter.label}#stories")


@login_required
@require_POST
def story_delete(request: HttpRequest, story_id: int) -> HttpResponse:
    if not policy.can_edit_report_stories(request.user):
        raise PermissionDenied
    story = get_object_or_404(ReportStory, pk=story_id)
    quarter = story.quarter
    story.delete()
    messages.success(request, _("The story was removed from the report."))
    return redirect(f"{reverse('insights:report')}?quarter={quarter}#stories")
