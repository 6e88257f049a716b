"""The participation part of the JSON API (/api/v1/insights/participation/): the page as JSON.

Each figure is `{"value": number or null, "suppressed": bool, "reason": ...}` as in the
unmet-need API: a hidden figure has `value` null, `suppressed` true and the reason
("primary": a count from 1 to 10; "complementary": hidden so a small count cannot be worked
out; "derived": worked out from a hidden figure, or a rate over 1 to 10 places). `value`
null with `suppressed` false means "does not apply" (meetings of a language row). The
attendance rate is a percentage.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.insights import participation, participation_data
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.participation_views import (
    CAMPAIGN_COLUMNS,
    COLUMNS,
    TITLES,
    labels,
    line_label,
    parse,
    picked,
    reports,
)

router = Router(tags=["insights"], auth=api_auth)


class ParticipationMessage(Schema):
    detail: str


class ParticipationFigureOut(Schema):
    value: float | None
    suppressed: bool
    reason: str | None


class ParticipationLineOut(Schema):
    key: str  # a programme or organisation id, a kind, a language code; "" pooled or all
    label: str
    pooled: bool
    figures: dict[str, ParticipationFigureOut]


class ParticipationTableOut(Schema):
    name: str  # "programme", "organization", "kind" or "language"
    title: str
    rows: list[ParticipationLineOut]
    total: ParticipationLineOut


class CampaignOut(Schema):
    slug: str
    name: str
    figures: dict[str, ParticipationFigureOut]
    about_people: list[str]  # the figures counting people (1 to 10 hidden); others are things


class QuarterOut(Schema):
    quarter: str
    start: dt.date
    end: dt.date
    tables: list[ParticipationTableOut]
    campaigns: list[CampaignOut]


class ParticipationOut(Schema):
    threshold: int
    columns: dict[str, str]
    quarters: list[QuarterOut]


def _figure(column: str, value: participation.Figure) -> dict:
    if isinstance(value, Suppressed):
        return {"value": None, "suppressed": True, "reason": value.value}
    if value is not None and column == "attendance_rate":
        value = round(100 * value, 1)
    return {"value": value, "suppressed": False, "reason": None}


@router.get(
    "",
    response={200: ParticipationOut, 400: ParticipationMessage, 403: ParticipationMessage},
    summary="Programme participation and campaign reach per completed quarter",
)
def participation_figures(
    request: HttpRequest,
    from_: str = Query(
        "", alias="from", description='First completed quarter, "2026-Q1" (default: latest).'
    ),
    to: str = Query("", description="Last completed quarter (default: latest); at most 8."),
    organization: str = Query("", description="Only this organisation's programmes (its id)."),
    kind: str = Query("", description='Only programmes of this kind ("support_group" …).'),
) -> Status:
    """Sign-ups, places, waiting list, cancellations, attendance and different participants
    by programme, organisation, kind and language, and each campaign's reach: coalition
    admins, analysts and superusers; every count of people de-identified."""
    if not policy.can_see_insights(request.auth):
        return Status(403, {"detail": "the insights area is for coalition admins and analysts"})
    choice, errors = parse({"from": from_, "to": to, "organization": organization, "kind": kind})
    if choice is None:
        return Status(400, {"detail": " ".join(errors)})
    found = reports(choice)
    names = labels(found)

    def line(table: str, row: participation.Line, label: str) -> dict:
        return {
            "key": row.key,
            "label": label,
            "pooled": row.pooled,
            "figures": {c: _figure(c, row.values[c]) for c in COLUMNS},
        }

    quarters = []
    for report in found:
        quarters.append(
            {
                "quarter": report.quarter.label,
                "start": report.quarter.start,
                "end": report.quarter.end,
                "tables": [
                    {
                        "name": table.name,
                        "title": str(TITLES[table.name]),
                        "rows": [
                            line(table.name, row, line_label(table.name, row, names))
                            for row in picked(table, choice)
                        ],
                        "total": line(table.name, table.total, "All programmes"),
                    }
                    for table in report.tables
                ],
                "campaigns": [
                    {
                        "slug": c.slug,
                        "name": c.name,
                        "figures": {k: _figure(k, c.values[k]) for k in CAMPAIGN_COLUMNS},
                        "about_people": list(participation_data.CAMPAIGN_PEOPLE),
                    }
                    for c in participation_data.campaign_reach(report.quarter)
                ],
            }
        )
    return Status(
        200,
        {
            "threshold": participation.SMALL_CELL,
            "columns": {c: str(label) for c, label in COLUMNS.items()},
            "quarters": quarters,
        },
    )
