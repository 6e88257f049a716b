"""Early-warning pages: the recent alarms, and one area's weekly series showing why it fired.

Open to the insights area (policy.can_see_insights). Analysts see counts under 11 as
"fewer than 11", as on the metrics page; only counts are read, so no audit entry is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from commonweal import policy
from commonweal.insights import alerts, early_warning
from commonweal.insights.deidentify import shown
from commonweal.referrals.metrics_views import count_text

CHART_WEEKS = 52
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 40, 10, 10, 30


def _allowed(request: HttpRequest) -> bool:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied
    scope = policy.metrics_scope(request.user)
    return bool(scope and scope.suppress_small_cells)


def _count(value: int, suppress: bool) -> str:
    return count_text(shown(value)) if suppress else str(value)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    suppress = _allowed(request)
    weeks = alerts.recent_weeks(timezone.localdate())
    rows = [
        {
            "alert": alert,
            "count": _count(alert.check.count, suppress),
            "expected": None if suppress else alert.check.expected,
        }
        for alert in alerts.scan(weeks=weeks)
    ]
    return render(
        request,
        "insights/alerts.html",
        {
            "rows": rows,
            "first_week": min(weeks),
            "last_week": max(weeks),
            "signals": alerts.SIGNALS.values(),
            "alpha": early_warning.ALPHA,
            "min_count": early_warning.MIN_COUNT,
            "suppress": suppress,
        },
    )


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    top_value: int
    counts: str
    lines: str
    alarms: list[tuple[float, float]]
    first: dt.date
    last: dt.date


def _chart(checks: list[early_warning.WeekCheck]) -> Chart:
    top_value = max([1, *(c.count for c in checks), *(c.threshold or 0 for c in checks)])
    span = max(len(checks) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * i / span, 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top_value, 1)

    counts = " ".join(f"{x(i)},{y(c.count)}" for i, c in enumerate(checks))
    lines = " ".join(f"{x(i)},{y(c.threshold)}" for i, c in enumerate(checks) if c.threshold)
    alarms = [(x(i), y(c.count)) for i, c in enumerate(checks) if c.alarm]
    return Chart(
        WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM, top_value,
        counts, lines, alarms, checks[0].week, checks[-1].week,
    )  # fmt: skip


@login_required
def detail(request: HttpRequest, signal: str, area: str) -> HttpResponse:
    suppress = _allowed(request)
    if signal not in alerts.SIGNALS or len(area) > 80:
        raise Http404
    last = alerts.last_completed_week(timezone.localdate())
    checks = alerts.series(alerts.SIGNALS[signal], area, last=last)[-CHART_WEEKS:]
    context: dict[str, Any] = {
        "signal": alerts.SIGNALS[signal],
        "area": area,
        "suppress": suppress,
        "alpha": early_warning.ALPHA,
        "min_count": early_warning.MIN_COUNT,
    }
    if checks and not suppress:
        context["chart"] = _chart(checks)
    context["weeks"] = [
        {
            "check": c,
            "count": _count(c.count, suppress),
            "expected": None if suppress else c.expected,
        }
        for c in reversed(checks)
    ]
    return render(request, "insights/alert_detail.html", context)
