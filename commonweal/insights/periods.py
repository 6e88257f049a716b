"""Reporting periods for de-identified reports: one completed calendar quarter at a time.

Suppressing small cells in one report is not enough when a reader can ask for two: the
figures for 1 March to 31 March minus those for 2 March to 31 March are the referrals of
1 March, however carefully each report was suppressed (a "differencing" attack). So
de-identified reports cover fixed periods that never overlap — calendar quarters, as
quarterly public-health reports do — and only quarters that have ended, so that asking
again tomorrow does not reveal what was sent today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Five years of quarters: the same reach as the date range offered to other users.
HISTORY = 20

_LABEL = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.next()
        return dt.date(following.year, following.start.month, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """The value a form sends: "2026-Q1"."""
        return f"{self.year}-Q{self.number}"

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


def completed_quarters(today: dt.date, count: int = HISTORY) -> list[Quarter]:
    """The last `count` quarters that ended before `today`, the most recent first."""
    quarters: list[Quarter] = []
    quarter = Quarter.of(today)
    while len(quarters) < count and quarter != Quarter(dt.MINYEAR, 1):
        quarter = quarter.previous()
        quarters.append(quarter)
    return quarters


def parse_quarter(raw: str | None, today: dt.date) -> Quarter | None:
    """The completed quarter a form asked for (the latest when none), or None if not offered."""
    offered = completed_quarters(today)
    if not raw:
        return offered[0] if offered else None
    match = _LABEL.match(raw.strip())
    if not match:
        return None
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    return quarter if quarter in offered else None
