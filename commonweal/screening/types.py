"""What scoring a questionnaire answers: the contract between scoring, pages, API and FHIR.

`commonweal.screening.scoring.score(instrument, answers)` returns a `ScoreResult`; the
navigator and self-screening pages, `POST /api/v1/screenings/score` and the FHIR export
only present it. Instruments themselves are data (`screening/instruments/*.json`), loaded
and checked by `commonweal.screening.instruments`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Score:
    """One scored result: an instrument total or a domain (AHC food, PHQ-9 total …)."""

    code: str  # LOINC code of the result where LOINC has one, else "<instrument>/<domain>"
    name: str  # plain English name; pages translate by code
    value: float | None
    band: str | None  # e.g. "moderate" for PHQ-9 10–14; None where the instrument has none
    positive: bool  # a positive screen by the instrument's published rule
    need_categories: tuple[str, ...] = ()  # Open Eligibility codes of services that help
    domain: str = ""  # the need it screens for, e.g. "food", "depression" (positive_domains)


@dataclass(frozen=True)
class NotScorable:
    code: str  # the score that could not be computed
    reason: str  # e.g. "item 44259-0 not answered: PHQ-9 needs all 9 items"


@dataclass(frozen=True)
class Safety:
    """Whether the crisis safety protocol starts, and why (shown before any score)."""

    triggered: bool = False
    acute: bool = False  # an emergency now (ASQ acute positive), distinct from a positive
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    instrument: str  # the instrument's code, e.g. "phq-9"
    scores: tuple[Score, ...]
    positive_domains: tuple[str, ...]
    not_scorable: tuple[NotScorable, ...] = ()
    safety: Safety = field(default_factory=Safety)
