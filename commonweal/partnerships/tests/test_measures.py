"""The ready-made measures against values worked out by hand on a small constructed world."""

from __future__ import annotations

import datetime as dt

from commonweal.insights.deidentify import Suppressed
from commonweal.partnerships import measures
from commonweal.partnerships.measures import Facts, Period, ReferralRow, ScreeningRow

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
D = dt.date


def _who5(day: dt.date, person: str, percent: float) -> ScreeningRow:
    return ScreeningRow(day, "who-5", percent <= 50, person, percent)


WORLD = Facts(
    screenings=[
        ScreeningRow(D(2026, 1, 5), "phq-9", True, "a"),
        ScreeningRow(D(2026, 2, 10), "phq-9", False, "b"),
        ScreeningRow(D(2026, 3, 31), "ahc-hrsn", True, "c"),  # the last day counts
        ScreeningRow(D(2025, 12, 31), "phq-9", True, "a"),  # before the period
        ScreeningRow(D(2026, 4, 1), "phq-9", True, "b"),  # after it
        # A: 40 -> 52, twelve points better (first score before the period).
        _who5(D(2025, 11, 1), "a", 40),
        _who5(D(2026, 2, 1), "a", 52),
        # B: 60 -> 64, four points: not a relevant change.
        _who5(D(2026, 1, 10), "b", 60),
        _who5(D(2026, 3, 15), "b", 64),
        # C: one WHO-5 only, not followed up.
        _who5(D(2026, 1, 20), "c", 30),
        # D: the second WHO-5 comes after the period.
        _who5(D(2025, 10, 1), "d", 20),
        _who5(D(2026, 5, 1), "d", 50),
        # E: 20 -> 35 -> 28: latest against first is eight points.
        _who5(D(2026, 1, 3), "e", 20),
        _who5(D(2026, 1, 30), "e", 35),
        _who5(D(2026, 3, 1), "e", 28),
    ],
    referrals=[
        ReferralRow(D(2026, 1, 2), "completed", "served", 1.0),
        ReferralRow(D(2026, 1, 15), "completed", "not-served", 2.5),
        ReferralRow(D(2026, 2, 1), "rejected", "", 0.5),
        ReferralRow(D(2026, 3, 31), "requested", "", None),
        ReferralRow(D(2025, 12, 31), "completed", "served", 9.0),  # before the period
    ],
    active_services=37,
    partner_joins=[D(2025, 6, 1), None, D(2026, 4, 15)],
)


def _raw(code: str) -> measures.Result:
    return measures.MEASURES[code].compute(WORLD, Q1)


def test_it_counts_screenings_and_positive_screens_in_the_period() -> None:
    # In Q1: three of the first five, and A(Feb), B(Jan, Mar), C, E(x3) of the WHO-5s.
    assert _raw("screenings-done").value == 10
    # Positive: PHQ-9 of Jan 5, AHC of Mar 31, C's 30 and E's 20, 35, 28 (WHO-5 <= 50).
    assert _raw("positive-screens").value == 6


def test_it_counts_referrals_sent_served_and_closed() -> None:
    assert _raw("referrals-sent").value == 4
    assert _raw("referrals-served").value == 1
    # Closed: completed, completed, declined of four sent.
    assert _raw("loop-closure-rate") == measures.Result(75.0, 4)


def test_it_takes_the_median_days_to_first_contact_over_those_contacted() -> None:
    # 0.5, 1.0, 2.5: the open referral with no contact is left out.
    assert _raw("days-to-first-contact") == measures.Result(1.0, 3)


def test_it_counts_people_better_on_the_who5_by_ten_points() -> None:
    # Followed up in Q1: A (+12), B (+4), E (+8); one in three is better.
    assert _raw("who5-better") == measures.Result(33.3, 3)


def test_it_counts_services_and_partners_that_had_joined() -> None:
    assert _raw("services-listed").value == 37
    assert _raw("partners-active").value == 2


def test_there_are_at_least_eight_measures_across_the_three_questions() -> None:
    assert len(measures.MEASURES) >= 8
    questions = {m.question for m in measures.MEASURES.values()}
    assert questions == {measures.HOW_MUCH, measures.HOW_WELL, measures.BETTER_OFF}


def test_counts_and_shares_about_fewer_than_eleven_are_not_shown() -> None:
    done = measures.compute("screenings-done", WORLD, Q1)
    assert done.value is None and done.suppressed is Suppressed.PRIMARY
    rate = measures.compute("loop-closure-rate", WORLD, Q1)
    assert rate.value is None and rate.suppressed is Suppressed.DERIVED
    # Not about people: shown whatever its size.
    assert measures.compute("partners-active", WORLD, Q1).value == 2


def test_a_count_of_eleven_or_more_is_shown() -> None:
    many = Facts(referrals=[ReferralRow(D(2026, 2, 1), "completed", "served", 2.0)] * 11)
    assert measures.compute("referrals-sent", many, Q1) == measures.Result(11.0, 11)
    assert measures.compute("loop-closure-rate", many, Q1) == measures.Result(100.0, 11)
    assert measures.compute("days-to-first-contact", many, Q1) == measures.Result(2.0, 11)


def test_a_zero_is_shown_and_a_share_of_nobody_is_empty() -> None:
    empty = Facts()
    assert measures.compute("screenings-done", empty, Q1) == measures.Result(0.0, 0)
    assert measures.compute("loop-closure-rate", empty, Q1) == measures.Result(None, 0)
