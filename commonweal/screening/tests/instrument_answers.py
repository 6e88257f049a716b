"""Answers for scoring tests: every scored item of an instrument at chosen option scores."""

from __future__ import annotations

from collections.abc import Sequence

from commonweal.screening import instruments


def scored_items(code: str, score_code: str) -> list[str]:
    instrument = instruments.get(code)
    return next(rule["items"] for rule in instrument.scores if rule["code"] == score_code)


def answers_with_scores(code: str, score_code: str, scores: Sequence[int]) -> dict[str, str]:
    """Answer codes (not integers) whose option scores are `scores`, item by item."""
    instrument = instruments.get(code)
    link_ids = scored_items(code, score_code)
    assert len(scores) == len(link_ids)
    return {
        link_id: next(o.code for o in instrument.item(link_id).offered_options if o.score == value)
        for link_id, value in zip(link_ids, scores, strict=True)
    }


def spread(total: int, count: int, low: int, high: int) -> list[int]:
    """`count` item scores between low and high that add up to `total`, filled from the first."""
    scores = [low] * count
    remaining = total - low * count
    assert 0 <= remaining <= (high - low) * count, (total, count, low, high)
    for index in range(count):
        step = min(high - low, remaining)
        scores[index] += step
        remaining -= step
    return scores
