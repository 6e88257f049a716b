"""The open-now filter's fast check against `open_state`, moment by moment."""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.directory.search import opening
from commonweal.directory.search.opening import open_state
from commonweal.directory.tests.test_search_opening import MON, OFFICE, at, row


@pytest.mark.parametrize(
    "hours",
    [
        OFFICE,
        [row(byday="FR", opens_at=dt.time(22), closes_at=dt.time(2))],
        [row(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=dt.time(0), closes_at=dt.time(0))],
        [row(byday="SA", opens_at=dt.time(22), closes_at=dt.time(6))],
        [row(freq="MONTHLY", byday="-1FR", opens_at=dt.time(10), closes_at=dt.time(14))],
        [*OFFICE, row(freq="", valid_from=MON, valid_to=dt.date(2026, 11, 18), notes="cerrado")],
        [row(freq="", description="Call for hours")],
    ],
)
def test_the_fast_open_check_agrees_with_open_state_all_week(hours) -> None:
    # `is_open` is what the open-now filter runs over hundreds of candidates; it must
    # say what `open_state` says at every moment (every 20 minutes of two weeks here).
    moment = at(MON, 0)
    while moment < at(MON + dt.timedelta(days=14), 0):
        assert opening.is_open(hours, moment) == bool(open_state(hours, moment).is_open), moment
        moment += dt.timedelta(minutes=20)
