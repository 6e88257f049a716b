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
from dataclasses import dataclass, field
from typing import Any

from commonweal.insights import alerts, outcomes_report
from commonweal.insights.models import ReportStory
from commonweal.insights.periods import Quarter
from commonweal.referrals import metrics

DEIDENTIFIED = metrics.Scope(organization_ids=None, suppress_small_cells=True)


@dataclass(frozen=True)
class AlarmCount:
    signal: str
    weeks: int  # area-weeks that alarmed (events of each are at least MIN_COUNT)


@dataclass
class PartnershipReport:
    quarter: Quarter
    loop_closure: metrics.Report
    outcomes: outcomes_report.Report
    alarms: list[AlarmCount]
    stories: list[ReportStory]
    sections: dict[str, Any] = field(default_factory=dict)

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


def build(quarter: Quarter) -> PartnershipReport:
    """Gather the quarter's report from the modules that own each figure."""
    return PartnershipReport(
        quarter=quarter,
        loop_closure=metrics.loop_closure(start=quarter.start, end=quarter.end, scope=DEIDENTIFIED),
        outcomes=outcomes_report.build(quarter=quarter),
        alarms=alarm_counts(quarter),
        stories=list(
            ReportStory.objects.filter(quarter=quarter.label).select_related("organization")
        ),
    )
