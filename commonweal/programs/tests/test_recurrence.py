"""Recurrence expansion: wall-clock times across daylight-saving changes, EXDATE, cancellations,
and the rules that are refused."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from commonweal.programs import recurrence

NY = "America/New_York"
UTC = dt.UTC
TWO_HOURS = dt.timedelta(hours=2)


def _expand(first: dt.datetime, rule: str, **kwargs) -> list[recurrence.Occurrence]:
    return recurrence.expand(first=first, duration=TWO_HOURS, time_zone=NY, rule=rule, **kwargs)


def test_it_keeps_the_wall_clock_time_across_the_spring_change() -> None:
    # US daylight time began on Sunday 8 March 2026: 18:00 is 23:00 UTC before, 22:00 after.
    found = _expand(dt.datetime(2026, 3, 3, 18, 0), "FREQ=WEEKLY;COUNT=3")
    assert [o.start.astimezone(UTC).hour for o in found] == [23, 22, 22]
    assert {o.start.hour for o in found} == {18}


def test_it_keeps_the_wall_clock_time_across_the_autumn_change() -> None:
    # Standard time came back on Sunday 1 November 2026.
    found = _expand(dt.datetime(2026, 10, 27, 18, 0), "FREQ=WEEKLY;COUNT=2")
    assert [o.start.astimezone(UTC).hour for o in found] == [22, 23]


def test_it_counts_duration_in_elapsed_time_over_the_change_night() -> None:
    # A 01:00 meeting on the autumn change day lasts two real hours: it ends at 02:00 EST.
    found = recurrence.expand(
        first=dt.datetime(2026, 11, 1, 1, 0), duration=TWO_HOURS, time_zone=NY
    )
    (only,) = found
    assert only.end.astimezone(UTC) - only.start.astimezone(UTC) == TWO_HOURS
    assert only.start.utcoffset() == dt.timedelta(hours=-4)  # the first 01:00 (RFC 5545 3.3.5)


def test_it_reads_a_time_in_the_spring_gap_with_the_offset_before_the_gap() -> None:
    # 02:30 does not exist on 8 March 2026 in New York: RFC 5545 3.3.5 makes it 03:30 EDT.
    (only,) = recurrence.expand(
        first=dt.datetime(2026, 3, 8, 2, 30), duration=TWO_HOURS, time_zone=NY
    )
    assert only.start.astimezone(ZoneInfo(NY)).strftime("%H:%M %Z") == "03:30 EDT"


def test_it_drops_an_exdate_and_marks_a_cancellation() -> None:
    found = _expand(
        dt.datetime(2026, 3, 3, 18, 0),
        "FREQ=WEEKLY;COUNT=4",
        exdates=[dt.datetime(2026, 3, 10, 18, 0)],
        cancelled=[dt.datetime(2026, 3, 17, 18, 0)],
    )
    assert [(o.key.day, o.cancelled) for o in found] == [(3, False), (17, True), (24, False)]


def test_it_ends_at_a_utc_until_converted_to_local_time() -> None:
    # 2026-03-17T22:00Z is 18:00 EDT: the 17 March meeting is the last one (UNTIL inclusive).
    found = _expand(dt.datetime(2026, 3, 3, 18, 0), "RRULE:FREQ=WEEKLY;UNTIL=20260317T220000Z")
    assert [o.key.day for o in found] == [3, 10, 17]


def test_it_takes_a_date_until_as_the_whole_day() -> None:
    found = _expand(dt.datetime(2026, 3, 3, 18, 0), "FREQ=WEEKLY;UNTIL=20260317")
    assert [o.key.day for o in found] == [3, 10, 17]


def test_it_returns_only_occurrences_in_the_window() -> None:
    found = _expand(
        dt.datetime(2026, 3, 3, 18, 0),
        "FREQ=WEEKLY;COUNT=10",
        window_start=dt.datetime(2026, 3, 10, 23, 0, tzinfo=UTC),  # mid-meeting: included
        window_end=dt.datetime(2026, 3, 24, 0, 0, tzinfo=UTC),
    )
    assert [o.key.day for o in found] == [10, 17]


def test_it_expands_by_day_rules() -> None:
    found = _expand(dt.datetime(2026, 3, 2, 9, 0), "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4")
    assert [o.key.day for o in found] == [2, 4, 9, 11]


def test_it_gives_a_one_off_session_one_occurrence() -> None:
    assert len(_expand(dt.datetime(2026, 3, 3, 18, 0), "")) == 1


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLY", recurrence.UNBOUNDED),
        ("FREQ=DAILY;INTERVAL=2", recurrence.UNBOUNDED),
        ("FREQ=HOURLY;COUNT=3", recurrence.BAD_FREQUENCY),
        ("COUNT=3", recurrence.BAD_FREQUENCY),
        (
            f"FREQ=DAILY;COUNT={recurrence.MAX_OCCURRENCES + 1}",
            recurrence.TOO_MANY.format(limit=recurrence.MAX_OCCURRENCES),
        ),
        (
            "FREQ=DAILY;UNTIL=20990101",
            recurrence.TOO_MANY.format(limit=recurrence.MAX_OCCURRENCES),
        ),
    ],
)
def test_it_refuses_rules_that_never_end_or_make_too_much(rule: str, message: str) -> None:
    with pytest.raises(recurrence.RecurrenceError) as refused:
        recurrence.parse_rule(rule, first=dt.datetime(2026, 3, 3, 18, 0), time_zone=NY)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "rule",
    ["FREQ=WEEKLY;COUNT=x", "FREQ=WEEKLY;BYDAY=XX;COUNT=2", "FREQ=WEEKLY;UNTIL=soon", "junk"],
)
def test_it_refuses_a_malformed_rule_with_a_clear_error(rule: str) -> None:
    with pytest.raises(recurrence.RecurrenceError) as refused:
        recurrence.parse_rule(rule, first=dt.datetime(2026, 3, 3, 18, 0), time_zone=NY)
    assert str(refused.value).startswith(("The repeat rule", "The repeat rule is not"))


def test_it_refuses_a_rule_that_makes_no_session() -> None:
    with pytest.raises(recurrence.RecurrenceError, match="no session"):
        recurrence.parse_rule(
            "FREQ=WEEKLY;UNTIL=20200101", first=dt.datetime(2026, 3, 3, 18, 0), time_zone=NY
        )


def test_it_refuses_an_unknown_time_zone() -> None:
    with pytest.raises(recurrence.RecurrenceError, match="Unknown time zone"):
        recurrence.zone("Mars/Olympus_Mons")
