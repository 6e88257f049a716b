"""A person's screenings over time: the list, and a trend chart per score seen twice or more."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.screening import instruments, presenting, results, trend
from commonweal.screening.models import Screening
from commonweal.screening.types import ScoreResult

SCREENING_TYPE = "screening.screening"


@dataclass(frozen=True)
class Row:
    screening: Screening
    instrument_name: str
    result: ScoreResult | None
    presented: presenting.Presented | None


@dataclass(frozen=True)
class History:
    rows: tuple[Row, ...]
    charts: tuple[trend.Chart, ...]


def instrument_name(code: str) -> str:
    try:
        return instruments.get(code).name_in("en")
    except Exception:  # an instrument removed since: show its code rather than fail
        return code


def score_scale(instrument_code: str, score_code: str) -> tuple[float, float] | None:
    """The possible range of a score, from its instrument's bands (e.g. PHQ-9: 0–27)."""
    try:
        instrument = instruments.get(instrument_code)
    except Exception:
        return None
    for rule in instrument.scores:
        if rule.get("code") == score_code and rule.get("bands"):
            bands = rule["bands"]
            return (min(b["min"] for b in bands), max(b["max"] for b in bands))
    return None


def _result(screening: Screening) -> ScoreResult | None:
    try:
        return results.from_json(screening.result)
    except (ValueError, TypeError):
        return None


def build(screenings: list[Screening]) -> History:
    rows = []
    for screening in screenings:
        result = _result(screening)
        rows.append(
            Row(
                screening=screening,
                instrument_name=instrument_name(screening.instrument),
                result=result,
                presented=presenting.present(result) if result is not None else None,
            )
        )
    series: dict[tuple[str, str], list[tuple[dt.datetime, float, str | None]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.result is None:
            continue
        for score in row.result.scores:
            if score.value is None:
                continue
            key = (row.screening.instrument, score.code)
            band = str(presenting.BAND_WORDS.get(score.band, score.band)) if score.band else None
            series[key].append((row.screening.created_at, float(score.value), band))
            domains = row.presented.domains if row.presented else ()
            headings = {d.score.code: d.heading for d in domains}
            heading = headings.get(score.code, score.name)
            if list(headings.values()).count(heading) > 1:
                # Two scores of one domain (WHO-5 raw and percentage): name the score too.
                heading = f"{heading} ({score.name})"
            names[key] = f"{row.instrument_name}: {heading}"
    charts = tuple(
        trend.build(
            code=score_code,
            name=names[(instrument_code, score_code)],
            values=values,
            scale=score_scale(instrument_code, score_code),
        )
        for (instrument_code, score_code), values in sorted(series.items())
        if len(values) >= 2
    )
    return History(rows=tuple(rows), charts=charts)


def for_person(*, person: Any, by: Any, request: HttpRequest | None = None) -> History:
    """The person's screenings (newest first) and charts; the read is audit-logged.

    The caller has already checked that `by` may see `person`."""
    screenings = list(Screening.objects.for_person(person).select_related("organization"))
    if screenings:
        audit.record(
            action=AuditEvent.Action.VIEW,
            actor=by,
            object_type=SCREENING_TYPE,
            object_id="history",
            person_id=str(person.pk),
            request=request,
            detail={"read": "screening_history", "screenings": [str(s.pk) for s in screenings]},
        )
    return build(screenings)
