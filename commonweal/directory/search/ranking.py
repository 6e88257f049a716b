"""How candidates are ordered: relevance first, in coarse tiers; distance inside a tier.

A score for display and the last tie-break:
    relevance = CATEGORY_WEIGHT × (share of the query's needs the service's categories meet)
              + TEXT_WEIGHT × (text score ÷ the best text score among the candidates)
when the query named a need the vocabulary knows, else the normalised text score alone;
plus LANGUAGE_BOOST when the service offers a language the query asked for.

The order compares tiers, not that fine score, because a few more matching words in a
name do not make one food pantry a better answer than another: first the share of needs
met by category (in tenths; a need for *who* a service is for — an Open Eligibility
situation such as Veterans — weighs half a need for *what* it does), then the language
asked for, then a coarse text tier (strong ≥ half the best text score, weak, none).
Among equals the nearest comes first; then the service filed under the very terms asked
for rather than narrower ones, then the more focused service (fewer categories: a
helpline filed under forty is rarely the best first answer), then the higher score,
then the name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

CATEGORY_WEIGHT = 0.65
TEXT_WEIGHT = 0.35
LANGUAGE_BOOST = 0.15
STRONG_TEXT = 0.5  # a text score at least half the best one is a strong text match


@dataclass
class Candidate:
    service_id: uuid.UUID
    service_at_location_id: uuid.UUID
    location_id: uuid.UUID
    distance_km: float | None = None
    text_score: float = 0.0  # raw database score, higher is better
    needs_met: float = 0.0  # weight of the query's needs its categories meet
    exactness: float = 0.0  # the same, with a narrower term counting less than the one named
    categories: int = 0  # how many categories the service is filed under
    language_match: bool = False
    relevance: float = 0.0
    name: str = ""


def relevance(
    candidate: Candidate, *, best_text: float, needs: float, language_asked: bool
) -> float:
    text = candidate.text_score / best_text if best_text > 0 else 0.0
    if needs:
        score = CATEGORY_WEIGHT * (candidate.exactness / needs) + TEXT_WEIGHT * text
    else:
        score = text
    if language_asked and candidate.language_match:
        score += LANGUAGE_BOOST
    return score


def tier(candidate: Candidate, *, best_text: float, needs: float) -> tuple[int, int, int]:
    """(needs met in tenths, speaks the asked language, text tier): higher is better."""
    category = round(10 * candidate.needs_met / needs) if needs else 0
    text = candidate.text_score / best_text if best_text > 0 else 0.0
    text_tier = 2 if text >= STRONG_TEXT else 1 if text > 0 else 0
    return category, int(candidate.language_match), text_tier


def order(candidates: list[Candidate], *, needs: float, language_asked: bool) -> list[Candidate]:
    """Score every candidate and sort them (best first). `needs` is the total weight of
    the query's needs."""
    best_text = max((c.text_score for c in candidates), default=0.0)
    for candidate in candidates:
        candidate.relevance = relevance(
            candidate, best_text=best_text, needs=needs, language_asked=language_asked
        )

    def key(c: Candidate) -> tuple:
        category, language, text = tier(c, best_text=best_text, needs=needs)
        return (
            -category,
            -language,
            -text,
            c.distance_km if c.distance_km is not None else 0.0,
            -round(c.exactness, 6),
            c.categories,
            -c.relevance,
            c.name.casefold(),
            str(c.service_id),
        )

    return sorted(candidates, key=key)
