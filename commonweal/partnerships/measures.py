"""Ready-made performance measures computed from the system's own data: the pure core.

Each measure takes `Facts` (plain rows gathered by measure_data.py: no names, no answers,
only dates, statuses, flags and scores) and a period, and returns a `Result`. Counts and
shares of people pass the product's de-identification rule (insights/deidentify.py, the
CMS cell-size rule): a count of 1 to 10 is not shown, nor a share or median resting on 1 to
10 people or referrals. Values are computed only for completed calendar quarters (the
pages offer no other period) so two overlapping periods cannot be subtracted to reveal a
small count (insights/periods.py).

The definitions, per measure (the period is inclusive, in the site's time zone):

- screenings-done: screenings completed in the period.
- positive-screens: those with at least one positive result by the instrument's own rule.
- referrals-sent: referrals sent in the period (drafts never count).
- referrals-served: of those, how many were completed with the outcome "served".
- loop-closure-rate: of those, the percentage that reached a final status (completed,
  declined, cancelled, could not be completed), as the loop-closure figures count it.
- days-to-first-contact: the median days from sending to the receiving organisation's
  first step on the referral (received, accepted, declined …), over those that had one.
- who5-better: of the people whose WHO-5 was taken again in the period, after an earlier
  WHO-5, the percentage whose latest percentage score is at least 10 points above their
  first. Ten points is the change Topp et al. (2015, Psychother Psychosom 84:167) give as
  clinically relevant on the 0-100 WHO-5 percentage scale.
- services-listed: active services in the directory when computed (the directory keeps no
  history, so this is a snapshot, dated by its period).
- partners-active: active partners that had joined by the end of the period.
- programme-attendances: check-ins at programme meetings held in the period (a person at
  three meetings counts three times), among registrations holding a place.
- programme-attendance-rate: of the registrations holding a place at a meeting held in the
  period, the percentage checked in (waiting-list and cancelled sign-ups do not count).
- campaign-event-attendance: people checked in at the awareness campaigns' events in the
  period, summed over campaigns (programs/campaigns.py `reach`, by month of the meeting).
- campaign-materials: materials the campaigns' partners handed out in the period.
- campaign-page-visits: readings of the campaigns' education pages in the period.
  Materials and page visits count things and visits, not people: no small-cell rule.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from commonweal.insights import deidentify
from commonweal.partnerships.units import Unit

HOW_MUCH = "how_much"
HOW_WELL = "how_well"
BETTER_OFF = "better_off"
# Topp CW et al. The WHO-5 Well-Being Index: a systematic review of the literature.
# Psychother Psychosom 2015;84:167-176: a 10-point change is clinically relevant.
WHO5_RELEVANT_CHANGE = 10.0
FINAL_STATUSES = frozenset({"completed", "rejected", "cancelled", "failed"})


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ScreeningRow:
    on: dt.date  # local date completed
    instrument: str
    positive: bool
    person_key: str = ""  # opaque: groups one person's repeated WHO-5 scores, never shown
    who5_percent: float | None = None


@dataclass(frozen=True)
class ReferralRow:
    sent_on: dt.date
    status: str
    outcome: str = ""
    days_to_first_contact: float | None = None


@dataclass(frozen=True)
class RegistrationRow:
    on: dt.date  # the meeting's local day
    status: str  # "registered" (holds a place), "waitlisted" or "cancelled"
    attended: bool = False


@dataclass(frozen=True)
class CampaignMonthRow:
    month: dt.date  # its first day
    attended: int = 0  # people checked in at the campaign's events
    materials: int = 0
    visits: int = 0  # readings of the campaign's education pages


@dataclass(frozen=True)
class Facts:
    screenings: list[ScreeningRow] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)
    active_services: int = 0
    partner_joins: list[dt.date | None] = field(default_factory=list)  # active partners
    registrations: list[RegistrationRow] = field(default_factory=list)
    campaign_months: list[CampaignMonthRow] = field(default_factory=list)  # one per campaign


@dataclass(frozen=True)
class Result:
    """A measure's value, or None with `suppressed` saying why it is not shown."""

    value: float | None
    basis: int  # how many screenings, referrals, people or things it rests on
    suppressed: deidentify.Suppressed | None = None


@dataclass(frozen=True)
class Measure:
    code: str
    label: Any
    unit: str
    question: str
    about_people: bool  # figures from people's records pass the small-cell rule
    compute: Callable[[Facts, Period], Result]


def _count(n: int) -> Result:
    return Result(float(n), n)


def _share(part: int, whole: int) -> Result:
    return Result(round(100 * part / whole, 1) if whole else None, whole)


def screenings_done(facts: Facts, period: Period) -> Result:
    return _count(sum(1 for s in facts.screenings if period.holds(s.on)))


def positive_screens(facts: Facts, period: Period) -> Result:
    return _count(sum(1 for s in facts.screenings if period.holds(s.on) and s.positive))


def _sent(facts: Facts, period: Period) -> list[ReferralRow]:
    return [r for r in facts.referrals if period.holds(r.sent_on)]


def referrals_sent(facts: Facts, period: Period) -> Result:
    return _count(len(_sent(facts, period)))


def referrals_served(facts: Facts, period: Period) -> Result:
    served = [r for r in _sent(facts, period) if r.status == "completed" and r.outcome == "served"]
    return _count(len(served))


def loop_closure_rate(facts: Facts, period: Period) -> Result:
    sent = _sent(facts, period)
    return _share(sum(1 for r in sent if r.status in FINAL_STATUSES), len(sent))


def days_to_first_contact(facts: Facts, period: Period) -> Result:
    days = [
        r.days_to_first_contact for r in _sent(facts, period) if r.days_to_first_contact is not None
    ]
    # The median of an even count is the mean of the middle two (statistics.median).
    return Result(round(statistics.median(days), 1) if days else None, len(days))


def who5_better(facts: Facts, period: Period) -> Result:
    by_person: dict[str, list[ScreeningRow]] = {}
    for s in facts.screenings:
        if s.instrument == "who-5" and s.who5_percent is not None and s.on <= period.end:
            by_person.setdefault(s.person_key, []).append(s)
    followed = better = 0
    for person_key, scores in by_person.items():
        if not person_key:
            continue  # a resident's own unsaved-person screening cannot be followed
        scores.sort(key=lambda s: s.on)
        latest = scores[-1]
        if len(scores) < 2 or not period.holds(latest.on):
            continue
        followed += 1
        assert latest.who5_percent is not None and scores[0].who5_percent is not None
        if latest.who5_percent - scores[0].who5_percent >= WHO5_RELEVANT_CHANGE:
            better += 1
    return _share(better, followed)


def services_listed(facts: Facts, period: Period) -> Result:
    return _count(facts.active_services)


def partners_active(facts: Facts, period: Period) -> Result:
    return _count(
        sum(1 for joined in facts.partner_joins if joined is None or joined <= period.end)
    )


def _places(facts: Facts, period: Period) -> list[RegistrationRow]:
    return [r for r in facts.registrations if period.holds(r.on) and r.status == "registered"]


def programme_attendances(facts: Facts, period: Period) -> Result:
    return _count(sum(1 for r in _places(facts, period) if r.attended))


def programme_attendance_rate(facts: Facts, period: Period) -> Result:
    places = _places(facts, period)
    return _share(sum(1 for r in places if r.attended), len(places))


def _campaign_total(name: str) -> Callable[[Facts, Period], Result]:
    def total(facts: Facts, period: Period) -> Result:
        return _count(sum(getattr(m, name) for m in facts.campaign_months if period.holds(m.month)))

    return total


campaign_event_attendance = _campaign_total("attended")
campaign_materials = _campaign_total("materials")
campaign_page_visits = _campaign_total("visits")


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure(
            "screenings-done", _("Screenings done"), Unit.COUNT, HOW_MUCH, True, screenings_done
        ),
        Measure(
            "positive-screens", _("Positive screens"), Unit.COUNT, HOW_MUCH, True, positive_screens
        ),
        Measure("referrals-sent", _("Referrals sent"), Unit.COUNT, HOW_MUCH, True, referrals_sent),
        Measure(
            "referrals-served",
            _("Referrals closed as served"),
            Unit.COUNT,
            BETTER_OFF,
            True,
            referrals_served,
        ),
        Measure(
            "loop-closure-rate",
            _("Loop-closure rate (percent of referrals closed)"),
            Unit.PERCENT,
            HOW_WELL,
            True,
            loop_closure_rate,
        ),
        Measure(
            "days-to-first-contact",
            _("Median days to first contact"),
            Unit.DAYS,
            HOW_WELL,
            True,
            days_to_first_contact,
        ),
        Measure(
            "who5-better",
            _("People better on the WHO-5 (percent of those screened again)"),
            Unit.PERCENT,
            BETTER_OFF,
            True,
            who5_better,
        ),
        Measure(
            "services-listed", _("Services listed"), Unit.COUNT, HOW_MUCH, False, services_listed
        ),
        Measure(
            "partners-active", _("Partners active"), Unit.COUNT, HOW_MUCH, False, partners_active
        ),
        Measure(
            "programme-attendances",
            _("People attending programme meetings (check-ins)"),
            Unit.COUNT,
            HOW_MUCH,
            True,
            programme_attendances,
        ),
        Measure(
            "programme-attendance-rate",
            _("Share of registrations that attended (percent)"),
            Unit.PERCENT,
            HOW_WELL,
            True,
            programme_attendance_rate,
        ),
        Measure(
            "campaign-event-attendance",
            _("Campaign reach: people attending campaign events"),
            Unit.COUNT,
            HOW_MUCH,
            True,
            campaign_event_attendance,
        ),
        Measure(
            "campaign-materials",
            _("Campaign reach: materials handed out"),
            Unit.COUNT,
            HOW_MUCH,
            False,
            campaign_materials,
        ),
        Measure(
            "campaign-page-visits",
            _("Campaign reach: education page visits"),
            Unit.COUNT,
            HOW_MUCH,
            False,
            campaign_page_visits,
        ),
    )
}


def compute(code: str, facts: Facts, period: Period) -> Result:
    """Measure `code` over `period`, with small cells suppressed when it is about people."""
    measure = MEASURES[code]
    result = measure.compute(facts, period)
    if not measure.about_people:
        return result
    if measure.unit == Unit.COUNT:
        shown = deidentify.shown(int(result.value or 0))
        if isinstance(shown, deidentify.Suppressed):
            return Result(None, result.basis, shown)
        return result
    shown_statistic = deidentify.statistic(result.value, result.basis)
    if isinstance(shown_statistic, deidentify.Suppressed):
        return Result(None, result.basis, shown_statistic)
    return result
