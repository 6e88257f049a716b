"""Opening hours in words, from HSDS 3.0 schedule rows ("Mon–Fri 9:00 am – 5:00 pm").

Pure functions over objects with the schedule fields (model instances or stand-ins),
so they run without a database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# iCalendar (RFC 5545) BYDAY codes, Monday first as ISO 8601 and HSDS `wkst` default.
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINAL_DAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True)
class HoursLine:
    """One line of an opening-hours list: when (days or dates), the hours, and a note."""

    when: str
    hours: str = ""
    note: str = ""


def day_abbr(code: str) -> str:
    return str(WEEKDAYS_ABBR[DAY_CODES.index(code)])


def days_label(codes: Iterable[str]) -> str:
    """Consecutive days as ranges, Monday first: "Mon–Fri", "Mon, Wed, Fri", "Mon–Wed, Sat"."""
    indexes = sorted({DAY_CODES.index(c) for c in codes if c in DAY_CODES})
    if len(indexes) == 7:
        return _("Every day")
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        first, last = DAY_CODES[run[0]], DAY_CODES[run[-1]]
        if len(run) >= 3:
            parts.append(f"{day_abbr(first)}–{day_abbr(last)}")
        else:
            parts.extend(day_abbr(DAY_CODES[i]) for i in run)
    return ", ".join(parts)


def time_label(value: dt.time) -> str:
    """12-hour clock as US readers expect: "9:00 am", "12:00 pm" (noon), "12:00 am" (midnight)."""
    hour = value.hour % 12 or 12
    suffix = pgettext("time of day", "am") if value.hour < 12 else pgettext("time of day", "pm")
    return f"{hour}:{value.minute:02d} {suffix}"


def period_label(opens_at: dt.time | None, closes_at: dt.time | None) -> str:
    if opens_at is None and closes_at is None:
        return ""
    if opens_at == MIDNIGHT and closes_at in (MIDNIGHT, dt.time(23, 59), dt.time(23, 59, 59)):
        return _("Open 24 hours")
    if opens_at is None:
        return _("until %(time)s") % {"time": time_label(closes_at)}  # type: ignore[arg-type]
    if closes_at is None:
        return _("from %(time)s") % {"time": time_label(opens_at)}
    return f"{time_label(opens_at)} – {time_label(closes_at)}"


def _ordinal(n: int) -> str:
    if n == -1:
        return _("last")
    words = {1: _("1st"), 2: _("2nd"), 3: _("3rd"), 4: _("4th"), 5: _("5th")}
    return words.get(n, str(n))


def _monthly_label(tokens: Sequence[str]) -> str:
    parts = []
    for token in tokens:
        match = _ORDINAL_DAY.match(token)
        if not match:
            continue
        n, code = match.groups()
        day = str(WEEKDAYS[DAY_CODES.index(code)])
        parts.append(f"{_ordinal(int(n))} {day}" if n else day)
    if not parts:
        return ""
    return _("%(days)s of each month") % {"days": ", ".join(parts)}


def _dates_label(valid_from: dt.date | None, valid_to: dt.date | None) -> str:
    if valid_from and valid_to and valid_from != valid_to:
        return f"{date_format(valid_from)} – {date_format(valid_to)}"
    day = valid_from or valid_to
    return date_format(day) if day else ""


def _tokens(byday: str) -> list[str]:
    return [t.strip().upper() for t in (byday or "").split(",") if t.strip()]


def describe(schedules: Iterable[Any]) -> list[HoursLine]:
    """Readable opening hours for a set of HSDS schedule rows.

    Weekly rows with the same hours are merged ("Mon–Fri 9:00 am – 5:00 pm") and listed
    Monday first; dated rows (holidays), monthly rows and rows with only a description
    follow, each with its description as a note.

    When every weekly row carries the same description, the rows were parsed from that
    text ("9:00am-5:00pm, Mon-Fri"), so it would only repeat the hours shown: it is left
    out. A description that differs between rows, or sits on some rows only, adds
    something and stays as a note.
    """
    weekly: dict[tuple[dt.time | None, dt.time | None], set[str]] = {}
    notes: dict[tuple[dt.time | None, dt.time | None], list[str]] = {}
    weekly_descriptions: set[str] = set()
    other: list[HoursLine] = []
    for row in schedules:
        tokens = _tokens(getattr(row, "byday", ""))
        freq = (getattr(row, "freq", "") or "").upper()
        description = (getattr(row, "description", "") or "").strip()
        opens, closes = getattr(row, "opens_at", None), getattr(row, "closes_at", None)
        valid_from, valid_to = getattr(row, "valid_from", None), getattr(row, "valid_to", None)
        dated = valid_from is not None or valid_to is not None
        plain_days = bool(tokens) and all(t in DAY_CODES for t in tokens)
        if plain_days and freq in ("", "WEEKLY") and not dated and (opens or closes):
            key = (opens, closes)
            weekly.setdefault(key, set()).update(tokens)
            weekly_descriptions.add(description)
            if description and description not in notes.setdefault(key, []):
                notes[key].append(description)
            continue
        if dated:
            when = _dates_label(valid_from, valid_to)
            hours = period_label(opens, closes) or _("Closed")
        elif freq == "MONTHLY" and tokens:
            when = _monthly_label(tokens)
            hours = period_label(opens, closes)
        elif plain_days:
            when, hours = days_label(tokens), period_label(opens, closes)
        else:
            when, hours = "", period_label(opens, closes)
        if when or hours or description:
            other.append(HoursLine(when=when, hours=hours, note=description))

    def first_day(
        item: tuple[tuple[dt.time | None, dt.time | None], set[str]],
    ) -> tuple[int, dt.time]:
        (opens, _closes), days = item
        return (min(DAY_CODES.index(d) for d in days), opens or MIDNIGHT)

    if len(weekly_descriptions) == 1 and "" not in weekly_descriptions:
        notes = {}

    lines = [
        HoursLine(
            when=days_label(days), hours=period_label(*key), note="; ".join(notes.get(key, []))
        )
        for key, days in sorted(weekly.items(), key=first_day)
    ]
    return lines + other
