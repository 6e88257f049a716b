"""Ranking a role's volunteers by how well they fit it, with the reasons in words.

A pure function over plain values (no database), so the arithmetic is tested in
milliseconds. The score is a sum of four visible parts, each out of a fixed number of
points, and every part comes with a sentence saying why it got what it got: a coordinator
can read the ranking and disagree with it, there is no black box.

    skills        30  the share of the role's wanted skills the volunteer ticked
    languages     30  speaks at least one of the role's languages (an interpreter: two)
    availability  20  the share of the role's day-parts the volunteer is free for
    training      20  the required training, as the organisation's records show it

A part the role does not ask for (no skills listed, no language, flexible times, no
training) gives its full points to everyone, so it never reorders the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SKILLS, LANGUAGES, AVAILABILITY, TRAINING = 30, 30, 20, 20
TOTAL = SKILLS + LANGUAGES + AVAILABILITY + TRAINING


@dataclass(frozen=True)
class RoleNeeds:
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()  # empty: flexible
    training: str = ""  # a TrainingKind, or "" for none
    interpreter: bool = False


@dataclass(frozen=True)
class Evidence:
    """What the training records say of one volunteer for the required training."""

    state: str = "none"  # current, expiring, expired or none (no record found)
    expires_on: dt.date | None = None
    said_so: bool = False  # the volunteer ticked "I have done this training"


@dataclass(frozen=True)
class Offer:
    key: str  # the sign-up's id
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    evidence: Evidence = Evidence()
    order: int = 0  # earlier sign-ups first among equal scores


@dataclass(frozen=True)
class Match:
    key: str
    score: int
    parts: dict[str, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    training_ok: bool = True  # False: do not confirm before checking the certificate


def _share(points: int, have: int, want: int) -> int:
    if want == 0:
        return points
    exact = Decimal(points * have) / Decimal(want)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _norm(items: tuple[str, ...]) -> set[str]:
    return {" ".join(item.split()).casefold() for item in items if item.strip()}


def _skills(needs: RoleNeeds, offer: Offer) -> tuple[int, str]:
    wanted = _norm(needs.skills)
    if not wanted:
        return SKILLS, _("Skills: the role asks for none in particular.")
    have = wanted & _norm(offer.skills)
    points = _share(SKILLS, len(have), len(wanted))
    if not have:
        return points, _("Skills: none of the %(count)d asked for.") % {"count": len(wanted)}
    return points, ngettext(
        "Skills: has %(have)d of the %(count)d asked for (%(names)s).",
        "Skills: has %(have)d of the %(count)d asked for (%(names)s).",
        len(wanted),
    ) % {"have": len(have), "count": len(wanted), "names": ", ".join(sorted(have))}


def _languages(needs: RoleNeeds, offer: Offer) -> tuple[int, str]:
    wanted = _norm(needs.languages)
    spoken = _norm(offer.languages)
    if needs.interpreter:
        # Interpreting needs two languages, at least one of them the role's.
        shared = wanted & spoken if wanted else spoken
        if len(spoken) >= 2 and shared:
            return LANGUAGES, _("Languages: speaks %(names)s.") % {
                "names": ", ".join(sorted(spoken))
            }
        return 0, _("Languages: an interpreter needs two languages, one of them %(names)s.") % {
            "names": ", ".join(sorted(wanted)) or _("the role's")
        }
    if not wanted:
        return LANGUAGES, _("Languages: the role asks for none in particular.")
    shared = wanted & spoken
    if shared:
        return LANGUAGES, _("Languages: speaks %(names)s.") % {"names": ", ".join(sorted(shared))}
    return 0, _("Languages: does not speak %(names)s.") % {"names": ", ".join(sorted(wanted))}


def _availability(needs: RoleNeeds, offer: Offer) -> tuple[int, str]:
    wanted = set(needs.slots)
    if not wanted:
        return AVAILABILITY, _("Times: the role's times are flexible.")
    free = wanted & set(offer.availability)
    points = _share(AVAILABILITY, len(free), len(wanted))
    return points, _("Times: free for %(have)d of the role's %(count)d day-parts.") % {
        "have": len(free),
        "count": len(wanted),
    }


def _training(needs: RoleNeeds, offer: Offer) -> tuple[int, str, bool]:
    if not needs.training:
        return TRAINING, _("Training: none required."), True
    evidence = offer.evidence
    if evidence.state == "current":
        if evidence.expires_on:
            return (
                TRAINING,
                _("Training: on our records, valid until %(date)s.")
                % {"date": evidence.expires_on.isoformat()},
                True,
            )
        return TRAINING, _("Training: on our records, with no end date."), True
    if evidence.state == "expiring":
        return (
            TRAINING * 3 // 4,
            _("Training: on our records, but it ends soon (%(date)s).")
            % {"date": evidence.expires_on.isoformat() if evidence.expires_on else ""},
            True,
        )
    if evidence.state == "expired":
        return (
            0,
            _("Training: our record ended on %(date)s. Check for a new certificate.")
            % {"date": evidence.expires_on.isoformat() if evidence.expires_on else ""},
            False,
        )
    if evidence.said_so:
        return (
            TRAINING // 4,
            _("Training: says they have it; no record of ours. Check the certificate."),
            False,
        )
    return 0, _("Training: no record, and they did not say they have it."), False


def rank(needs: RoleNeeds, offers: list[Offer]) -> list[Match]:
    """Every offer scored against the role, best first (earlier sign-up first on a tie)."""
    found = []
    for offer in offers:
        skills, why_skills = _skills(needs, offer)
        languages, why_languages = _languages(needs, offer)
        times, why_times = _availability(needs, offer)
        training, why_training, trained = _training(needs, offer)
        parts = {
            "skills": skills,
            "languages": languages,
            "availability": times,
            "training": training,
        }
        found.append(
            (
                offer.order,
                Match(
                    key=offer.key,
                    score=sum(parts.values()),
                    parts=parts,
                    reasons=(why_skills, why_languages, why_times, why_training),
                    training_ok=trained,
                ),
            )
        )
    found.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return [match for _order, match in found]
