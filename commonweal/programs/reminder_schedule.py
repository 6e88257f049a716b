"""When a personal reminder goes: its occurrences and the safe-hours rule. Pure, no database.

Times are wall-clock times in the plan's time zone (recurrence.py's rule), so an 8 am pill
stays at 8 am across a daylight-saving change. A message due outside the person's safe
hours waits for the next start of those hours; one that would then arrive after the thing
it reminds of is not sent at all (a reminder after the appointment is noise, and a 3 am
text is what the safe hours exist to prevent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from commonweal.programs import recurrence

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_TIMES = 4  # four a day covers every medication schedule a reminder is useful for


@dataclass(frozen=True)
class Schedule:
    starts_on: dt.date
    times: tuple[dt.time, ...]
    repeat: str  # "once", "daily", "weekly"
    weekdays: tuple[str, ...] = ()
    ends_on: dt.date | None = None
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Due:
    wall: dt.datetime  # the occurrence's local start, naive: what the outbox key names
    start: dt.datetime  # aware
    send_at: dt.datetime  # aware, inside the safe hours


def _rule(schedule: Schedule) -> str:
    if schedule.repeat == "once":
        return ""
    until = f"UNTIL={schedule.ends_on:%Y%m%d}" if schedule.ends_on else ""
    parts = ["FREQ=DAILY" if schedule.repeat == "daily" else "FREQ=WEEKLY"]
    if schedule.repeat == "weekly" and schedule.weekdays:
        parts.append("BYDAY=" + ",".join(schedule.weekdays))
    if until:
        parts.append(until)
    return ";".join(parts)


def wall_starts(schedule: Schedule) -> list[dt.datetime]:
    """Every local start, in order; RecurrenceError when the rule is unusable (no end,
    too many, none at all)."""
    rule = _rule(schedule)
    found: set[dt.datetime] = set()
    for at in schedule.times:
        first = dt.datetime.combine(schedule.starts_on, at)
        found.update(recurrence.wall_starts(first=first, rule=rule, time_zone=schedule.time_zone))
    if not found:
        raise recurrence.RecurrenceError(recurrence.NO_OCCURRENCE)
    return sorted(found)


def in_window(moment: dt.time, window: tuple[dt.time, dt.time]) -> bool:
    start, end = window
    return start <= moment < end


def send_time(
    wall: dt.datetime,
    *,
    lead: dt.timedelta,
    window: tuple[dt.time, dt.time],
    tz: ZoneInfo,
) -> dt.datetime | None:
    """When the reminder of the occurrence starting at `wall` (local) goes, or None.

    The lead is taken on the wall clock ("the day before at 3 pm" is 3 pm whatever the
    offset), then moved to the window's next start if it falls outside the window."""
    start = recurrence.localize(wall, tz)
    due_wall = wall - lead
    if not in_window(due_wall.time(), window):
        day = due_wall.date()
        if due_wall.time() >= window[1]:
            day += dt.timedelta(days=1)
        due_wall = dt.datetime.combine(day, window[0])
        if recurrence.localize(due_wall, tz) >= start:
            return None
    return recurrence.localize(due_wall, tz)


def due_between(
    schedule: Schedule,
    *,
    lead: dt.timedelta,
    window: tuple[dt.time, dt.time],
    after: dt.datetime,
    until: dt.datetime,
) -> list[Due]:
    """The reminders whose send time is in [after, until)."""
    tz = recurrence.zone(schedule.time_zone)
    found = []
    for wall in wall_starts(schedule):
        at = send_time(wall, lead=lead, window=window, tz=tz)
        if at is None or at < after:
            continue
        if at >= until:
            break  # send times grow with the starts: nothing later is due sooner
        found.append(Due(wall=wall, start=recurrence.localize(wall, tz), send_at=at))
    return found


def next_due(
    schedule: Schedule,
    *,
    lead: dt.timedelta,
    window: tuple[dt.time, dt.time],
    after: dt.datetime,
    limit: int = 3,
) -> list[Due]:
    """The next `limit` reminders after `after` (for the manage page)."""
    tz = recurrence.zone(schedule.time_zone)
    found: list[Due] = []
    for wall in wall_starts(schedule):
        at = send_time(wall, lead=lead, window=window, tz=tz)
        if at is None or at < after:
            continue
        found.append(Due(wall=wall, start=recurrence.localize(wall, tz), send_at=at))
        if len(found) >= limit:
            break
    return found
