"""The partnership report: one completed quarter's figures from every part of the system,
with the stories and quotes staff set beside them, for funders and the public.

Every figure is de-identified (counts from 1 to 10 hidden, as for analysts), whoever asks:
the report is made to be handed on. It covers one completed calendar quarter
(insights/periods.py), so two reports can never be subtracted to reveal a few people.
The sections are built by the modules that own the figures; this module only gathers them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch

from commonweal.insights import (
    alerts,
    gap_report,
    outcomes_report,
    participation,
    participation_data,
    unmet,
)
from commonweal.insights.gap_query import GapQuery
from commonweal.insights.models import ReportStory
from commonweal.insights.periods import Quarter
from commonweal.partnerships import network, network_data
from commonweal.partnerships.models import Goal, IndicatorValue
from commonweal.referrals import metrics

DEIDENTIFIED = metrics.Scope(organization_ids=None, suppress_small_cells=True)


@dataclass(frozen=True)
class AlarmCount:
    signal: str
    weeks: int  # area-weeks that alarmed (events of each are at least MIN_COUNT)


# The least-served areas listed per category.
GAP_ROWS = 5


@dataclass(frozen=True)
class GapRow:
    rank: int
    name: str
    population: float
    per_10k: float  # places of service per 10,000 people (the 2SFCA score x 10,000)
    sites_in_reach: int


@dataclass(frozen=True)
class GapSummary:
    code: str
    name: str
    percent_without_site: float | None
    rows: list[GapRow]
    message: str | None


@dataclass(frozen=True)
class NetworkSummary:
    """The partnership network this quarter against the quarter before."""

    before: network.Measures
    after: network.Measures
    change: network.Change


def network_summary(quarter: Quarter) -> NetworkSummary:
    previous = quarter.previous()
    before = network_data.build(previous.start, previous.end)
    after = network_data.build(quarter.start, quarter.end)
    return NetworkSummary(
        before=network.measure(before),
        after=network.measure(after),
        change=network.compare(before, after),
    )


def goals_as_of(end: dt.date) -> list[Goal]:
    """The shared goals with their indicators, each holding only values up to `end` (a
    report for a past quarter shows the curve as it stood then)."""
    values = IndicatorValue.objects.filter(period_end__lte=end).order_by(
        "period_end", "period_start"
    )
    return list(
        Goal.objects.prefetch_related("indicators", Prefetch("indicators__values", queryset=values))
    )


@dataclass
class PartnershipReport:
    quarter: Quarter
    loop_closure: metrics.Report
    outcomes: outcomes_report.Report
    unmet: unmet.Report
    participation: participation.Line  # every programme's sign-ups, as the participation page
    alarms: list[AlarmCount]
    gaps: list[GapSummary]
    goals: list[Goal]
    network: NetworkSummary
    stories: list[ReportStory]

    @property
    def start(self) -> dt.date:
        return self.quarter.start

    @property
    def end(self) -> dt.date:
        return self.quarter.end


def _weeks_of(quarter: Quarter) -> list[dt.date]:
    """Mondays of the weeks that end inside the quarter (a week belongs where it ends)."""
    first = quarter.start - dt.timedelta(days=quarter.start.weekday())
    mondays = []
    monday = first
    while monday <= quarter.end:
        if quarter.start <= monday + dt.timedelta(days=6) <= quarter.end:
            mondays.append(monday)
        monday += dt.timedelta(weeks=1)
    return mondays


def alarm_counts(quarter: Quarter) -> list[AlarmCount]:
    """How many area-weeks of each signal alarmed in the quarter (areas are not named: a
    funder's report is no place for a ZIP code with a few crisis events)."""
    tally = Counter(alert.signal.code for alert in alerts.scan(weeks=_weeks_of(quarter)))
    return [
        AlarmCount(str(signal.label), tally.get(code, 0)) for code, signal in alerts.SIGNALS.items()
    ]


def gap_summaries(today: dt.date) -> list[GapSummary]:
    """The least-served tracts for each category the report is set to show (2SFCA, 30 km,
    tracts of at least 100 people: the gap page's defaults). Unknown codes are left out."""
    summaries = []
    for code in settings.COMMONWEAL_REPORT_GAP_CATEGORIES:
        try:
            run = gap_report.run(GapQuery(category=code), today=today)
        except gap_report.CategoryNotFound:
            continue
        share = run.summary.get("share_without_site")
        summaries.append(
            GapSummary(
                code=code,
                name=run.category_name,
                percent_without_site=None if share is None else 100 * float(share),
                rows=[
                    GapRow(r.rank, r.name, r.population, r.score * 10_000, r.sites_in_reach)
                    for r in run.rows[:GAP_ROWS]
                ],
                message=run.message,
            )
        )
    return summaries


def build(quarter: Quarter) -> PartnershipReport:
    """Gather the quarter's report from the modules that own each figure."""
    return PartnershipReport(
        quarter=quarter,
        loop_closure=metrics.loop_closure(start=quarter.start, end=quarter.end, scope=DEIDENTIFIED),
        outcomes=outcomes_report.build(quarter=quarter),
        unmet=unmet.report(quarter),
        participation=participation.report(participation_data.gather(quarter))
        .table("programme")
        .total,
        alarms=alarm_counts(quarter),
        # Where services are is today's directory, not the quarter's: it has no history.
        gaps=gap_summaries(quarter.end),
        goals=goals_as_of(quarter.end),
        network=network_summary(quarter),
        stories=list(
            ReportStory.objects.filter(quarter=quarter.label).select_related("organization")
        ),
    )
