"""Times and weekdays as sources write them, read onto a 24-hour clock."""

from __future__ import annotations

import pytest

from commonweal.directory.sources import hours_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00am", "09:00"),
        ("12:00pm", "12:00"),
        ("12:00am", "00:00"),
        ("12:30am", "00:30"),
        ("9am", "09:00"),
        ("830am", "08:30"),
        ("4:00 PM", "16:00"),
        ("09:00:00", "09:00"),
        ("17:00", "17:00"),
        ("noon", "12:00"),
        ("8:00m", None),
        ("6:300pm", None),
        ("13:00pm", None),
        ("Closed", None),
    ],
)
def test_it_reads_times_as_24_hour_clock(text: str, expected: str | None) -> None:
    assert hours_text.parse_time(text) == expected


def test_it_treats_zero_padded_hours_as_24_hour_clock_not_as_am_or_pm() -> None:
    assert hours_text.parse_time_range("9am", "03:00") == (
        "09:00",
        "03:00",
    )  # overnight, as written
    assert hours_text.parse_time_range("9:00am", "5:00") == ("09:00", "17:00")
    assert hours_text.parse_time_range("8", "7pm") == ("08:00", "19:00")
