"""Fixed reporting periods: completed calendar quarters only."""

from __future__ import annotations

import datetime as dt

from commonweal.insights.periods import HISTORY, Quarter, completed_quarters, parse_quarter

TODAY = dt.date(2026, 12, 7)


def test_a_quarter_runs_from_its_first_to_its_last_day() -> None:
    assert (Quarter(2026, 1).start, Quarter(2026, 1).end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert Quarter(2024, 4).end == dt.date(2024, 12, 31)
    assert Quarter.of(dt.date(2026, 8, 31)) == Quarter(2026, 3)


def test_only_quarters_that_have_ended_are_offered_latest_first() -> None:
    offered = completed_quarters(TODAY)
    assert offered[0] == Quarter(2026, 3)
    assert offered[-1] == Quarter(2021, 4)
    assert len(offered) == HISTORY
    assert Quarter(2026, 4) not in offered  # still running: tomorrow would differ from today


def test_offered_quarters_never_overlap() -> None:
    offered = sorted(completed_quarters(TODAY))
    for earlier, later in zip(offered, offered[1:], strict=False):
        assert earlier.end + dt.timedelta(days=1) == later.start


def test_parse_quarter_defaults_to_the_latest_and_refuses_what_is_not_offered() -> None:
    assert parse_quarter(None, TODAY) == Quarter(2026, 3)
    assert parse_quarter(" 2026-Q1 ", TODAY) == Quarter(2026, 1)
    for raw in ["2026-Q4", "2021-Q3", "2026-Q5", "2026-q1", "Q1 2026", "0000-Q1", "2026-Q1\x00"]:
        assert parse_quarter(raw, TODAY) is None, raw


def test_the_first_days_of_the_calendar_have_no_completed_quarter() -> None:
    assert completed_quarters(dt.date(1, 2, 1)) == []
    assert parse_quarter(None, dt.date(1, 2, 1)) is None
    assert completed_quarters(dt.date(1, 5, 1)) == [Quarter(1, 1)]
