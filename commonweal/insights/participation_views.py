"""The participation page (/insights/participation/) and its CSV downloads.

Thin over insights/participation.py (the tables) and participation_data.py (the facts). For
`policy.can_see_insights` (coalition admins, analysts, superusers); completed quarters only,
each de-identified on its own and in full before a filter picks rows from it, so a filter
never publishes a figure the unfiltered page would hide. No person's record is shown, so no
audit entry is written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.directory.models import Organization
from commonweal.insights import participation, participation_data, periods
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.unmet_views import _safe  # the one CSV-injection guard
from commonweal.programs.models import Kind, Programme
from commonweal.referrals.metrics_views import figure_text, quarter_text

# At most two years on one page: each quarter is a report of its own.
MOST_QUARTERS = 8

TITLES = {
    "programme": gettext_lazy("By programme"),
    "organization": gettext_lazy("By organisation"),
    "kind": gettext_lazy("By kind of programme"),
    "language": gettext_lazy("By language of sign-up"),
}
ROW_HEADINGS = {
    "programme": gettext_lazy("Programme"),
    "organization": gettext_lazy("Organisation"),
    "kind": gettext_lazy("Kind"),
    "language": gettext_lazy("Language"),
}
POOLED = {
    "programme": gettext_lazy("Other programmes (pooled)"),
    "organization": gettext_lazy("Other organisations (pooled)"),
    "kind": gettext_lazy("Other kinds (pooled)"),
    "language": gettext_lazy("Other languages (pooled)"),
}
COLUMNS = {
    "meetings": gettext_lazy("Meetings held"),
    "signups": gettext_lazy("Sign-ups"),
    "places": gettext_lazy("Places held"),
    "waitlisted": gettext_lazy("Still on the waiting list"),
    "cancelled": gettext_lazy("Cancelled"),
    "attended": gettext_lazy("Attended"),
    "no_show": gettext_lazy("Did not come"),
    "attendance_rate": gettext_lazy("Attendance rate"),
    "participants": gettext_lazy("Different people who attended"),
}
CAMPAIGN_COLUMNS = {
    "attended": gettext_lazy("People at its events"),
    "signed_up": gettext_lazy("Signed up for its events"),
    "workshop": gettext_lazy("People at its workshops"),
    "outreach": gettext_lazy("People met in outreach"),
    "materials": gettext_lazy("Materials handed out"),
    "media": gettext_lazy("Media audience (as outlets report it)"),
    "visits": gettext_lazy("Visits to its education pages"),
}


@dataclass(frozen=True)
class Choice:
    start: periods.Quarter
    end: periods.Quarter
    organization: str
    kind: str

    @property
    def quarters(self) -> list[periods.Quarter]:
        found, quarter = [], self.start
        while quarter <= self.end:
            found.append(quarter)
            quarter = quarter.next()
        return found


def organizations() -> list[tuple[str, str]]:
    """The organisations that run a programme: (id, name), by name."""
    ids = Programme.objects.values("organization_id")
    return [
        (str(pk), name)
        for pk, name in Organization.objects.filter(pk__in=ids)
        .order_by("name")
        .values_list("pk", "name")
    ]


def parse(query: Any) -> tuple[Choice | None, list[str]]:
    """The quarters (from, to), organisation and kind asked for, and what is wrong."""
    today = timezone.localdate()
    offered = periods.completed_quarters(today)
    errors: list[str] = []
    start = periods.parse_quarter(query.get("from"), today)
    end = periods.parse_quarter(query.get("to"), today)
    if start is None or end is None:
        errors.append(_("Quarters: choose completed quarters from the lists."))
    elif start > end:
        errors.append(_("Quarters: the first quarter must not come after the last."))
    elif offered.index(start) - offered.index(end) >= MOST_QUARTERS:
        errors.append(
            _("Quarters: choose at most %(n)s quarters at a time.") % {"n": MOST_QUARTERS}
        )
    organization = (query.get("organization") or "").strip()
    if organization and organization not in dict(organizations()):
        errors.append(_("Organisation: choose one of the organisations in the list."))
    kind = (query.get("kind") or "").strip()
    if kind and kind not in Kind.values:
        errors.append(_("Kind: choose one of the kinds in the list."))
    if errors or start is None or end is None:
        return None, errors
    return Choice(start=start, end=end, organization=organization, kind=kind), []


def picked(table: participation.Table, choice: Choice) -> list[participation.Line]:
    """The rows the filters keep: a programme of the organisation and kind, the organisation's
    row, the kind's row. The language table is kept whole (a sign-up's language is not a
    programme's), and so are tables the filter does not apply to."""
    lines = list(table.lines)
    if table.name == "programme":
        if choice.organization:
            lines = [line for line in lines if line.organization == choice.organization]
        if choice.kind:
            lines = [line for line in lines if line.kind == choice.kind]
    elif table.name == "organization" and choice.organization:
        lines = [line for line in lines if line.key == choice.organization]
    elif table.name == "kind" and choice.kind:
        lines = [line for line in lines if line.key == choice.kind]
    return lines


def labels(reports: list[participation.Report]) -> dict[tuple[str, str], str]:
    """(table, key) → the words a reader sees for every row (two queries in all)."""
    keys: dict[str, set[str]] = {name: set() for name in participation.TABLES}
    for report in reports:
        for table in report.tables:
            keys[table.name] |= {line.key for line in table.lines if not line.pooled}
    names = {
        ("programme", str(pk)): name
        for pk, name in Programme.objects.filter(pk__in=keys["programme"]).values_list("pk", "name")
    }
    names.update(
        {
            ("organization", str(pk)): name
            for pk, name in Organization.objects.filter(pk__in=keys["organization"]).values_list(
                "pk", "name"
            )
        }
    )
    kinds = dict(Kind.choices)
    for key in keys["kind"]:
        names[("kind", key)] = str(kinds.get(key, key))
    for key in keys["language"]:
        names[("language", key)] = _language(key)
    return names


def _language(code: str) -> str:
    if code == participation.NO_LANGUAGE:
        return _("Not given")
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def line_label(table: str, line: participation.Line, names: dict[tuple[str, str], str]) -> str:
    if line.pooled:
        return str(POOLED[table])
    return names.get((table, line.key), _("No longer listed"))


def value_text(column: str, value: participation.Figure) -> str:
    if isinstance(value, Suppressed):
        return figure_text(value) or ""
    if value is None:
        return "—"
    if column == "attendance_rate":
        return f"{value:.0%}"
    return str(value)


def csv_value(column: str, value: participation.Figure) -> str:
    """A number a spreadsheet reads (the rate as a percentage), or why it is hidden."""
    if isinstance(value, Suppressed):
        return figure_text(value) or ""
    if value is None:
        return ""
    if column == "attendance_rate":
        return f"{100 * value:.1f}"
    return str(value)


REPORTED = ("meetings", "signups", "attended", "attendance_rate")  # the partnership report's


def present_total(total: participation.Line) -> list[tuple[str, str]]:
    """The partnership report's participation line: (label, figure) for every programme."""
    return [(str(COLUMNS[c]), value_text(c, total.values[c])) for c in REPORTED]


def reports(choice: Choice) -> list[participation.Report]:
    return participation_data.reports(choice.quarters)


def present(choice: Choice) -> list[dict[str, Any]]:
    """Per quarter, newest first: its four tables (rows the filters keep) and its campaigns."""
    found = reports(choice)
    names = labels(found)
    shown = []
    for report in reversed(found):
        tables = []
        for table in report.tables:
            lines = picked(table, choice)
            tables.append(
                {
                    "name": table.name,
                    "id": f"{table.name}-{report.quarter.label}",
                    "title": TITLES[table.name],
                    "row_heading": ROW_HEADINGS[table.name],
                    "lines": [
                        {
                            "label": line_label(table.name, line, names),
                            "cells": [value_text(c, line.values[c]) for c in COLUMNS],
                        }
                        for line in lines
                    ],
                    "total": {
                        "label": _("All programmes"),
                        "cells": [value_text(c, table.total.values[c]) for c in COLUMNS],
                    },
                }
            )
        campaigns = [
            {
                "name": line.name,
                "cells": [value_text(c, line.values[c]) for c in CAMPAIGN_COLUMNS],
            }
            for line in participation_data.campaign_reach(report.quarter)
        ]
        shown.append(
            {
                "label": report.quarter.label,
                "name": quarter_text(report.quarter),
                "start": report.quarter.start,
                "end": report.quarter.end,
                "tables": tables,
                "campaigns": campaigns,
            }
        )
    return shown


def _allowed(request: HttpRequest) -> None:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    choice, errors = parse(request.GET)
    offered = periods.completed_quarters(timezone.localdate())
    latest = offered[0].label if offered else ""
    context: dict[str, Any] = {
        "errors": errors,
        "small_cell": participation.SMALL_CELL,
        "quarters": [(q.label, quarter_text(q)) for q in offered],
        "organizations": organizations(),
        "kinds": Kind.choices,
        "chosen": {
            "from": request.GET.get("from") or latest,
            "to": request.GET.get("to") or latest,
            "organization": request.GET.get("organization") or "",
            "kind": request.GET.get("kind") or "",
        },
        "columns": list(COLUMNS.values()),
        "campaign_columns": list(CAMPAIGN_COLUMNS.values()),
        "most_quarters": MOST_QUARTERS,
    }
    if choice is not None:
        context["periods"] = present(choice)
        context["query"] = request.GET.urlencode()
    return render(request, "insights/participation.html", context, status=400 if errors else 200)


@login_required
def download(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ("programmes", "campaigns"):
        raise Http404
    _allowed(request)
    choice, errors = parse(request.GET)
    if choice is None:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    span = f"{choice.start.label}-{choice.end.label}"
    response["Content-Disposition"] = f'attachment; filename="participation-{name}-{span}.csv"'
    writer = csv.writer(response)
    if name == "campaigns":
        writer.writerow([_("Quarter"), _("Campaign"), *map(str, CAMPAIGN_COLUMNS.values())])
        for quarter in choice.quarters:
            for line in participation_data.campaign_reach(quarter):
                writer.writerow(
                    [
                        quarter.label,
                        _safe(line.name),
                        *(csv_value(c, line.values[c]) for c in CAMPAIGN_COLUMNS),
                    ]
                )
        return response
    found = reports(choice)
    names = labels(found)
    writer.writerow(
        [
            _("Quarter"),
            _("Table"),
            _("Row"),
            *(
                str(label) + (" (%)" if c == "attendance_rate" else "")
                for c, label in COLUMNS.items()
            ),
        ]
    )
    for report in found:
        for table in report.tables:
            rows = [(line_label(table.name, line, names), line) for line in picked(table, choice)]
            rows.append((_("All programmes"), table.total))
            for label, line in rows:
                writer.writerow(
                    [
                        report.quarter.label,
                        str(TITLES[table.name]),
                        _safe(label),
                        *(csv_value(c, line.values[c]) for c in COLUMNS),
                    ]
                )
    return response
