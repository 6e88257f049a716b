"""The unmet-need page (/insights/unmet/) and its CSV downloads: thin over insights/unmet.py.

For `policy.can_see_insights` (coalition admins, analysts, superusers); one completed
quarter at a time (insights/periods.py), every figure de-identified for everyone. No person
data is read or shown, so the page writes no audit entry.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonweal import policy
from commonweal.directory.models import Organization
from commonweal.insights import periods, unmet
from commonweal.insights.deidentify import Suppressed
from commonweal.referrals.care_plans import need_label
from commonweal.referrals.metrics_views import (
    count_text,
    duration_text,
    figure_text,
    parse_quarter,
    quarter_text,
)
from commonweal.referrals.models import ReasonCode

TITLES = {
    "searches_by_category": gettext_lazy("Searches by category"),
    "searches_by_area": gettext_lazy("Searches by area"),
    "declined_by_partner": gettext_lazy("Declined referrals by partner and reason"),
    "waiting_by_partner": gettext_lazy("Waiting for a partner, by partner"),
    "needs_without_referral": gettext_lazy("Needs screened positive, with and without a referral"),
}
ROW_HEADINGS = {
    "category": gettext_lazy("Category"),
    "area": gettext_lazy("Area"),
    "partner": gettext_lazy("Partner"),
    "need": gettext_lazy("Need"),
}
COLUMNS = {
    "none": gettext_lazy("No results"),
    "few": gettext_lazy("1 or 2 results"),
    "enough": gettext_lazy("3 or more results"),
    "sent": gettext_lazy("Referrals sent"),
    "waiting": gettext_lazy("Waiting for a first answer at the end of the quarter"),
    "on_hold": gettext_lazy("On hold at the end of the quarter"),
    "put_on_hold": gettext_lazy("Put on hold during the quarter"),
    "answered": gettext_lazy("Sent in the quarter and answered"),
    "median_to_answer": gettext_lazy("Median time to first answer"),
    "p90_to_answer": gettext_lazy("90th percentile time to first answer"),
    "referred": gettext_lazy("Referral made within 30 days"),
    "not_referred": gettext_lazy("No referral made"),
}
TOTAL_COLUMNS = {
    "searches_by_category": gettext_lazy("Searches"),
    "searches_by_area": gettext_lazy("Searches"),
    "needs_without_referral": gettext_lazy("Screened positive"),
}
DURATIONS = ("median_to_answer", "p90_to_answer")


def column_label(table: unmet.Table, column: str) -> str:
    if column == "total":
        return str(TOTAL_COLUMNS.get(table.name, _("Total")))
    if column in ReasonCode.values:
        return _("Declined: %(reason)s") % {"reason": ReasonCode(column).label}
    return str(COLUMNS.get(column, column))


def row_labels(report: unmet.Report) -> dict[tuple[str, str], str]:
    """(kind, key) → the words a reader sees for every row of the report."""
    from commonweal.directory.search import categories

    ids = {line.key for t in report.tables if t.kind == "partner" for line in t.lines if line.key}
    names = {
        str(pk): name
        for pk, name in Organization.objects.filter(pk__in=ids).values_list("pk", "name")
    }
    by_code = categories.tree().by_code
    labels: dict[tuple[str, str], str] = {}
    for table in report.tables:
        for line in table.lines:
            labels[(table.kind, line.key)] = _label(table.kind, line, names, by_code)
    return labels


def _label(kind: str, line: unmet.Line, names: dict[str, str], by_code: dict) -> str:
    if line.pooled:
        return {
            "category": _("Other categories (pooled)"),
            "area": _("Other areas (pooled)"),
            "partner": _("Other partners (pooled)"),
            "need": _("Other needs (pooled)"),
        }[kind]
    if kind == "category":
        if line.key == "-":
            return _("No category recognised")
        terms = by_code.get(line.key)
        return terms[0].name if terms else line.key
    if kind == "area":
        return _("No place given") if line.key == "-" else line.key
    if kind == "partner":
        return names.get(line.key, _("A partner no longer listed"))
    return need_label(line.key)


def value_text(column: str, value: unmet.Figure) -> str:
    if column in DURATIONS:
        return duration_text(value)  # type: ignore[arg-type]
    if isinstance(value, Suppressed):
        return figure_text(value) or ""
    if value is None:
        return "—"
    return count_text(value)  # type: ignore[arg-type]


CHARTED = ("searches_by_category", "searches_by_area")
CHART_WIDTH = 240  # viewBox units: 12-unit text reads at 12 px on a 320 px phone
BAR_WIDTH = 170  # the rest holds the share as text
ROW_HEIGHT = 40


def _chart(table: unmet.Table, labels: dict[tuple[str, str], str]) -> dict[str, Any] | None:
    """Bars of the share of searches that found little (no result or fewer than FEW), for
    the rows whose counts are all shown; the table beside it is the full alternative."""
    if table.name not in CHARTED:
        return None
    bars = []
    for line in table.lines:
        none, few, total = (line.values.get(c) for c in ("none", "few", "total"))
        if not all(isinstance(v, int) for v in (none, few, total)) or not total:
            continue
        share = (none + few) / total  # type: ignore[operator]
        y = len(bars) * ROW_HEIGHT
        bars.append(
            {
                "label": labels[(table.kind, line.key)],
                "share": f"{share:.0%}",
                "width": round(share * BAR_WIDTH, 1),
                "text_y": y + 14,
                "bar_y": y + 20,
                "value_x": round(share * BAR_WIDTH, 1) + 6,
                "value_y": y + 32,
            }
        )
    if not bars:
        return None
    height = len(bars) * ROW_HEIGHT
    # Drawn 1.25× on wider screens; site.css shrinks an svg to fit a narrow one.
    return {
        "bars": bars,
        "height": height,
        "width": CHART_WIDTH,
        "shown_width": CHART_WIDTH * 5 // 4,
        "shown_height": height * 5 // 4,
    }


def present(report: unmet.Report) -> list[dict[str, Any]]:
    labels = row_labels(report)
    shown = []
    for table in report.tables:
        columns = [(c, column_label(table, c)) for c in table.columns]
        shown.append(
            {
                "name": table.name,
                "title": TITLES[table.name],
                "chart": _chart(table, labels),
                "row_heading": ROW_HEADINGS[table.kind],
                "columns": [label for _c, label in columns],
                "lines": [
                    {
                        "label": labels[(table.kind, line.key)],
                        "cells": [value_text(c, line.values.get(c)) for c, _l in columns],
                    }
                    for line in table.lines
                ],
                "total": (
                    {
                        "label": _("All"),
                        "cells": [value_text(c, table.total.values.get(c)) for c, _l in columns],
                    }
                    if table.total is not None
                    else None
                ),
            }
        )
    return shown


def _quarter_or_errors(request: HttpRequest) -> tuple[periods.Quarter | None, list[str]]:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied
    return parse_quarter(request.GET)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    quarter, errors = _quarter_or_errors(request)
    context: dict[str, Any] = {
        "errors": errors,
        "small_cell": unmet.SMALL_CELL,
        "few": unmet.FEW,
        "window_days": unmet.REFERRAL_WINDOW.days,
        "quarters": [
            (q.label, quarter_text(q)) for q in periods.completed_quarters(timezone.localdate())
        ],
        "quarter": quarter.label if quarter else "",
    }
    if quarter is not None:
        report = unmet.report(quarter)
        context.update(
            quarter_name=quarter_text(quarter),
            tables=present(report),
            removed_declined=count_text(report.removed_declined),
            start=quarter.start,
            end=quarter.end,
        )
    return render(request, "insights/unmet.html", context, status=400 if errors else 200)


def _csv_value(column: str, value: unmet.Figure) -> str:
    """A number a spreadsheet reads (durations in hours), or why it is hidden."""
    if isinstance(value, Suppressed):
        return figure_text(value) or ""
    if value is None:
        return ""
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds() / 3600:.1f}"
    return str(value)


@login_required
def table_csv(request: HttpRequest, name: str) -> HttpResponse:
    if name not in TITLES:
        raise Http404
    quarter, errors = _quarter_or_errors(request)
    if quarter is None:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    report = unmet.report(quarter)
    table = report.table(name)
    labels = row_labels(report)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="unmet-{name}-{quarter.label}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            str(ROW_HEADINGS[table.kind]),
            *(
                column_label(table, c) + (_(" (hours)") if c in DURATIONS else "")
                for c in table.columns
            ),
        ]
    )
    lines = [(labels[(table.kind, line.key)], line) for line in table.lines]
    if table.total is not None:
        lines.append((_("All"), table.total))
    for label, line in lines:
        writer.writerow([_safe(label), *(_csv_value(c, line.values.get(c)) for c in table.columns)])
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
