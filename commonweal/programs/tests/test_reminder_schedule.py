"""When personal reminders go: repeats, daylight-saving changes and the safe hours. No database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from commonweal.programs import recurrence
from commonweal.programs.reminder_schedule import Schedule, due_between, send_time, wall_starts

NY = ZoneInfo("America/New_York")
WINDOW = (dt.time(8, 0), dt.time(21, 0))


def test_it_repeats_a_daily_medicine_at_each_time_until_the_last_day() -> None:
    schedule = Schedule(
        starts_on=dt.date(2026, 3, 1),
        times=(dt.time(8, 0), dt.time(20, 0)),
        repeat="daily",
        ends_on=dt.date(2026, 3, 3),
        time_zone="America/New_York",
    )
    assert wall_starts(schedule) == [
        dt.datetime(2026, 3, day, hour) for day in (1, 2, 3) for hour in (8, 20)
    ]


def test_it_keeps_8_am_at_8_am_across_the_spring_change() -> None:
    schedule = Schedule(
        starts_on=dt.date(2026, 3, 7),
        times=(dt.time(8, 0),),
        repeat="daily",
        ends_on=dt.date(2026, 3, 9),
        time_zone="America/New_York",
    )
    found = due_between(
        schedule,
        lead=dt.timedelta(0),
        window=WINDOW,
        after=dt.datetime(2026, 3, 7, tzinfo=dt.UTC),
        until=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
    )
    # 8 am local each day: 13:00 UTC before the change on Sunday 8 March (EST), 12:00 after.
    assert [d.send_at.astimezone(dt.UTC).hour for d in found] == [13, 12, 12]
    assert all(d.send_at.astimezone(NY).hour == 8 for d in found)


def test_it_keeps_the_day_before_at_the_same_wall_time_across_the_autumn_change() -> None:
    # Appointment Monday 2 November 2026, 3 pm; the clocks go back on Sunday 1 November.
    at = send_time(dt.datetime(2026, 11, 2, 15, 0), lead=dt.timedelta(days=1), window=WINDOW, tz=NY)
    assert at == dt.datetime(2026, 11, 1, 15, 0, tzinfo=NY)
    assert at.utcoffset() == dt.timedelta(hours=-5)


def test_a_time_in_the_spring_gap_goes_at_the_real_time_it_names() -> None:
    # 2:30 am does not exist on 8 March 2026: RFC 5545 reads it as 3:30 am daylight time.
    at = send_time(
        dt.datetime(2026, 3, 8, 2, 30),
        lead=dt.timedelta(0),
        window=(dt.time(0, 0), dt.time(23, 59)),
        tz=NY,
    )
    assert at.astimezone(NY).time() == dt.time(3, 30)


def test_a_reminder_due_before_the_safe_hours_waits_for_their_start() -> None:
    # A 10 am appointment, reminded 2 hours before, with safe hours from 9: sent at 9, not 8.
    at = send_time(
        dt.datetime(2026, 5, 4, 10, 0),
        lead=dt.timedelta(hours=2),
        window=(dt.time(9, 0), dt.time(18, 0)),
        tz=NY,
    )
    assert at == dt.datetime(2026, 5, 4, 9, 0, tzinfo=NY)


def test_a_reminder_never_goes_at_3_am() -> None:
    # Due at 3 am (1 day before a 3 am start): waits for 8 am, which is still before it.
    at = send_time(dt.datetime(2026, 5, 5, 3, 0), lead=dt.timedelta(days=1), window=WINDOW, tz=NY)
    assert at == dt.datetime(2026, 5, 4, 8, 0, tzinfo=NY)


def test_a_reminder_due_after_the_safe_hours_waits_for_the_next_morning() -> None:
    # A 11:30 pm due time for a 9:30 am appointment the next day (10 hours before).
    at = send_time(
        dt.datetime(2026, 5, 5, 9, 30),
        lead=dt.timedelta(hours=10),
        window=WINDOW,
        tz=NY,
    )
    assert at == dt.datetime(2026, 5, 5, 8, 0, tzinfo=NY)


def test_a_reminder_that_would_arrive_after_the_thing_is_not_sent() -> None:
    # A 10 pm medicine with safe hours until 9 pm: the next morning is too late.
    assert (
        send_time(dt.datetime(2026, 5, 4, 22, 0), lead=dt.timedelta(0), window=WINDOW, tz=NY)
        is None
    )


def test_it_repeats_weekly_on_the_chosen_days() -> None:
    schedule = Schedule(
        starts_on=dt.date(2026, 6, 1),  # a Monday
        times=(dt.time(18, 0),),
        repeat="weekly",
        weekdays=("MO", "TH"),
        ends_on=dt.date(2026, 6, 11),
        time_zone="America/New_York",
    )
    assert [w.date().day for w in wall_starts(schedule)] == [1, 4, 8, 11]


def test_it_refuses_a_repeat_without_an_end() -> None:
    schedule = Schedule(
        starts_on=dt.date(2026, 6, 1), times=(dt.time(8, 0),), repeat="daily", time_zone="UTC"
    )
    with pytest.raises(recurrence.RecurrenceError):
        wall_starts(schedule)


def test_it_refuses_a_repeat_with_too_many_reminders() -> None:
    schedule = Schedule(
        starts_on=dt.date(2026, 1, 1),
        times=(dt.time(8, 0),),
        repeat="daily",
        ends_on=dt.date(2028, 1, 1),
        time_zone="UTC",
    )
    with pytest.raises(recurrence.RecurrenceError):
        wall_starts(schedule)
