"""The loop-closure metrics page (/referrals/metrics/): thin over referrals/metrics.py.

Coalition admins and analysts see every partner (analysts through the de-identification
layer: a hidden count reads "fewer than 11", "hidden" or, for shares and medians, "not shown");
navigators and partner staff see only referrals their own organisation sent or received;
anyone else is refused. Analysts choose one completed calendar quarter, never a free date
range (see insights/periods.py). No person data is read or shown, so the page writes no
audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonweal import policy
from commonweal.insights import periods
from commonweal.insights.deidentify import Cell, Suppressed
from commonweal.referrals import metrics
from commonweal.referrals.models import ReasonCode

DEFAULT_DAYS = 90
MAX_DAYS = 5 * 366


def _date(raw: str | None, default: dt.date, label: str, errors: list[str]) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(_("%(field)s: enter a date like 2026-01-31.") % {"field": label})
        return default


def parse_range(query: Any) -> tuple[dt.date, dt.date, list[str]]:
    """The date range from ?start=&end= (the last 90 days by default) and what is wrong."""
    today = timezone.localdate()
    errors: list[str] = []
    end = _date(query.get("end"), today, _("To"), errors)
    try:
        default_start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:
        # An end in the first days of year 1 has no 90 days before it.
        default_start = dt.date.min
    start = _date(query.get("start"), default_start, _("From"), errors)
    if not errors and start > end:
        errors.append(_("The start date must be on or before the end date."))
    if not errors and (end - start).days > MAX_DAYS:
        errors.append(_("Choose a range of at most five years."))
    return start, end, errors


def figure_text(value: Cell | float | dt.timedelta | None) -> str | None:
    """Why a figure is hidden, in words a screen reader reads sensibly; None if it is shown."""
    if value is Suppressed.PRIMARY:
        return _("fewer than %(n)s") % {"n": metrics.SMALL_CELL}
    if value is Suppressed.COMPLEMENTARY:
        return _("hidden")
    if value is Suppressed.DERIVED:
        return _("not shown")
    return None


def count_text(value: Cell) -> str:
    return figure_text(value) or str(value)


def duration_text(value: dt.timedelta | Suppressed | None) -> str:
    """A median duration in words: hours under two days, else days with one decimal."""
    if isinstance(value, Suppressed):
        return figure_text(value) or ""
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 48:
        whole = round(hours)
        return ngettext("%(n)d hour", "%(n)d hours", whole) % {"n": whole}
    return _("%(n)s days") % {"n": f"{hours / 24:.1f}"}


def _share(value: float | Suppressed | None) -> str:
    if isinstance(value, Suppressed):
        return figure_text(value) or ""
    return "—" if value is None else f"{value:.0%}"


def present_row(row: metrics.Figures) -> dict[str, Any]:
    return {
        "name": row.name or (_("Other partners (pooled)") if row.pooled else _("All partners")),
        "sent": count_text(row.sent),
        "closed": count_text(row.closed),
        "open": count_text(row.open),
        "served": count_text(row.served),
        "closed_share": _share(row.closed_share),
        "served_share": _share(row.served_share),
        "to_accept": duration_text(row.median_to_accept),
        "to_complete": duration_text(row.median_to_complete),
        "reasons": [
            (
                str(ReasonCode(reason).label) if reason in ReasonCode.values else reason,
                count_text(n),
            )
            for reason, n in sorted(row.decline_reasons.items())
        ],
    }


def parse_quarter(query: Any) -> tuple[periods.Quarter | None, list[str]]:
    """The completed quarter from ?quarter= (the latest by default) and what is wrong."""
    quarter = periods.parse_quarter(query.get("quarter"), timezone.localdate())
    if quarter is None:
        return None, [_("Choose one of the completed quarters in the list.")]
    return quarter, []


def quarter_text(quarter: periods.Quarter) -> str:
    return _("Quarter %(number)s of %(year)s") % {"number": quarter.number, "year": quarter.year}


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    scope = policy.metrics_scope(request.user)
    if scope is None:
        raise PermissionDenied
    context: dict[str, Any] = {"scope": scope, "small_cell": metrics.SMALL_CELL}
    if scope.suppress_small_cells:
        # Fixed, non-overlapping periods: two overlapping ranges would give away by
        # difference what each report hides (insights/periods.py).
        quarter, errors = parse_quarter(request.GET)
        context["quarters"] = [
            (q.label, quarter_text(q)) for q in periods.completed_quarters(timezone.localdate())
        ]
        context["quarter"] = quarter.label if quarter else ""
        start, end = (quarter.start, quarter.end) if quarter else (None, None)
    else:
        start, end, errors = parse_range(request.GET)
    context.update(start=start, end=end, errors=errors)
    if not errors and start is not None and end is not None:
        report = metrics.loop_closure(start=start, end=end, scope=scope)
        context["rows"] = [present_row(row) for row in report.rows]
        context["overall"] = present_row(report.overall)
    return render(
        request,
        "referrals/referral/metrics.html",
        context,
        status=400 if errors else 200,
    )
