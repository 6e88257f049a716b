"""Opening hours as sources write them: 12- and 24-hour times, time ranges and weekday names."""

from __future__ import annotations

import re

_TIME_RE = re.compile(
    r"""^\s*(?:
        (?P<noon>noon|midday) | (?P<midnight>midnight) |
        (?P<h>\d{1,2})(?::(?P<m>\d{1,2}))?(?::(?P<s>\d{2}))? | (?P<hm>\d{3,4})
    )\s*(?P<mer>a\.?m\.?|p\.?m\.?|a|p)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_clock(text: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, meridiem) for "9:00am", "9am", "830am", "17:00", "17:00:00",
    "4:00 PM", "noon"; None when it is not a time of day. meridiem is "am" or "pm" when
    written, "24" for unmistakable 24-hour notation ("17:00", "03:00", "0:30": an hour
    above 12 or written with a leading zero), None when either reading is possible."""
    match = _TIME_RE.match(text or "")
    if not match:
        return None
    if match["noon"]:
        return 12, 0, "pm"
    if match["midnight"]:
        return 0, 0, "24"
    if match["hm"]:
        hour, minute = int(match["hm"][:-2]), int(match["hm"][-2:])
    else:
        hour, minute = int(match["h"]), int(match["m"] or 0)
    meridiem = match["mer"][0].lower() + "m" if match["mer"] else None
    if meridiem is None and (hour > 12 or hour == 0 or (match["h"] or "").startswith("0")):
        meridiem = "24"
    if (
        minute > 59
        or hour > 24
        or (meridiem in ("am", "pm") and not 1 <= hour <= 12)
        or (hour == 24 and minute)
    ):
        return None
    return hour, minute, meridiem


def to_24h(hour: int, minute: int, meridiem: str | None) -> str:
    """ "HH:MM" on a 24-hour clock: 12:00am → 00:00, 12:00pm → 12:00, 24:00 → 00:00."""
    if meridiem == "am":
        hour = 0 if hour == 12 else hour
    elif meridiem == "pm":
        hour = 12 if hour == 12 else hour + 12
    return f"{hour % 24:02d}:{minute:02d}"


def parse_time(text: str) -> str | None:
    """A source time as 24-hour "HH:MM", or None when it is not one."""
    clock = parse_clock(text)
    return to_24h(*clock) if clock else None


def parse_time_range(opens: str, closes: str) -> tuple[str, str] | None:
    """Both ends of an opening period as "HH:MM". When only one end says am/pm ("8:00-
    4:00pm", "9:00am-5:00"), the other takes whichever half of the day puts the opening
    before the closing, which is how people write it."""
    start, end = parse_clock(opens), parse_clock(closes)
    if start is None or end is None:
        return None
    if start[2] is None and end[2] in ("am", "pm"):
        same = to_24h(start[0], start[1], end[2])
        start = (
            start[0],
            start[1],
            end[2] if same < to_24h(*end) else ("am" if end[2] == "pm" else "pm"),
        )
    elif end[2] is None and start[2] in ("am", "pm"):
        same = to_24h(end[0], end[1], start[2])
        end = (
            end[0],
            end[1],
            start[2] if same > to_24h(*start) else ("pm" if start[2] == "am" else "am"),
        )
    return to_24h(*start), to_24h(*end)


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_NAMES = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}

# Two-letter iCalendar codes and the abbreviations that are not prefixes of the name.
_DAY_ALIASES = {code.lower(): code for code in WEEKDAYS} | {
    "thru": "TH",
    "thr": "TH",
    "thurs": "TH",
    "tues": "TU",
    "weds": "WE",
}


def byday(days: set[str]) -> str:
    return ",".join(d for d in WEEKDAYS if d in days)


def weekday_code(value: str, *, sunday_first: bool = False) -> str | None:
    """ "Monday", "mon", "Thurs" → "MO", "TH"; numbers per ISO 8601 (1 = Monday .. 7 =
    Sunday), or 0 = Sunday .. 6 = Saturday in a file that uses 0 (`sunday_first`)."""
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        n = int(value)
        if sunday_first:
            return WEEKDAYS[(n + 6) % 7] if 0 <= n <= 6 else None
        return WEEKDAYS[n - 1] if 1 <= n <= 7 else None
    if value in _DAY_ALIASES:
        return _DAY_ALIASES[value]
    if len(value) >= 3:
        for name, code in _WEEKDAY_NAMES.items():
            if name.startswith(value):
                return code
    return None
