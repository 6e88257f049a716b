"""Writing community needs, shared goals, their indicators and the indicators' values.

Every write validates the whole object (the models' `clean` holds the rules: a target date
after the baseline date, a value that fits the unit, a computed measure's own unit) and
saves in one transaction, so a refused change leaves nothing half-saved.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from commonweal.insights.periods import Quarter, completed_quarters
from commonweal.partnerships import measure_data, measures
from commonweal.partnerships.models import (
    CommunityNeed,
    Goal,
    Indicator,
    IndicatorValue,
    NeedEvidence,
    ValueSource,
)

# Computed values are for the last eight completed quarters only: fixed periods that never
# overlap, so two of them cannot be subtracted to reveal a small count (insights/periods.py).
QUARTERS_OFFERED = 8
NOT_COMPUTED = "This indicator is entered by hand: choose a ready-made measure to compute it."


def _saved(instance: Any, details: dict[str, Any]) -> Any:
    for name, value in details.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def save_need(need: CommunityNeed | None = None, *, by: Any, **details: Any) -> CommunityNeed:
    """Create a need (`need` None) or change one."""
    return _saved(need or CommunityNeed(), details)


@transaction.atomic
def add_evidence(need: CommunityNeed, *, by: Any, **details: Any) -> NeedEvidence:
    return _saved(NeedEvidence(need=need), details)


@transaction.atomic
def save_goal(
    goal: Goal | None = None,
    *,
    by: Any,
    needs: Iterable[CommunityNeed] | None = None,
    **details: Any,
) -> Goal:
    """Create a goal (`goal` None) or change one, and the needs it answers."""
    goal = _saved(goal or Goal(), details)
    if needs is not None:
        goal.needs.set(list(needs))
    return goal


@transaction.atomic
def save_indicator(
    indicator: Indicator | None = None, *, by: Any, goal: Goal | None = None, **details: Any
) -> Indicator:
    """Create an indicator of `goal`, or change `indicator`."""
    if indicator is None:
        indicator = Indicator(goal=goal)
    return _saved(indicator, details)


def _store(
    indicator: Indicator,
    *,
    by: Any,
    period_start: Any,
    period_end: Any,
    value: Decimal | None,
    suppressed: str,
    source: str,
    note: str,
) -> IndicatorValue:
    """One value per indicator and period: a second one for the same period replaces it."""
    stored = IndicatorValue.objects.filter(
        indicator=indicator, period_start=period_start, period_end=period_end
    ).first() or IndicatorValue(
        indicator=indicator, period_start=period_start, period_end=period_end
    )
    stored.value = value
    stored.suppressed = suppressed
    stored.source = source
    stored.note = note
    stored.recorded_by = by if getattr(by, "pk", None) else None
    stored.full_clean(validate_unique=False)
    stored.save()
    return stored


@transaction.atomic
def record_value(
    indicator: Indicator,
    *,
    by: Any,
    period_start: Any,
    period_end: Any,
    value: Decimal | None,
    note: str = "",
) -> IndicatorValue:
    """A value entered by hand for one period."""
    return _store(
        indicator,
        by=by,
        period_start=period_start,
        period_end=period_end,
        value=value,
        suppressed="",
        source=ValueSource.MANUAL,
        note=note,
    )


def offered_quarters(today: Any) -> list[Quarter]:
    """The quarters a value may be computed for, the most recent first."""
    return completed_quarters(today, QUARTERS_OFFERED)


@transaction.atomic
def compute_value(indicator: Indicator, *, by: Any, quarter: Quarter) -> IndicatorValue:
    """The indicator's ready-made measure computed from the system's data for one completed
    quarter; a figure resting on 1 to 10 people is kept as suppressed, without its value."""
    if not indicator.measure:
        raise ValidationError({"measure": NOT_COMPUTED})
    period = measures.Period(quarter.start, quarter.end)
    result = measures.compute(indicator.measure, measure_data.gather(period), period)
    return _store(
        indicator,
        by=by,
        period_start=period.start,
        period_end=period.end,
        value=None if result.value is None else Decimal(str(result.value)),
        suppressed=result.suppressed.value if result.suppressed else "",
        source=ValueSource.COMPUTED,
        note="",
    )


@transaction.atomic
def remove_value(value: IndicatorValue, *, by: Any) -> None:
    value.delete()


class Curve(enum.Enum):
    """Where the latest value stands against the baseline and target ("turning the curve")."""

    NO_DATA = "no-data"
    TARGET_MET = "target-met"
    BETTER = "better"  # better than the baseline, target not yet met
    SAME = "same"
    WORSE = "worse"


def curve(
    direction: str, baseline: Decimal | None, latest: Decimal | None, target: Decimal | None
) -> Curve:
    """Compare `latest` with `baseline` and `target`, in the indicator's better direction."""
    if latest is None:
        return Curve.NO_DATA
    sign = 1 if direction == "up" else -1
    if target is not None and sign * (latest - target) >= 0:
        return Curve.TARGET_MET
    if baseline is None or latest == baseline:
        return Curve.SAME
    return Curve.BETTER if sign * (latest - baseline) > 0 else Curve.WORSE
