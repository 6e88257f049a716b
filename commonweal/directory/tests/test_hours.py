from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from commonweal.directory.hours import HoursLine, days_label, describe, period_label, time_label


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass
class Row:
    byday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    freq: str = "WEEKLY"
    description: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def test_it_writes_consecutive_days_as_ranges() -> None:
    assert days_label(["MO", "TU", "WE", "TH", "FR"]) == "Mon–Fri"
    assert days_label(["FR", "MO", "WE"]) == "Mon, Wed, Fri"
    assert days_label(["MO", "TU", "WE", "SA"]) == "Mon–Wed, Sat"
    assert days_label(["SA", "SU"]) == "Sat, Sun"
    assert days_label(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]) == "Every day"


def test_it_writes_times_on_a_12_hour_clock() -> None:
    assert time_label(dt.time(9)) == "9:00 am"
    assert time_label(dt.time(12)) == "12:00 pm"
    assert time_label(dt.time(0, 0)) == "12:00 am"
    assert time_label(dt.time(17, 30)) == "5:30 pm"
    assert period_label(dt.time(9), dt.time(17)) == "9:00 am – 5:00 pm"
    assert period_label(dt.time(0), dt.time(23, 59)) == "Open 24 hours"
    assert period_label(dt.time(22), dt.time(6)) == "10:00 pm – 6:00 am"


def test_it_merges_rows_with_the_same_hours_monday_first() -> None:
    lines = describe(
        [
            Row("SA", dt.time(10), dt.time(14)),
            Row("TH,FR", dt.time(9), dt.time(17), description="9:00am-5:00pm, Mon-Fri"),
            Row("MO,TU,WE", dt.time(9), dt.time(17), description="9:00am-5:00pm, Mon-Fri"),
        ]
    )
    assert lines == [
        HoursLine("Mon–Fri", "9:00 am – 5:00 pm", "9:00am-5:00pm, Mon-Fri"),
        HoursLine("Sat", "10:00 am – 2:00 pm"),
    ]


def test_it_keeps_a_lunch_break_as_two_lines() -> None:
    lines = describe([Row("MO", dt.time(9), dt.time(12)), Row("MO", dt.time(13), dt.time(17))])
    assert [line.hours for line in lines] == ["9:00 am – 12:00 pm", "1:00 pm – 5:00 pm"]


def test_it_describes_monthly_dated_and_free_text_rows() -> None:
    lines = describe(
        [
            Row("1SA,-1SA", dt.time(9), dt.time(12), freq="MONTHLY"),
            Row(valid_from=dt.date(2025, 12, 25), freq="", description="Christmas"),
            Row(freq="", description="By appointment"),
        ]
    )
    assert lines[0] == HoursLine("1st Saturday, last Saturday of each month", "9:00 am – 12:00 pm")
    assert lines[1].hours == "Closed" and lines[1].note == "Christmas" and "2025" in lines[1].when
    assert lines[2] == HoursLine("", "", "By appointment")


def test_it_ignores_rows_with_nothing_to_say() -> None:
    assert describe([Row(freq="")]) == []


def test_it_leaves_out_source_text_that_every_weekly_row_was_parsed_from() -> None:
    text = "9:00am-5:00pm, Mon-Fri; Sat 10-1"
    rows = [
        Row(byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17), description=text),
        Row(byday="SA", opens_at=dt.time(10), closes_at=dt.time(13), description=text),
    ]
    assert [line.note for line in describe(rows)] == ["", ""]


def test_it_keeps_weekly_notes_that_differ_between_rows() -> None:
    rows = [
        Row(byday="MO", opens_at=dt.time(9), closes_at=dt.time(17), description="Walk-in"),
        Row(byday="TU", opens_at=dt.time(13), closes_at=dt.time(17)),
    ]
    assert describe(rows)[0].note == "Walk-in"
