"""Expanding a session's schedule (RFC 5545 RRULE, EXDATE, cancellations) into dated occurrences.

Pure: takes and returns plain values, no database. Times are wall-clock times in the
programme's time zone, so a 6 pm group stays at 6 pm across a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

# A programme's schedule is read by people, not generated without end: a weekly group over
# ten years is 520 sessions. A bigger rule is almost always a mistake (a daily rule with no
# end), and expanding it on every page view would cost more than it is worth.
MAX_OCCURRENCES = 520
# Frequencies a community programme uses. HOURLY and finer (RFC 5545 3.3.10) are refused:
# they make hundreds of sessions a week, never what a partner means.
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}

UNBOUNDED = (
    "The repeat rule never ends. Add COUNT (how many times) or UNTIL (the last date), "
    "for example FREQ=WEEKLY;COUNT=10."
)
TOO_MANY = (
    "The repeat rule makes more than {limit} sessions. Use a smaller COUNT or an earlier UNTIL."
)
BAD_FREQUENCY = "The repeat rule must repeat daily, weekly, monthly or yearly (FREQ=…)."
BAD_RULE = "The repeat rule is not a valid RFC 5545 rule: {reason}."
BAD_ZONE = "Unknown time zone: {zone}."
NO_OCCURRENCE = "The repeat rule makes no session at all from the first date."


class RecurrenceError(ValueError):
    """A rule that cannot be used; the message says what is wrong in plain words."""


@dataclass(frozen=True)
class Occurrence:
    """One dated session: `key` is its original local start (what EXDATE and cancellations name)."""

    key: dt.datetime  # naive, wall-clock time in the programme's zone
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    cancelled: bool = False


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RecurrenceError(BAD_ZONE.format(zone=name)) from error


def localize(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A wall-clock time in `tz`. fold=0 is RFC 5545 3.3.5's rule: an ambiguous time (the hour
    repeated in autumn) is its first occurrence, and a time in the spring gap takes the UTC
    offset from before the gap (02:30 on the change day is 03:30 daylight time). The round
    trip through UTC turns a time in the gap into the real time it names."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(dt.UTC).astimezone(tz)


def normalize_rule(text: str) -> str:
    """The rule without an "RRULE:" prefix, upper-case, no spaces."""
    rule = "".join(text.split()).upper()
    return rule.removeprefix("RRULE:")


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in rule.split(";"):
        name, sep, value = piece.partition("=")
        if not sep or not name:
            raise RecurrenceError(BAD_RULE.format(reason=f"“{piece}” is not NAME=VALUE"))
        parts[name] = value
    return parts


def _local_until(value: str, tz: ZoneInfo) -> str:
    """UNTIL as a local wall time: a UTC UNTIL (…Z) converted, a date taken as its last second."""
    try:
        if value.endswith("Z"):
            utc = dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            return utc.astimezone(tz).strftime("%Y%m%dT%H%M%S")
        if "T" in value:
            dt.datetime.strptime(value, "%Y%m%dT%H%M%S")
            return value
        return dt.datetime.strptime(value, "%Y%m%d").strftime("%Y%m%dT235959")
    except ValueError as error:
        raise RecurrenceError(BAD_RULE.format(reason=f"UNTIL “{value}” is not a date")) from error


def parse_rule(text: str, *, first: dt.datetime, time_zone: str) -> rrule:
    """The rule as a dateutil rrule over naive wall-clock times, or RecurrenceError.

    Refuses a rule with neither COUNT nor UNTIL and one that makes more than
    MAX_OCCURRENCES sessions, so every stored rule can be expanded in full."""
    tz = zone(time_zone)
    rule = normalize_rule(text)
    parts = _parts(rule)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(BAD_FREQUENCY)
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RecurrenceError(UNBOUNDED)
    if "UNTIL" in parts:
        parts["UNTIL"] = _local_until(parts["UNTIL"], tz)
    rebuilt = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        parsed = rrulestr(rebuilt, dtstart=first.replace(tzinfo=None), forceset=False)
    except (ValueError, TypeError, KeyError) as error:
        raise RecurrenceError(BAD_RULE.format(reason=str(error) or type(error).__name__)) from error
    if not isinstance(parsed, rrule):
        raise RecurrenceError(BAD_RULE.format(reason="one RRULE only"))
    if len(list(islice(parsed, MAX_OCCURRENCES + 1))) > MAX_OCCURRENCES:
        raise RecurrenceError(TOO_MANY.format(limit=MAX_OCCURRENCES))
    if next(iter(parsed), None) is None:
        raise RecurrenceError(NO_OCCURRENCE)
    return parsed


def wall_starts(*, first: dt.datetime, rule: str, time_zone: str) -> list[dt.datetime]:
    """Every original local start of a schedule: the first start alone, or the rule's."""
    if not rule:
        return [first.replace(tzinfo=None)]
    return list(parse_rule(rule, first=first, time_zone=time_zone))


def expand(
    *,
    first: dt.datetime,
    duration: dt.timedelta,
    time_zone: str,
    rule: str = "",
    exdates: Iterable[dt.datetime] = (),
    cancelled: Iterable[dt.datetime] = (),
    window_start: dt.datetime | None = None,
    window_end: dt.datetime | None = None,
) -> list[Occurrence]:
    """The occurrences overlapping [window_start, window_end) (aware; open ends allowed).

    EXDATE removes an occurrence (it never happens); a cancellation keeps it, marked, so the
    calendar can say "cancelled" to people who planned to come."""
    tz = zone(time_zone)
    excluded = {moment.replace(tzinfo=None) for moment in exdates}
    dropped = {moment.replace(tzinfo=None) for moment in cancelled}
    found = []
    for wall in wall_starts(first=first, rule=rule, time_zone=time_zone):
        if wall in excluded:
            continue
        start = localize(wall, tz)
        # Elapsed time, in UTC: aware arithmetic in one zone is wall-clock arithmetic, and a
        # 2-hour class that spans a change still lasts 2 hours.
        end = (start.astimezone(dt.UTC) + duration).astimezone(tz)
        if window_start is not None and end <= window_start:
            continue
        if window_end is not None and start >= window_end:
            break
        found.append(Occurrence(key=wall, start=start, end=end, cancelled=wall in dropped))
    return found


def rule_for_ical(text: str, *, time_zone: str) -> str:
    """The rule as an iCalendar feed must carry it: with DTSTART in a zone, RFC 5545 3.3.10
    wants UNTIL in UTC, so a local or date UNTIL is converted."""
    tz = zone(time_zone)
    parts = _parts(normalize_rule(text))
    if "UNTIL" in parts:
        wall = dt.datetime.strptime(_local_until(parts["UNTIL"], tz), "%Y%m%dT%H%M%S")
        parts["UNTIL"] = localize(wall, tz).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{name}={value}" for name, value in parts.items())
