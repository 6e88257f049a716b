"""The outcomes page (/insights/outcomes/) and its CSV: thin over outcomes_report.py.

For `policy.can_see_insights` (coalition admins, analysts, superusers). One completed
quarter at a time (insights/periods.py), optionally one instrument and one partner. Every
figure is de-identified for everyone here; hidden figures read as words. No person data is
read or shown, so the page writes no audit entry.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.insights import outcomes_report, periods
from commonweal.insights.deidentify import THRESHOLD, Suppressed
from commonweal.insights.outcomes_funnel import STAGES
from commonweal.referrals import metrics_views

CHART_WIDTH = 320  # the SVG's own units
# Drawn 1.5 times its units (10-unit text reads at 15 px); site.css caps an SVG at the
# column's width, so on a phone it shrinks with its aspect ratio kept.
DISPLAY_SCALE = 1.5


def parse(query: Any) -> tuple[dict[str, Any], list[str]]:
    """The quarter, instrument and partner asked for, and what is wrong with them."""
    quarter, errors = metrics_views.parse_quarter(query)
    instrument = (query.get("instrument") or "").strip()
    codes = [m.instrument for m in outcomes_report.measures()]
    if instrument and instrument not in codes:
        errors.append(_("Instrument: choose one of the instruments in the list."))
        instrument = ""
    raw_partner = (query.get("partner") or "").strip()
    partner: uuid.UUID | None = None
    if raw_partner:
        try:
            partner = uuid.UUID(raw_partner)
        except ValueError:
            partner = None
        if partner is None or partner not in dict(outcomes_report.partners()):
            errors.append(_("Partner: choose one of the partners in the list."))
            partner = None
    return {"quarter": quarter, "instrument": instrument or None, "partner": partner}, errors


def text(value: Any, digits: int = 1) -> str:
    """A figure as shown: a count, a number with `digits` decimals, a reason, or a dash."""
    if isinstance(value, Suppressed):
        return metrics_views.figure_text(value) or ""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def _change_row(row: outcomes_report.ChangeRow, fallback: str) -> dict[str, Any]:
    interval = "—"
    if isinstance(row.ci_low, Suppressed):
        interval = text(row.ci_low)
    elif row.ci_low is not None and row.ci_high is not None:
        interval = _("%(low)s to %(high)s") % {
            "low": f"{row.ci_low:.1f}",
            "high": f"{row.ci_high:.1f}",
        }
    return {
        "name": row.name or fallback,
        "n": text(row.n),
        "baseline": text(row.mean_baseline),
        "follow_up": text(row.mean_follow_up),
        "change": text(row.mean_change),
        "interval": interval,
        "improved": text(row.improved),
        "unchanged": text(row.unchanged),
        "deteriorated": text(row.deteriorated),
        "eligible": text(row.eligible),
        "responded": text(row.responded),
        "remitted": text(row.remitted),
        "raw": row,
    }


def _chart(rows: list[outcomes_report.ChangeRow]) -> dict[str, Any] | None:
    """Dot-and-whisker geometry: one line per row whose mean and interval are shown."""
    drawn = [
        r
        for r in rows
        if isinstance(r.mean_change, float)
        and isinstance(r.ci_low, float)
        and isinstance(r.ci_high, float)
    ]
    if not drawn:
        return None
    reach = max(max(abs(r.ci_low), abs(r.ci_high)) for r in drawn) or 1.0  # type: ignore[arg-type]
    left, right = 110, CHART_WIDTH - 10

    def x(value: float) -> float:
        return round(left + (value + reach) / (2 * reach) * (right - left), 1)

    lines = [
        {
            "label": _short(r.name or _("All partners")),
            "y": 20 + 24 * i,
            "low": x(r.ci_low),  # type: ignore[arg-type]
            "high": x(r.ci_high),  # type: ignore[arg-type]
            "mean": x(r.mean_change),  # type: ignore[arg-type]
        }
        for i, r in enumerate(drawn)
    ]
    height = 40 + 24 * len(lines)
    return {
        "lines": lines,
        "height": height,
        "display_width": round(CHART_WIDTH * DISPLAY_SCALE),
        "display_height": round(height * DISPLAY_SCALE),
        "zero": x(0.0),
        "left": left,
        "right": right,
        "low_label": f"{-reach:.1f}",
        "high_label": f"{reach:.1f}",
    }


def _short(name: str, room: int = 18) -> str:
    """A label that fits left of the chart; the table beside it has the full name."""
    return name if len(name) <= room else name[: room - 1].rstrip() + "…"


def _funnel_bars(row: outcomes_report.FunnelRow) -> list[dict[str, Any]]:
    top = row.stages.get("screened")
    bars = []
    for i, stage in enumerate(STAGES):
        value = row.stages.get(stage)
        width = 0.0
        if isinstance(value, int) and isinstance(top, int) and top:
            width = round(value / top * (CHART_WIDTH - 130), 1)
        bars.append({"stage": stage, "y": 10 + 26 * i, "width": width, "text": text(value)})
    return bars


def stage_labels() -> dict[str, str]:
    return {
        "screened": _("Screened"),
        "positive": _("Screened positive"),
        "referred": _("Referred"),
        "accepted": _("Accepted"),
        "served": _("Served"),
    }


def present(report: outcomes_report.Report) -> dict[str, Any]:
    everyone = _("All partners")
    changes = []
    for change in report.changes:
        measure = change.measure
        rc = measure.reliable_change
        changes.append(
            {
                "code": measure.instrument,
                "name": change.name,
                "higher_is_better": measure.higher_is_better,
                "threshold": f"{rc.threshold:.1f}" if rc else None,
                "source": rc.source if rc else "",
                "phq9": measure.response_remission,
                "overall": _change_row(change.overall, everyone),
                "partners": [_change_row(r, _("Other or unrecorded")) for r in change.partners],
                "programmes": [_change_row(r, "") for r in change.programmes],
                "chart": _chart([change.overall, *change.partners]),
            }
        )
    funnel = report.funnel
    labels = stage_labels()

    def stages(row: outcomes_report.FunnelRow, fallback: str) -> dict[str, Any]:
        return {
            "name": row.name or fallback,
            "cells": [text(row.stages.get(s)) for s in STAGES],
        }

    return {
        "changes": changes,
        "funnel_overall": stages(funnel.overall, everyone),
        "funnel_partners": [stages(r, _("Other or unrecorded")) for r in funnel.partners],
        "funnel_programmes": [stages(r, "") for r in funnel.programmes],
        "funnel_bars": _funnel_bars(funnel.overall),
        "stage_labels": [labels[s] for s in STAGES],
        "loop": [_loop_row(r) for r in report.loop.rows],
        "loop_overall": _loop_row(report.loop.overall),
    }


def _loop_row(row: Any) -> dict[str, Any]:
    return {
        "name": row.name or (_("Other partners (pooled)") if row.pooled else _("All partners")),
        "sent": metrics_views.count_text(row.sent),
        "closed": metrics_views.count_text(row.closed),
        "closed_share": _share(row.closed_share),
        "served": metrics_views.count_text(row.served),
        "to_complete": metrics_views.duration_text(row.median_to_complete),
    }


def _share(value: float | Suppressed | None) -> str:
    if isinstance(value, Suppressed):
        return metrics_views.figure_text(value) or ""
    return "—" if value is None else f"{value:.0%}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied
    chosen, errors = parse(request.GET)
    quarter = chosen["quarter"]
    context: dict[str, Any] = {
        "errors": errors,
        "small_cell": THRESHOLD,
        "quarters": [
            (q.label, metrics_views.quarter_text(q))
            for q in periods.completed_quarters(timezone.localdate())
        ],
        "quarter": quarter.label if quarter else "",
        "quarter_name": metrics_views.quarter_text(quarter) if quarter else "",
        "instruments": [
            (m.instrument, outcomes_report.instrument_name(m.instrument))
            for m in outcomes_report.measures()
        ],
        "instrument": chosen["instrument"] or "",
        "partners": outcomes_report.partners(),
        "partner": str(chosen["partner"] or ""),
        "chart_width": CHART_WIDTH,
        "display_width": round(CHART_WIDTH * DISPLAY_SCALE),
    }
    if errors or quarter is None:
        return render(request, "insights/outcome_index.html", context, status=400)
    report = outcomes_report.build(
        quarter=quarter, instrument=chosen["instrument"], partner=chosen["partner"]
    )
    presented = present(report)
    if request.GET.get("format") == "csv":
        return _csv(presented, quarter)
    context.update(presented)
    return render(request, "insights/outcome_index.html", context)


def _safe(value: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; partner names are
    # typed by people, so such a cell is quoted. A negative number stays a number.
    if value[:1] in ("=", "+", "@") or (value[:1] == "-" and not _number(value)):
        return "'" + value
    return value


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _csv(presented: dict[str, Any], quarter: periods.Quarter) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "section",
            "instrument",
            "group",
            "name",
            "n",
            "mean_baseline",
            "mean_follow_up",
            "mean_change",
            "ci_95",
            "improved",
            "no_reliable_change",
            "deteriorated",
            "phq9_eligible",
            "phq9_responded",
            "phq9_remitted",
        ]
    )
    for change in presented["changes"]:
        groups = [("overall", [change["overall"]]), ("partner", change["partners"])]
        groups.append(("programme", change["programmes"]))
        for group, rows in groups:
            for row in rows:
                writer.writerow(
                    [_safe(v) for v in ["change", change["code"], group, row["name"]]]
                    + [
                        row[k]
                        for k in (
                            "n",
                            "baseline",
                            "follow_up",
                            "change",
                            "interval",
                            "improved",
                            "unchanged",
                            "deteriorated",
                            "eligible",
                            "responded",
                            "remitted",
                        )
                    ]
                )
    writer.writerow([])
    writer.writerow(["section", "group", "name", *STAGES])
    funnel_rows = [("overall", [presented["funnel_overall"]])]
    funnel_rows += [("partner", presented["funnel_partners"])]
    funnel_rows += [("programme", presented["funnel_programmes"])]
    for group, rows in funnel_rows:
        for row in rows:
            writer.writerow(["funnel", group, _safe(row["name"]), *row["cells"]])
    writer.writerow([])
    writer.writerow(
        ["section", "name", "sent", "closed", "closed_share", "served", "median_to_complete"]
    )
    for row in [*presented["loop"], presented["loop_overall"]]:
        writer.writerow(
            [
                "loop_closure",
                _safe(row["name"]),
                row["sent"],
                row["closed"],
                row["closed_share"],
                row["served"],
                row["to_complete"],
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outcomes-{quarter.label}.csv"'
    return response
