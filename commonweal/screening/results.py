"""ScoreResult to and from JSON, for storing a screening's result beside its answers.

Tolerant by design: a field added to the contract later (types.py) is kept when present
and left at its default when reading an older stored result; unknown keys are ignored.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from commonweal.screening.types import NotScorable, Safety, Score, ScoreResult


def to_json(result: ScoreResult) -> dict[str, Any]:
    data = dataclasses.asdict(result)
    # Tuples become lists in JSON anyway; say so explicitly for a stable stored shape.
    return _listify(data)


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _listify(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_listify(item) for item in value]
    return value


def _build(cls: type, data: dict[str, Any]) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for name, value in data.items():
        if name not in known:
            continue
        kwargs[name] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def from_json(data: dict[str, Any]) -> ScoreResult:
    if not data:
        raise ValueError("no stored result")
    scores = tuple(_build(Score, item) for item in data.get("scores", []))
    not_scorable = tuple(_build(NotScorable, item) for item in data.get("not_scorable", []))
    safety = _build(Safety, data.get("safety") or {})
    rest = {
        key: value for key, value in data.items() if key not in {"scores", "not_scorable", "safety"}
    }
    result = _build(ScoreResult, {**rest, "scores": [], "not_scorable": []})
    return dataclasses.replace(result, scores=scores, not_scorable=not_scorable, safety=safety)
