"""Is a service open now, or at a given time? From HSDS 3.0 schedule rows, in the service's
own time zone.

What a schedule row means here (HSDS 3.0 `schedule`, iCalendar RRULE fields):

- A **regular** row has `freq` WEEKLY (or blank) with `byday` ("MO,TU"), or MONTHLY with
  `byday` ordinals ("1MO" first Monday, "-1FR" last Friday, plain "MO" every Monday) or
  `bymonthday` ("1,15", "-1" the last day). It applies on dates inside `valid_from` ..
  `valid_to` and `dtstart` .. `until` (all inclusive, each end optional); `interval` > 1
  counts weeks or months from `dtstart`. `count` and `wkst` are not used (an RRULE with a
  count would need its whole expansion; no source we import sets them).
- A **closure** is a dated row (`valid_from`/`valid_to`) with no opening or closing time,
  or a dated row without days whose description/notes says closed ("Closed for
  Thanksgiving", "cerrado"): no opening starts on those dates. This is how holidays
  arrive from sources and how `hours.describe` shows them ("Closed"). A row with days
  and no times that says closed ("Closed" on SU, or Mondays in December) closes just
  those days.
- A **special-hours** row is dated, with times and no days: on those dates its hours
  replace the regular ones (a short day before a holiday).
- `opens_at` == `closes_at` == 00:00 (or closing 23:59) is open all day; a closing time
  before the opening time runs past midnight (Fri 22:00–02:00 is open on Saturday 01:00).
  A row with only one of the two times ("until 6 pm") says too little and is not used.
- Time zone: the row's `timezone` (HSDS: a UTC offset in hours, so without daylight
  saving) when any row sets one, else the zone of the location's state
  (`zone_for_state`), else settings.TIME_ZONE. Daylight-saving days are handled by
  placing each opening and closing in the zone separately.

A service whose rows give no times at all (only a description) has no open state:
`OpenState(None, "")`, and the API says `open_now: null`.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINAL_DAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_CLOSED_WORDS = re.compile(r"\b(closed|cerrado|cerrada|ferm[eé]|holiday closure)\b", re.I)
END_OF_DAY_TIMES = (dt.time(23, 59), dt.time(23, 59, 59))
MIDNIGHT = dt.time(0, 0)
LOOKAHEAD_DAYS = 8  # how far to look for the next opening ("opens Monday")
LONG_LOOKAHEAD_DAYS = 40  # then as far as a monthly distribution ("opens December 7")

# The main zone of each state (states split between zones take the zone most people
# live in: Florida's panhandle west of the Apalachicola is Central, Miami is Eastern).
STATE_TIME_ZONES = {
    "AL": "America/Chicago",
    "AK": "America/Anchorage",
    "AZ": "America/Phoenix",
    "AR": "America/Chicago",
    "CA": "America/Los_Angeles",
    "CO": "America/Denver",
    "CT": "America/New_York",
    "DE": "America/New_York",
    "DC": "America/New_York",
    "FL": "America/New_York",
    "GA": "America/New_York",
    "HI": "Pacific/Honolulu",
    "ID": "America/Boise",
    "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago",
    "KS": "America/Chicago",
    "KY": "America/New_York",
    "LA": "America/Chicago",
    "ME": "America/New_York",
    "MD": "America/New_York",
    "MA": "America/New_York",
    "MI": "America/Detroit",
    "MN": "America/Chicago",
    "MS": "America/Chicago",
    "MO": "America/Chicago",
    "MT": "America/Denver",
    "NE": "America/Chicago",
    "NV": "America/Los_Angeles",
    "NH": "America/New_York",
    "NJ": "America/New_York",
    "NM": "America/Denver",
    "NY": "America/New_York",
    "NC": "America/New_York",
    "ND": "America/Chicago",
    "OH": "America/New_York",
    "OK": "America/Chicago",
    "OR": "America/Los_Angeles",
    "PA": "America/New_York",
    "PR": "America/Puerto_Rico",
    "RI": "America/New_York",
    "SC": "America/New_York",
    "SD": "America/Chicago",
    "TN": "America/Chicago",
    "TX": "America/Chicago",
    "UT": "America/Denver",
    "VT": "America/New_York",
    "VA": "America/New_York",
    "WA": "America/Los_Angeles",
    "WV": "America/New_York",
    "WI": "America/Chicago",
    "WY": "America/Denver",
    "GU": "Pacific/Guam",
    "VI": "America/St_Thomas",
    "AS": "Pacific/Pago_Pago",
    "MP": "Pacific/Saipan",
}


@dataclass(frozen=True)
class OpenState:
    """Whether a service is open at a moment, and a short translated label to show.

    `is_open` is None (and `label` "") when the schedules say nothing about hours.
    `closes` / `opens` are the end of the current opening / the start of the next one.
    """

    is_open: bool | None
    label: str
    closes: dt.datetime | None = None
    opens: dt.datetime | None = None


NO_SCHEDULE = OpenState(is_open=None, label="")


def zone_for_state(state: str | None) -> zoneinfo.ZoneInfo:
    """The time zone for a US state or territory code ("FL"), else settings.TIME_ZONE."""
    name = STATE_TIME_ZONES.get((state or "").strip().upper(), settings.TIME_ZONE)
    return zoneinfo.ZoneInfo(name)


def zone_for_addresses(addresses: Iterable[Any]) -> zoneinfo.ZoneInfo:
    """The zone of a location from its addresses' state (physical address first)."""
    ordered = sorted(addresses, key=lambda a: getattr(a, "address_type", "") != "physical")
    for address in ordered:
        state = (getattr(address, "state_province", "") or "").strip().upper()
        if state in STATE_TIME_ZONES:
            return zone_for_state(state)
    return zone_for_state(None)


def applicable_schedules(
    *,
    service_id: Any,
    service_rows: Iterable[Any] = (),
    location_rows: Iterable[Any] = (),
    sal_rows: Iterable[Any] = (),
) -> list[Any]:
    """The rows that say when a service is open at one location, most specific first:
    the service-at-location's own rows; else the location's rows for this service; else
    the service's own rows (tied to no location); else the location's general hours.
    Rows of the set that applies are used together (regular hours plus their closures).
    """
    sal_rows = list(sal_rows)
    if sal_rows:
        return sal_rows
    location_rows = list(location_rows)
    for_service = [r for r in location_rows if getattr(r, "service_id", None) == service_id]
    if for_service:
        return for_service
    own = [
        r
        for r in service_rows
        if getattr(r, "location_id", None) is None
        and getattr(r, "service_at_location_id", None) is None
    ]
    if own:
        return own
    return [r for r in location_rows if getattr(r, "service_id", None) is None]


def _zone(schedules: Sequence[Any], zone: dt.tzinfo | str | None) -> dt.tzinfo:
    for row in schedules:
        offset = getattr(row, "timezone", None)
        if offset is not None and -14 <= offset <= 14:
            return dt.timezone(dt.timedelta(hours=float(offset)))
    if isinstance(zone, str):
        return zone_for_state(zone) if len(zone) == 2 else zoneinfo.ZoneInfo(zone)
    return zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _tokens(text: str | None) -> list[str]:
    return [t.strip().upper() for t in (text or "").split(",") if t.strip()]


def _within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _is_dated(row: Any) -> bool:
    return (
        getattr(row, "valid_from", None) is not None or getattr(row, "valid_to", None) is not None
    )


def _has_recurrence(row: Any) -> bool:
    freq = (getattr(row, "freq", "") or "").upper()
    return bool(_tokens(row.byday) or _tokens(getattr(row, "bymonthday", "")) or freq == "DAILY")


def _is_closure(row: Any) -> bool:
    """A row that says the service is closed: dated with no times ("Thanksgiving"), dated
    and saying so ("Closed for Christmas", times or not), or recurring with no times and
    saying so ("Closed" on Sundays). A recurring row with times is regular hours whatever
    its description says ("Summer hours; closed on holidays")."""
    text = f"{getattr(row, 'description', '') or ''} {getattr(row, 'notes', '') or ''}"
    says_closed = bool(_CLOSED_WORDS.search(text))
    no_times = row.opens_at is None and row.closes_at is None
    if _has_recurrence(row):
        return no_times and says_closed
    return _is_dated(row) and (no_times or says_closed)


def _covers(row: Any, day: dt.date) -> bool:
    """Whether a closure or special-hours row applies on `day`."""
    if _has_recurrence(row):
        return _recurs_on(row, day)  # "Closed Mondays in December": only those Mondays
    return _within(day, row.valid_from, row.valid_to)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _nth_weekday_matches(day: dt.date, n: int) -> bool:
    """Whether `day` is the n-th (1-based; negative from the end) such weekday of its month."""
    if n > 0:
        return (day.day - 1) // 7 + 1 == n
    days_in_month = (
        dt.date(day.year + day.month // 12, day.month % 12 + 1, 1) - dt.timedelta(days=1)
    ).day
    return (days_in_month - day.day) // 7 + 1 == -n


def _recurs_on(row: Any, day: dt.date) -> bool:
    """Whether a regular row's rule includes `day`."""
    if not _within(day, getattr(row, "dtstart", None), getattr(row, "until", None)):
        return False
    if not _within(day, row.valid_from, row.valid_to):
        return False
    freq = (getattr(row, "freq", "") or "").upper() or "WEEKLY"
    interval = getattr(row, "interval", None) or 1
    start = getattr(row, "dtstart", None)
    code = DAY_CODES[day.weekday()]
    if freq == "DAILY":
        return interval <= 1 or start is None or (day - start).days % interval == 0
    if freq == "WEEKLY":
        if interval > 1 and start is not None:
            # Whole weeks between the Mondays of the two weeks (dtstart may be any day).
            weeks = (
                (day - dt.timedelta(days=day.weekday()))
                - (start - dt.timedelta(days=start.weekday()))
            ).days // 7
            if weeks % interval:
                return False
        return code in _tokens(row.byday)
    if freq == "MONTHLY":
        if interval > 1 and start is not None:
            if (_month_index(day) - _month_index(start)) % interval:
                return False
        for token in _tokens(row.byday):
            match = _ORDINAL_DAY.match(token)
            if not match or match.group(2) != code:
                continue
            if match.group(1) is None or _nth_weekday_matches(day, int(match.group(1))):
                return True
        days_in_month = (_month_start(day, 1) - dt.timedelta(days=1)).day
        for token in _tokens(getattr(row, "bymonthday", "")):
            try:
                n = int(token)
            except ValueError:
                continue
            if n == day.day or (n < 0 and days_in_month + n + 1 == day.day):
                return True
    return False


def _month_start(day: dt.date, months_ahead: int) -> dt.date:
    index = _month_index(day) + months_ahead
    return dt.date(index // 12, index % 12 + 1, 1)


def _period(row: Any, day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime] | None:
    """The opening of `row` that starts on `day`, as aware datetimes in `zone`."""
    opens, closes = row.opens_at, row.closes_at
    if opens is None or closes is None:
        # "Until 6 pm" alone ("Dismissal bell 6:00pm") does not say when it opens.
        return None
    start = dt.datetime.combine(day, opens)
    if closes in END_OF_DAY_TIMES or closes <= opens:
        # Closing at or before opening runs past midnight; 00:00–00:00 is the whole day.
        end_day = day + dt.timedelta(days=1)
        end_time = MIDNIGHT if closes in END_OF_DAY_TIMES else closes
        end = dt.datetime.combine(end_day, end_time)
    else:
        end = dt.datetime.combine(day, closes)
    # Compared in UTC: aware datetimes sharing a tzinfo compare by wall clock, which is
    # wrong across a daylight-saving change.
    return start.replace(tzinfo=zone).astimezone(dt.UTC), end.replace(tzinfo=zone).astimezone(
        dt.UTC
    )


def _periods(
    schedules: Sequence[Any], first: dt.date, last: dt.date, zone: dt.tzinfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    closures = [row for row in schedules if _is_closure(row)]
    special = [
        row
        for row in schedules
        if _is_dated(row) and not _is_closure(row) and not _has_recurrence(row)
    ]
    regular = [row for row in schedules if _has_recurrence(row) and not _is_closure(row)]
    periods = []
    day = first
    while day <= last:
        if not any(_covers(row, day) for row in closures):
            todays_special = [row for row in special if _covers(row, day)]
            rows = todays_special or [row for row in regular if _recurs_on(row, day)]
            for row in rows:
                period = _period(row, day, zone)
                if period is not None:
                    periods.append(period)
        day += dt.timedelta(days=1)
    return _merge(periods)


def _merge(
    periods: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Overlapping or touching periods as one (Mon 00:00–24:00 + Tue 00:00–24:00 …)."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def has_hours(schedules: Iterable[Any]) -> bool:
    """Whether any row says when the service is open or closed (not only a description)."""
    return any(
        (row.opens_at is not None and row.closes_at is not None) or _is_closure(row)
        for row in schedules
    )


def short_time(value: dt.datetime | dt.time) -> str:
    """ "9 am", "5:30 pm", "12 pm" (noon), "12 am" (midnight)."""
    hour = value.hour % 12 or 12
    suffix = pgettext("time of day", "am") if value.hour < 12 else pgettext("time of day", "pm")
    if value.minute:
        return f"{hour}:{value.minute:02d} {suffix}"
    return f"{hour} {suffix}"


def _opens_label(opens: dt.datetime, now: dt.datetime) -> str:
    days = (opens.date() - now.date()).days
    time = short_time(opens)
    if days == 0:
        return _("Closed · opens at %(time)s") % {"time": time}
    if days == 1:
        return _("Closed · opens tomorrow at %(time)s") % {"time": time}
    if days < 7:
        return _("Closed · opens %(day)s at %(time)s") % {
            "day": WEEKDAYS[opens.weekday()],
            "time": time,
        }
    return _("Closed · opens %(date)s at %(time)s") % {
        "date": date_format(opens.date(), "MONTH_DAY_FORMAT"),
        "time": time,
    }


def open_state(
    schedules: Sequence[Any], at: dt.datetime, *, zone: dt.tzinfo | str | None = None
) -> OpenState:
    """Open or closed at the aware moment `at`, with a label ("Open until 5 pm").

    `zone` is the service's zone when no row sets `timezone`: a tzinfo, an IANA name or
    a state code ("FL"); see `zone_for_state`. Default settings.TIME_ZONE.
    """
    schedules = list(schedules)
    if not schedules or not has_hours(schedules):
        return NO_SCHEDULE
    if at.tzinfo is None:
        raise ValueError("open_state needs an aware datetime; use is_open_at for local times")
    tz = _zone(schedules, zone)
    now = at.astimezone(tz)
    today = now.date()
    utc_now = at.astimezone(dt.UTC)
    periods = _periods(
        schedules, today - dt.timedelta(days=1), today + dt.timedelta(days=LOOKAHEAD_DAYS), tz
    )
    for start, end in periods:
        if start <= utc_now < end:
            closes = end.astimezone(tz)
            if end - utc_now >= dt.timedelta(hours=24):
                return OpenState(is_open=True, label=_("Open 24 hours"))
            return OpenState(
                is_open=True,
                label=_("Open until %(time)s") % {"time": short_time(closes)},
                closes=closes,
            )
    upcoming = [start for start, _end in periods if start > utc_now]
    if not upcoming:
        later = _periods(
            schedules,
            today + dt.timedelta(days=LOOKAHEAD_DAYS + 1),
            today + dt.timedelta(days=LONG_LOOKAHEAD_DAYS),
            tz,
        )
        upcoming = [start for start, _end in later]
    if upcoming:
        opens = min(upcoming).astimezone(tz)
        return OpenState(is_open=False, label=_opens_label(opens, now), opens=opens)
    return OpenState(is_open=False, label=_("Closed"))


def is_open(
    schedules: Sequence[Any], at: dt.datetime, *, zone: dt.tzinfo | str | None = None
) -> bool:
    """`open_state(schedules, at, zone=zone).is_open` (False without hours), without the
    label's look-ahead: a filter over hundreds of candidates needs only this. One day's
    opening ends within the next day, so only openings that start yesterday or today
    (in the service's zone) can cover `at`."""
    schedules = list(schedules)
    if not schedules or not has_hours(schedules):
        return False
    if at.tzinfo is None:
        raise ValueError("is_open needs an aware datetime; use is_open_at for local times")
    tz = _zone(schedules, zone)
    today = at.astimezone(tz).date()
    moment = at.astimezone(dt.UTC)
    periods = _periods(schedules, today - dt.timedelta(days=1), today, tz)
    return any(start <= moment < end for start, end in periods)


def is_open_at(
    schedules: Sequence[Any], local: dt.datetime, *, zone: dt.tzinfo | str | None = None
) -> bool | None:
    """Open at the wall-clock time `local` (naive) in the service's zone; None: no hours.

    "Open at Saturday 10:00" means 10:00 where the service is, whatever the searcher's zone.
    """
    schedules = list(schedules)
    if not schedules or not has_hours(schedules):
        return None
    tz = _zone(schedules, zone)
    return is_open(schedules, local.replace(tzinfo=tz), zone=tz)
