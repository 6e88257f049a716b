"""The outcomes part of the JSON API (/api/v1/insights/outcomes/): the page's figures as JSON.

Same rule as the page (`policy.can_see_insights`), same report (outcomes_report.build), same
de-identification: a hidden figure is a string naming why ("primary", "complementary",
"derived") instead of a number.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from commonweal import policy
from commonweal.accounts.api_auth import api_auth
from commonweal.insights import outcome_views, outcomes_report
from commonweal.insights.deidentify import Suppressed
from commonweal.insights.outcomes_funnel import STAGES

router = Router(tags=["insights"], auth=api_auth)

Figure = int | float | str | None  # a number, or why it is hidden, or null (nothing to show)


class OutcomesProblem(Schema):
    detail: str
    errors: list[str] = []


class ChangeRowOut(Schema):
    name: str
    n: Figure
    mean_baseline: Figure
    mean_follow_up: Figure
    mean_change: Figure
    ci_low: Figure
    ci_high: Figure
    improved: Figure
    no_reliable_change: Figure
    deteriorated: Figure
    phq9_eligible: Figure
    phq9_responded: Figure
    phq9_remitted: Figure


class ChangeOut(Schema):
    instrument: str
    name: str
    higher_is_better: bool | None
    reliable_change_threshold: float | None
    reliable_change_source: str
    overall: ChangeRowOut
    partners: list[ChangeRowOut]
    programmes: list[ChangeRowOut]


class FunnelRowOut(Schema):
    name: str
    screened: Figure
    positive: Figure
    referred: Figure
    accepted: Figure
    served: Figure


class LoopRowOut(Schema):
    name: str
    sent: Figure
    closed: Figure
    closed_share: Figure
    served: Figure
    median_days_to_completion: Figure


class OutcomesOut(Schema):
    quarter: str
    changes: list[ChangeOut]
    funnel_overall: FunnelRowOut
    funnel_partners: list[FunnelRowOut]
    funnel_programmes: list[FunnelRowOut]
    loop_partners: list[LoopRowOut]
    loop_overall: LoopRowOut


def _figure(value: Any) -> Figure:
    if isinstance(value, Suppressed):
        return value.value
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds() / 86400, 2)
    return value


def _change_row(row: outcomes_report.ChangeRow, fallback: str) -> dict[str, Any]:
    return {
        "name": row.name or fallback,
        "n": _figure(row.n),
        "mean_baseline": _figure(row.mean_baseline),
        "mean_follow_up": _figure(row.mean_follow_up),
        "mean_change": _figure(row.mean_change),
        "ci_low": _figure(row.ci_low),
        "ci_high": _figure(row.ci_high),
        "improved": _figure(row.improved),
        "no_reliable_change": _figure(row.unchanged),
        "deteriorated": _figure(row.deteriorated),
        "phq9_eligible": _figure(row.eligible),
        "phq9_responded": _figure(row.responded),
        "phq9_remitted": _figure(row.remitted),
    }


def _funnel_row(row: outcomes_report.FunnelRow, fallback: str) -> dict[str, Any]:
    return {"name": row.name or fallback, **{s: _figure(row.stages.get(s)) for s in STAGES}}


def _loop_row(row: Any, fallback: str) -> dict[str, Any]:
    return {
        "name": row.name or fallback,
        "sent": _figure(row.sent),
        "closed": _figure(row.closed),
        "closed_share": _figure(row.closed_share),
        "served": _figure(row.served),
        "median_days_to_completion": _figure(row.median_to_complete),
    }


@router.get(
    "/",
    response={200: OutcomesOut, 400: OutcomesProblem, 403: OutcomesProblem},
    summary="Outcomes for one completed quarter: change on repeated measures, the "
    "screening-to-service funnel and loop closure, de-identified",
    description=(
        "quarter: a completed quarter such as 2026-Q1 (the latest by default); instrument: "
        "an instrument code (phq-9, gad-7, who-5, ucla-3 or a local one); partner: an "
        "organisation id. A hidden figure is the reason it is hidden instead of a number."
    ),
)
def report(
    request: HttpRequest,
    quarter: str | None = None,
    instrument: str | None = None,
    partner: str | None = None,
):
    if not policy.can_see_insights(request.auth):
        return Status(403, {"detail": "the insights area is for analysts and coalition admins"})
    query = {"quarter": quarter or "", "instrument": instrument or "", "partner": partner or ""}
    chosen, errors = outcome_views.parse(query)
    if errors or chosen["quarter"] is None:
        return Status(400, {"detail": "bad filter", "errors": [str(e) for e in errors]})
    built = outcomes_report.build(
        quarter=chosen["quarter"], instrument=chosen["instrument"], partner=chosen["partner"]
    )
    everyone, other = "All partners", "Other or unrecorded"
    return Status(
        200,
        {
            "quarter": built.quarter.label,
            "changes": [
                {
                    "instrument": c.measure.instrument,
                    "name": c.name,
                    "higher_is_better": c.measure.higher_is_better,
                    "reliable_change_threshold": (
                        round(c.measure.reliable_change.threshold, 3)
                        if c.measure.reliable_change
                        else None
                    ),
                    "reliable_change_source": (
                        c.measure.reliable_change.source if c.measure.reliable_change else ""
                    ),
                    "overall": _change_row(c.overall, everyone),
                    "partners": [_change_row(r, other) for r in c.partners],
                    "programmes": [_change_row(r, "") for r in c.programmes],
                }
                for c in built.changes
            ],
            "funnel_overall": _funnel_row(built.funnel.overall, everyone),
            "funnel_partners": [_funnel_row(r, other) for r in built.funnel.partners],
            "funnel_programmes": [_funnel_row(r, "") for r in built.funnel.programmes],
            "loop_partners": [_loop_row(r, "Other partners (pooled)") for r in built.loop.rows],
            "loop_overall": _loop_row(built.loop.overall, everyone),
        },
    )
