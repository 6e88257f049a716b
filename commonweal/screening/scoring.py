"""Score a questionnaire by its instrument's declarative rules and decide on crisis safety.

`score(instrument, answers)` is the one entry point. `answers` maps an item's linkId to the
answer: an answer code (e.g. LOINC "LA6570-1"), the option's integer score, a list of codes
for a choose-all-that-apply item, or free text. An answer that is not one of the item's
options, an integer no option scores, or an unknown linkId raises `InvalidAnswers` (listing
every problem at once) — never a silently wrong score. Missing answers follow the
instrument's published rule: a summed score with any item missing is not scorable, and the
result says which items are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from commonweal.lib.crisis import signals_self_harm
from commonweal.screening import instruments as registry
from commonweal.screening.instruments import Instrument, Item, Option
from commonweal.screening.types import NotScorable, Safety, Score, ScoreResult

Answer = str | int | Sequence[str] | None

# A free-text answer is a few words ("how?", "when?"); the form allows this much, and the
# API may not store more than the form would.
TEXT_MAX_LENGTH = 1000


class InvalidAnswers(ValueError):
    """One or more answers are not allowed by the instrument; `errors` lists them all."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(self.errors))


def score(instrument: Instrument | str, answers: Mapping[str, Answer]) -> ScoreResult:
    """Score `answers` to `instrument` (an Instrument or its code)."""
    if isinstance(instrument, str):
        instrument = registry.get(instrument)
    chosen, texts = _check(instrument, answers)
    scores: list[Score] = []
    not_scorable: list[NotScorable] = []
    positive_domains: list[str] = []
    for rule in instrument.scores:
        outcome = _apply(instrument, rule, chosen)
        if isinstance(outcome, NotScorable):
            not_scorable.append(outcome)
            continue
        scores.append(outcome)
        if outcome.positive and rule["domain"] not in positive_domains:
            positive_domains.append(rule["domain"])
    return ScoreResult(
        instrument=instrument.code,
        scores=tuple(scores),
        positive_domains=tuple(positive_domains),
        not_scorable=tuple(not_scorable),
        safety=_safety(instrument, chosen, texts),
    )


# --- answers ---------------------------------------------------------------------------------


def _check(
    instrument: Instrument, answers: Mapping[str, Answer]
) -> tuple[dict[str, tuple[Option, ...]], dict[str, str]]:
    """Turn raw answers into chosen options per item (and free texts), or raise InvalidAnswers."""
    errors: list[str] = []
    chosen: dict[str, tuple[Option, ...]] = {}
    texts: dict[str, str] = {}
    known = {item.link_id: item for item in instrument.items}
    for link_id, value in answers.items():
        item = known.get(link_id)
        if item is None:
            errors.append(f"{instrument.name_in('en')} has no item {link_id!r}")
            continue
        if _unanswered(value):
            continue
        if item.type == "text":
            if not isinstance(value, str):
                errors.append(f"item {link_id}: the answer must be text")
            elif "\x00" in value:
                # PostgreSQL cannot store NUL in text or jsonb: refuse it here, not with a 500.
                errors.append(f"item {link_id}: the text contains a NUL character")
            elif len(value) > TEXT_MAX_LENGTH:
                errors.append(
                    f"item {link_id}: the text is longer than {TEXT_MAX_LENGTH} characters"
                )
            else:
                texts[link_id] = value
            continue
        values = list(value) if isinstance(value, list | tuple) else [value]
        if item.type == "choice" and len(values) > 1:
            errors.append(f"item {link_id}: only one answer is allowed")
            continue
        options: list[Option] = []
        for one in values:
            option = _option(item, one, errors)
            if option is not None and option not in options:
                options.append(option)
        if len(options) > 1 and any(option.exclusive for option in options):
            exclusive = next(option for option in options if option.exclusive)
            errors.append(
                f"item {link_id}: {exclusive.label_in('en')!r} cannot be chosen with other answers"
            )
        if options:
            chosen[link_id] = tuple(options)
    if errors:
        raise InvalidAnswers(errors)
    return chosen, texts


def _unanswered(value: Answer) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _option(item: Item, value: Any, errors: list[str]) -> Option | None:
    if isinstance(value, bool):
        errors.append(f"item {item.link_id}: {value!r} is not an answer")
        return None
    if isinstance(value, int):
        scored = [option for option in item.options if option.score == value]
        if scored:
            return scored[0]  # equal scores mean the same answer (GAD-7 item 2's two codes)
        scores = sorted({o.score for o in item.options if o.score is not None})
        if not scores:
            errors.append(f"item {item.link_id}: answer with a code, it has no scores")
        else:
            errors.append(
                f"item {item.link_id}: {value} is out of range "
                f"(allowed: {', '.join(str(s) for s in scores)})"
            )
        return None
    if isinstance(value, str):
        option = item.option(value.strip())
        if option is None:
            allowed = ", ".join(o.code for o in item.offered_options)
            errors.append(f"item {item.link_id}: {value!r} is not one of its answers ({allowed})")
        return option
    errors.append(f"item {item.link_id}: {type(value).__name__} is not an answer")
    return None


# --- scores -------------------------------------------------------------------------------------


def _apply(
    instrument: Instrument, rule: Mapping[str, Any], chosen: Mapping[str, tuple[Option, ...]]
) -> Score | NotScorable:
    link_ids: list[str] = rule["items"]
    missing = [link_id for link_id in link_ids if link_id not in chosen]
    if rule["method"] == "sum":
        if missing:
            # Published rule for these instruments: a total with a missing item is not a
            # (lower) total — it is not scorable, and the person is asked again.
            return NotScorable(
                code=rule["code"],
                reason=(
                    f"{_items_phrase(missing)} not answered: "
                    f"{rule['name']} needs all {len(link_ids)} items"
                ),
            )
        value = sum(chosen[link_id][0].score for link_id in link_ids) * rule.get("multiplier", 1)
        return Score(
            code=rule["code"],
            name=rule["name"],
            value=value,
            band=_band(rule, value),
            positive=_positive(rule, value),
            need_categories=tuple(rule.get("need_categories", ())),
            domain=rule["domain"],
        )
    # "any": positive when any listed item has one of the listed answers.
    wanted = set(rule["answers"])
    positive = any(
        option.code in wanted
        for link_id in chosen
        if link_id in link_ids
        for option in chosen[link_id]
    )
    if not positive and missing:
        # One unanswered item could still make it positive: say so rather than "negative".
        return NotScorable(
            code=rule["code"],
            reason=f"{_items_phrase(missing)} not answered: {rule['name']} cannot be ruled out",
        )
    return Score(
        code=rule["code"],
        name=rule["name"],
        value=None,
        band=None,
        positive=positive,
        need_categories=tuple(rule.get("need_categories", ())),
        domain=rule["domain"],
    )


def _items_phrase(link_ids: Iterable[str]) -> str:
    link_ids = list(link_ids)
    return ("item " if len(link_ids) == 1 else "items ") + ", ".join(link_ids)


def _band(rule: Mapping[str, Any], value: float) -> str | None:
    for band in rule.get("bands", ()):
        if band["min"] <= value <= band["max"]:
            return band["code"]
    return None


def _positive(rule: Mapping[str, Any], value: float) -> bool:
    positive = rule.get("positive")
    if not positive:
        return False
    if "min" in positive:
        return value >= positive["min"]
    return value <= positive["max"]


def band_label(instrument: Instrument, score_code: str, band: str, language: str = "en") -> str:
    """The plain-words label of a band, in the page language where the instrument has it."""
    for rule in instrument.scores:
        if rule["code"] == score_code:
            for candidate in rule.get("bands", ()):
                if candidate["code"] == band:
                    return registry.localized(candidate["label"], language)
    raise KeyError(f"{instrument.code} has no band {band!r} for {score_code!r}")


def score_rule(instrument: Instrument, score_code: str) -> Mapping[str, Any]:
    """The declarative rule behind a score (domain, bands, LOINC code, sources)."""
    for rule in instrument.scores:
        if rule["code"] == score_code:
            return rule
    raise KeyError(f"{instrument.code} has no score {score_code!r}")


# --- safety ---------------------------------------------------------------------------------------


def _safety(
    instrument: Instrument, chosen: Mapping[str, tuple[Option, ...]], texts: Mapping[str, str]
) -> Safety:
    triggered = acute = False
    reasons: list[str] = []
    for rule in instrument.safety:
        if not _holds(rule["when"], chosen):
            continue
        if rule["effect"] in ("trigger", "acute"):
            triggered = True
        if rule["effect"] == "acute":
            acute = True
        reasons.append(rule["reason"])
    # A free-text answer in any instrument can disclose risk the items do not ask about.
    for link_id, text in texts.items():
        if signals_self_harm(text):
            triggered = True
            reasons.append(f"the answer to {link_id} mentions suicide or self-harm")
    return Safety(triggered=triggered, acute=acute, reasons=tuple(dict.fromkeys(reasons)))


def _holds(condition: Mapping[str, Any], chosen: Mapping[str, tuple[Option, ...]]) -> bool:
    if "all" in condition:
        return all(_holds(part, chosen) for part in condition["all"])
    link_ids = condition["items"]
    if condition.get("unanswered"):
        return any(link_id not in chosen for link_id in link_ids)
    picked = [option for link_id in link_ids for option in chosen.get(link_id, ())]
    if "answers" in condition:
        return any(option.code in condition["answers"] for option in picked)
    return any(
        option.score is not None and option.score >= condition["min_score"] for option in picked
    )
