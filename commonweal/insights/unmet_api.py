"""The unmet need part of the JSON API (/api/v1/insights/unmet/): the page's tables as JSON.

Each figure is `{"value": number or null, "suppressed": bool, "reason": ...}`: a hidden
figure has `value` null, `suppressed` true and the reason ("primary": a count from 1 to
10; "complementary": hidden so a small count cannot be worked out; "derived": a median
or percentile over too few). `value` null with `suppressed` false means "nothing to
compute" (a median over no referral). Durations are in hours.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.insights import periods, unmet
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.unmet_views import DURATIONS, TITLES, column_label, row_labels

router = Router(tags=["insights"], auth=api_auth)


class UnmetMessage(Schema):
    detail: str


class FigureOut(Schema):
    value: float | None
    suppressed: bool
    reason: str | None


class ColumnOut(Schema):
    key: str
    label: str
    unit: str  # "count" or "hours"


class LineOut(Schema):
    key: str  # a taxonomy code, ZIP or place, partner id, need code; "" pooled; "-" none
    label: str
    pooled: bool
    figures: dict[str, FigureOut]


class TableOut(Schema):
    name: str
    title: str
    row_kind: str  # "category", "area", "partner" or "need"
    columns: list[ColumnOut]
    rows: list[LineOut]
    total: LineOut | None


class UnmetOut(Schema):
    quarter: str
    start: dt.date
    end: dt.date
    threshold: int
    tables: list[TableOut]
    removed_declined: FigureOut


def _figure(value: unmet.Figure) -> dict:
    if isinstance(value, Suppressed):
        return {"value": None, "suppressed": True, "reason": value.value}
    if isinstance(value, dt.timedelta):
        return {
            "value": round(value.total_seconds() / 3600, 2),
            "suppressed": False,
            "reason": None,
        }
    return {"value": value, "suppressed": False, "reason": None}


def _line(table: unmet.Table, line: unmet.Line, label: str) -> dict:
    return {
        "key": line.key,
        "label": label,
        "pooled": line.pooled,
        "figures": {c: _figure(line.values.get(c)) for c in table.columns},
    }


@router.get(
    "",
    response={200: UnmetOut, 400: UnmetMessage, 403: UnmetMessage},
    summary="Unmet need for one completed quarter",
)
def unmet_need(
    request: HttpRequest,
    quarter: str = Query(
        "", description='A completed quarter, "2026-Q1" (default: the latest completed).'
    ),
) -> Status:
    """Searches that found little, declined referrals, waiting, and positive screens with no
    referral: coalition admins, analysts and superusers; every figure de-identified."""
    if not policy.can_see_insights(request.auth):
        return Status(403, {"detail": "the insights area is for coalition admins and analysts"})
    chosen = periods.parse_quarter(quarter, timezone.localdate())
    if chosen is None:
        offered = ", ".join(q.label for q in periods.completed_quarters(timezone.localdate())[:4])
        return Status(
            400, {"detail": f"quarter: choose a completed quarter such as {offered} (YYYY-Qn)"}
        )
    report = unmet.report(chosen)
    labels = row_labels(report)
    tables = [
        {
            "name": table.name,
            "title": str(TITLES[table.name]),
            "row_kind": table.kind,
            "columns": [
                {
                    "key": c,
                    "label": column_label(table, c),
                    "unit": "hours" if c in DURATIONS else "count",
                }
                for c in table.columns
            ],
            "rows": [_line(table, line, labels[(table.kind, line.key)]) for line in table.lines],
            "total": _line(table, table.total, _("All")) if table.total is not None else None,
        }
        for table in report.tables
    ]
    return Status(
        200,
        {
            "quarter": chosen.label,
            "start": chosen.start,
            "end": chosen.end,
            "threshold": unmet.SMALL_CELL,
            "tables": tables,
            "removed_declined": _figure(report.removed_declined),
        },
    )
