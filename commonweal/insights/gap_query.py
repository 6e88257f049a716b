"""The gap analysis as a page or API caller asks for it: parameters, their defaults and checks.

Pure (no database): `parse` turns a query string's values into a `GapQuery` and a list of
what is wrong, each naming the field, so the page, the downloads and the API refuse bad
input with the same words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from django.utils.translation import gettext as _

from commonweal.insights.gaps import LUO_QI_STEPS

# The page's method choices: the three methods of gaps.compute, the enhanced 2SFCA twice
# (Luo & Qi's stepped bands, or Gaussian decay with a width sigma).
METHODS: tuple[str, ...] = ("2sfca", "e2sfca", "e2sfca-gaussian", "gravity")
ROLL_UPS: tuple[str, ...] = ("tract", "zip", "county")
SCALES: tuple[str, ...] = ("per10k", "normalized")

DEFAULT_RADIUS_KM = 30.0
# 500 km is wider than any catchment in the 2SFCA literature (Luo & Wang used 30 minutes);
# beyond it a "catchment" is the whole region and the page would only be slow.
MAX_RADIUS_KM = 500.0
DEFAULT_SIGMA_KM = 10.0
DEFAULT_BETA = 1.0
# Gravity: distances under 1 km count as 1 km, so a tract centre on top of a site does not
# take an infinite weight (the command's default too).
DEFAULT_MIN_COST_KM = 1.0
# A tract of a few dozen people (a park, an airport, a prison's census block) would top a
# least-served list on noise; 100 keeps such near-empty tracts off it.
DEFAULT_MIN_POPULATION = 100
MAX_STEPS = 10


@dataclass(frozen=True)
class GapQuery:
    category: str = ""
    method: str = "2sfca"
    radius_km: float = DEFAULT_RADIUS_KM
    steps: tuple[tuple[float, float], ...] = LUO_QI_STEPS
    sigma_km: float = DEFAULT_SIGMA_KM
    beta: float = DEFAULT_BETA
    min_cost_km: float = DEFAULT_MIN_COST_KM
    min_population: int = DEFAULT_MIN_POPULATION
    by: Literal["tract", "zip", "county"] = "tract"
    scale: Literal["per10k", "normalized"] = "per10k"
    need: bool = False

    @property
    def normalized(self) -> bool:
        return self.scale == "normalized"

    def as_params(self) -> dict[str, str]:
        """The query as query-string values (for download links and the API's echo)."""
        return {
            "category": self.category,
            "method": self.method,
            "radius_km": _text(self.radius_km),
            "steps": steps_text(self.steps),
            "sigma_km": _text(self.sigma_km),
            "beta": _text(self.beta),
            "min_cost_km": _text(self.min_cost_km),
            "min_population": str(self.min_population),
            "by": self.by,
            "scale": self.scale,
            "need": "1" if self.need else "",
        }


FIELDS = tuple(f.name for f in fields(GapQuery))


def steps_text(steps: tuple[tuple[float, float], ...]) -> str:
    return ",".join(f"{_text(bound)}:{_text(weight)}" for bound, weight in steps)


def _text(value: float) -> str:
    return f"{value:g}"


def _number(
    raw: Any, default: float, label: str, errors: list[str], *, low: float, high: float | None
) -> float:
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        errors.append(
            _("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": text[:40]}
        )
        return default
    if not math.isfinite(value):
        errors.append(
            _("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": text[:40]}
        )
        return default
    if not value > low or (high is not None and value > high):
        if high is None:
            errors.append(
                _("%(field)s must be more than %(low)s.") % {"field": label, "low": _text(low)}
            )
        else:
            errors.append(
                _("%(field)s must be more than %(low)s and at most %(high)s.")
                % {"field": label, "low": _text(low), "high": _text(high)}
            )
        return default
    return value


def parse_steps(raw: Any, errors: list[str]) -> tuple[tuple[float, float], ...]:
    """ "10:1,20:0.68,30:0.22" → ((10, 1), (20, 0.68), (30, 0.22)); bounds > 0, weights 0–1."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return LUO_QI_STEPS
    label = _("Distance bands")
    steps: list[tuple[float, float]] = []
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > MAX_STEPS:
        errors.append(_("%(field)s: give at most %(n)d bands.") % {"field": label, "n": MAX_STEPS})
        return LUO_QI_STEPS
    for part in parts:
        bound, sep, weight = part.partition(":")
        try:
            if not sep:
                raise ValueError
            pair = (float(bound), float(weight))
        except ValueError:
            errors.append(
                _(
                    "%(field)s: “%(part)s” is not DISTANCE:WEIGHT (for example 10:1,20:0.68,30:0.22)."
                )
                % {"field": label, "part": part[:40]}
            )
            return LUO_QI_STEPS
        if not (math.isfinite(pair[0]) and pair[0] > 0 and math.isfinite(pair[1])):
            errors.append(
                _("%(field)s: each distance must be a number above 0.") % {"field": label}
            )
            return LUO_QI_STEPS
        if not 0 <= pair[1] <= 1:
            errors.append(_("%(field)s: each weight must be from 0 to 1.") % {"field": label})
            return LUO_QI_STEPS
        steps.append(pair)
    bounds = [b for b, _w in steps]
    if len(set(bounds)) != len(bounds):
        errors.append(_("%(field)s: a distance is given twice.") % {"field": label})
        return LUO_QI_STEPS
    return tuple(sorted(steps))


def _choice(raw: Any, choices: tuple[str, ...], default: str, label: str, errors: list[str]) -> str:
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return default
    if text not in choices:
        errors.append(
            _("%(field)s: “%(value)s” is not one of %(choices)s.")
            % {"field": label, "value": text[:40], "choices": ", ".join(choices)}
        )
        return default
    return text


class ParamError(str):
    """A message for the reader that also knows its query parameter (the API names it)."""

    parameter: str

    def __new__(cls, parameter: str, message: str) -> ParamError:
        error = super().__new__(cls, message)
        error.parameter = parameter
        return error


def parse(values: Mapping[str, Any]) -> tuple[GapQuery, list[ParamError]]:
    """A GapQuery from query-string values (absent or blank means the default) and the errors.

    The category is only checked for presence here; whether a term has that code is the
    caller's question (it needs the directory).
    """
    found: list[ParamError] = []

    def field(parameter: str, read: Any) -> Any:
        errors: list[str] = []
        value = read(values.get(parameter), errors)
        found.extend(ParamError(parameter, message) for message in errors)
        return value

    def number(label: str, default: float, high: float) -> Any:
        return lambda raw, errors: _number(raw, default, label, errors, low=0, high=high)

    def choice(label: str, choices: tuple[str, ...], default: str) -> Any:
        return lambda raw, errors: _choice(raw, choices, default, label, errors)

    query = GapQuery(
        category=str(values.get("category") or "").strip()[:64],
        method=field("method", choice(_("Method"), METHODS, "2sfca")),
        radius_km=field(
            "radius_km", number(_("Catchment distance"), DEFAULT_RADIUS_KM, MAX_RADIUS_KM)
        ),
        steps=field("steps", parse_steps),
        sigma_km=field("sigma_km", number(_("Gaussian width"), DEFAULT_SIGMA_KM, MAX_RADIUS_KM)),
        beta=field("beta", number(_("Gravity exponent"), DEFAULT_BETA, 10)),
        min_cost_km=field(
            "min_cost_km", number(_("Gravity minimum distance"), DEFAULT_MIN_COST_KM, MAX_RADIUS_KM)
        ),
        min_population=field("min_population", _min_population),
        by=field("by", choice(_("Rank by"), ROLL_UPS, "tract")),
        scale=field("scale", choice(_("Scores"), SCALES, "per10k")),
        need=str(values.get("need") or "").strip().lower() in {"1", "true", "on", "yes"},
    )
    return query, found


def _min_population(raw: Any, errors: list[str]) -> int:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return DEFAULT_MIN_POPULATION
    if text.isdigit() and int(text) <= 10_000_000:
        return int(text)
    errors.append(
        _("%(field)s: “%(value)s” is not a whole number of people from 0 up.")
        % {"field": _("Minimum area population"), "value": text[:40]}
    )
    return DEFAULT_MIN_POPULATION


def compute_options(query: GapQuery) -> dict[str, Any]:
    """The keyword arguments of gaps.compute for this query (method, cut-off and decay)."""
    options: dict[str, Any] = {
        "method": "e2sfca" if query.method == "e2sfca-gaussian" else query.method,
        "max_cost": query.radius_km,
        "normalize": query.normalized,
    }
    if query.method == "e2sfca":
        options["steps"] = list(query.steps)
    elif query.method == "e2sfca-gaussian":
        options["sigma"] = query.sigma_km
    elif query.method == "gravity":
        options["beta"] = query.beta
        options["min_cost"] = query.min_cost_km
    return options
