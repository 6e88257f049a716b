"""A scored result in plain words: what each domain's result means and does not mean.

Scoring (scoring.py) says what the numbers are; this module says them to a resident or a
navigator. Words are keyed by the score rule's `domain` and band `code` (instrument data),
so they are translated here in our catalogue, not in the instrument files — which hold
only validated instrument wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from commonweal.screening import instruments
from commonweal.screening.types import Score, ScoreResult

# Plain words per domain: a heading, what a positive result means, what a negative
# one means. None of them is a diagnosis; the page says so once, above the results.
DOMAIN_WORDS: dict[str, tuple[Any, Any, Any]] = {
    "living-situation": (
        _("Housing"),
        _(
            "Your answers show a housing need: a place to live may be at risk, or the place has problems that affect health."
        ),
        _("Your answers do not show a housing need right now."),
    ),
    "food": (
        _("Food"),
        _("Your answers show that food has been running short. Help with food is available."),
        _("Your answers do not show that food has been running short."),
    ),
    "transportation": (
        _("Transportation"),
        _("Your answers show that getting to appointments or everyday needs has been hard."),
        _("Your answers do not show a transportation problem."),
    ),
    "utilities": (
        _("Utilities"),
        _("Your answers show a risk of losing electricity, gas, oil or water service."),
        _("Your answers do not show a problem with utilities."),
    ),
    "interpersonal-safety": (
        _("Safety at home and in relationships"),
        _(
            "Your answers show that someone may be hurting, threatening or insulting you. You deserve to be safe, and confidential help is available."
        ),
        _("Your answers do not show a safety concern with people around you."),
    ),
    "depression": (
        _("Mood"),
        _(
            "Your answers show signs of depression that are worth talking about with a doctor, counselor or other health worker."
        ),
        _("Your answers do not show strong signs of depression right now."),
    ),
    "anxiety": (
        _("Worry and anxiety"),
        _(
            "Your answers show signs of anxiety that are worth talking about with a doctor, counselor or other health worker."
        ),
        _("Your answers do not show strong signs of anxiety right now."),
    ),
    "suicide-risk": (
        _("Thoughts of suicide"),
        _(
            "Your answers show thoughts of suicide. Please talk to someone now: help is free, private and open all day and night."
        ),
        _("Your answers do not show thoughts of suicide."),
    ),
    "wellbeing": (
        _("Wellbeing"),
        _(
            "Your answers show low wellbeing. Talking with a doctor, counselor or other health worker about how you feel could help."
        ),
        _("Your answers do not show low wellbeing."),
    ),
    "loneliness": (
        _("Feeling connected"),
        _(
            "Your answers show loneliness. Groups, programs and people nearby can help you feel more connected."
        ),
        _("Your answers do not show loneliness."),
    ),
}

# The same results told to staff about the person they screened (the navigator's pages),
# not to the person: "The answers show …". Per domain: positive, negative.
STAFF_DOMAIN_WORDS: dict[str, tuple[Any, Any]] = {
    "living-situation": (
        _(
            "The answers show a housing need: a place to live may be at risk, or the place has problems that affect health."
        ),
        _("The answers do not show a housing need right now."),
    ),
    "food": (
        _("The answers show that food has been running short."),
        _("The answers do not show that food has been running short."),
    ),
    "transportation": (
        _("The answers show that getting to appointments or everyday needs has been hard."),
        _("The answers do not show a transportation problem."),
    ),
    "utilities": (
        _("The answers show a risk of losing electricity, gas, oil or water service."),
        _("The answers do not show a problem with utilities."),
    ),
    "interpersonal-safety": (
        _(
            "The answers show that someone may be hurting, threatening or insulting this person. Offer confidential help, and talk about it only where they are safe."
        ),
        _("The answers do not show a safety concern with people around this person."),
    ),
    "depression": (
        _(
            "The answers show signs of depression worth a follow-up with a doctor, counselor or other health worker."
        ),
        _("The answers do not show strong signs of depression right now."),
    ),
    "anxiety": (
        _(
            "The answers show signs of anxiety worth a follow-up with a doctor, counselor or other health worker."
        ),
        _("The answers do not show strong signs of anxiety right now."),
    ),
    "suicide-risk": (
        _(
            "The answers show thoughts of suicide. Follow the safety protocol now: do not leave the person alone if the risk is acute."
        ),
        _("The answers do not show thoughts of suicide."),
    ),
    "wellbeing": (
        _(
            "The answers show low wellbeing. A conversation with a doctor, counselor or other health worker could help."
        ),
        _("The answers do not show low wellbeing."),
    ),
    "loneliness": (
        _(
            "The answers show loneliness. Groups, programs and people nearby can help this person feel more connected."
        ),
        _("The answers do not show loneliness."),
    ),
}

RESIDENT = "resident"
STAFF = "staff"

BAND_WORDS: dict[str, Any] = {
    "none-minimal": _("None or minimal"),
    "minimal": _("Minimal"),
    "mild": _("Mild"),
    "moderate": _("Moderate"),
    "moderately-severe": _("Moderately severe"),
    "severe": _("Severe"),
    "not-lonely": _("Not lonely"),
    "lonely": _("Lonely"),
    "not-low": _("Not low"),
    "poor-wellbeing": _("Poor wellbeing"),
    "likely-depression": _("Very low wellbeing"),
}

# What each bundled check-up asks about, in plain words for the residents' list. A local
# instrument without an entry shows its own description.
INSTRUMENT_ABOUT: dict[str, Any] = {
    "ahc-hrsn": _("Everyday needs: housing, food, transportation, utilities and safety at home."),
    "phq-9": _(
        "Mood: how often you have felt down, or lost interest in things, in the last two weeks."
    ),
    "phq-2": _("A quick check of mood: two questions about the last two weeks."),
    "gad-7": _(
        "Worry and anxiety: how often you have felt nervous or unable to stop worrying in the last two weeks."
    ),
    "gad-2": _("A quick check of worry and anxiety: two questions about the last two weeks."),
    "asq": _(
        "Four questions about thoughts of suicide, for young people aged 10 and up and adults."
    ),
    "who-5": _("Wellbeing: how you have been feeling over the last two weeks."),
    "ucla-3": _("Feeling connected: how often you feel left out or alone."),
}

NOT_A_DIAGNOSIS = _(
    "A screening is not a diagnosis. It points to things worth talking about and to help "
    "that may be useful. Only a doctor or other qualified professional can diagnose."
)


@dataclass(frozen=True)
class DomainResult:
    score: Score
    domain: str
    heading: str
    meaning: str
    value_text: str  # "12 of 27" or "" for a yes/no screen
    band_text: str
    positive: bool
    need_categories: tuple[str, ...]


@dataclass(frozen=True)
class Presented:
    instrument: Any  # instruments.Instrument, or None when the definition is gone
    domains: tuple[DomainResult, ...]
    not_scorable: tuple[Any, ...]
    positive: tuple[DomainResult, ...]


def _rule(instrument: Any, code: str) -> dict[str, Any]:
    if instrument is None:
        return {}
    return next((dict(rule) for rule in instrument.scores if rule.get("code") == code), {})


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def present_score(instrument: Any, score: Score, audience: str = RESIDENT) -> DomainResult:
    """One domain's result in plain words, to the person (`RESIDENT`) or about them (`STAFF`)."""
    rule = _rule(instrument, score.code)
    domain = getattr(score, "domain", "") or rule.get("domain", "")
    heading, yes_words, no_words = DOMAIN_WORDS.get(domain, (score.name, "", ""))
    if audience == STAFF and domain in STAFF_DOMAIN_WORDS:
        yes_words, no_words = STAFF_DOMAIN_WORDS[domain]
    meaning = yes_words if score.positive else no_words
    value_text = ""
    if score.value is not None and rule.get("method") == "sum":
        bands = rule.get("bands") or []
        top = max((band["max"] for band in bands), default=None)
        value_text = (
            _("%(value)s of %(top)s") % {"value": _number(score.value), "top": _number(top)}
            if top is not None
            else _number(score.value)
        )
    band_text = ""
    if score.band:
        band_text = str(BAND_WORDS.get(score.band, score.band))
    return DomainResult(
        score=score,
        domain=domain,
        heading=str(heading),
        meaning=str(meaning),
        value_text=str(value_text),
        band_text=band_text,
        positive=score.positive,
        need_categories=tuple(score.need_categories),
    )


def present(result: ScoreResult, audience: str = RESIDENT) -> Presented:
    try:
        instrument = instruments.get(result.instrument)
    except Exception:
        instrument = None
    domains = tuple(present_score(instrument, score, audience) for score in result.scores)
    return Presented(
        instrument=instrument,
        domains=domains,
        not_scorable=tuple(result.not_scorable),
        positive=tuple(d for d in domains if d.positive),
    )
