from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from commonweal.partnerships import agreements
from commonweal.partnerships.agreements import Level

TODAY = dt.date(2026, 12, 7)


def _state(status: str, expires_on: dt.date | None, horizon: int = 60):
    return agreements.state(status, expires_on, today=TODAY, horizon=horizon)


def test_it_warns_within_the_horizon_and_not_a_day_before() -> None:
    assert _state("signed", dt.date(2027, 2, 5)).level is Level.EXPIRING  # 60 days
    assert _state("signed", dt.date(2027, 2, 5)).days_left == 60
    assert _state("signed", dt.date(2027, 2, 6)).level is Level.CURRENT  # 61 days
    assert _state("signed", dt.date(2027, 2, 6), horizon=61).level is Level.EXPIRING


def test_it_counts_the_expiry_day_itself_as_still_valid() -> None:
    assert _state("signed", TODAY).level is Level.EXPIRING
    assert _state("signed", TODAY).days_left == 0
    expired = _state("signed", TODAY - dt.timedelta(days=1))
    assert expired.level is Level.EXPIRED and expired.days_left == -1


def test_it_never_warns_about_an_open_ended_missing_or_draft_agreement() -> None:
    assert _state("signed", None).level is Level.CURRENT
    assert _state("none", None).level is Level.NONE
    assert _state("ended", dt.date(2020, 1, 1)).level is Level.NONE
    assert _state("draft", TODAY).level is Level.PENDING
    assert not any(
        s.level.needs_attention for s in (_state("signed", None), _state("draft", TODAY))
    )


def test_it_lists_both_agreements_soonest_first() -> None:
    north = SimpleNamespace(
        agreement_status="signed",
        agreement_expires_on=dt.date(2027, 1, 20),
        data_sharing_status="signed",
        data_sharing_expires_on=dt.date(2026, 12, 1),
    )
    east = SimpleNamespace(
        agreement_status="signed",
        agreement_expires_on=dt.date(2026, 12, 10),
        data_sharing_status="signed",
        data_sharing_expires_on=dt.date(2028, 1, 1),
    )
    found = agreements.warnings([north, east], today=TODAY, horizon=60)
    assert [(w.partner, w.kind, w.state.days_left) for w in found] == [
        (north, "data_sharing", -6),
        (east, "partnership", 3),
        (north, "partnership", 44),
    ]
