"""Writing programmes and sessions: what is refused, with which message, and that nothing is
half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commonweal.programs import recurrence, schedule
from commonweal.programs.models import Cancellation, Programme, Registration, Session

pytestmark = pytest.mark.django_db


def _session(programme, by, **fields):
    base = {"starts_on": dt.date(2026, 3, 3), "start_time": dt.time(18, 0)}
    return schedule.add_session(programme, by=by, **{**base, **fields})


def test_it_saves_a_recurring_session_with_its_rule_normalised(programme, partner_staff) -> None:
    session = _session(programme, partner_staff, rule="rrule:freq=weekly; count=3")
    assert session.rule == "FREQ=WEEKLY;COUNT=3"
    assert [o.key.day for o in session.occurrences()] == [3, 10, 17]


def test_it_refuses_a_rule_that_never_ends_and_saves_nothing(programme, partner_staff) -> None:
    with pytest.raises(ValidationError) as refused:
        _session(programme, partner_staff, rule="FREQ=WEEKLY")
    assert refused.value.message_dict == {"rule": [recurrence.UNBOUNDED]}
    assert not Session.objects.exists()


def test_it_refuses_a_session_before_its_programme_starts(programme, partner_staff) -> None:
    with pytest.raises(ValidationError) as refused:
        _session(programme, partner_staff, starts_on=dt.date(2026, 2, 27))
    assert refused.value.message_dict["starts_on"] == [
        "A session cannot start before its programme starts (2026-03-01)."
    ]
    assert not Session.objects.exists()


def test_it_refuses_moving_a_programme_start_after_a_session(
    programme, weekly, partner_staff
) -> None:
    with pytest.raises(ValidationError) as refused:
        schedule.update_programme(programme, by=partner_staff, starts_on=dt.date(2026, 4, 1))
    assert "2026-03-03" in refused.value.message_dict["starts_on"][0]
    programme.refresh_from_db()
    assert programme.starts_on == dt.date(2026, 3, 1)


def test_it_refuses_capacity_below_current_registrations(weekly, partner_staff) -> None:
    for n in range(3):
        Registration.objects.create(
            session=weekly,
            occurrence="2026-03-10T18:00:00",
            name=f"R{n}",
            contact="r@example.org",
        )
    with pytest.raises(ValidationError) as refused:
        schedule.update_session(weekly, by=partner_staff, capacity=2, title="Renamed")
    assert refused.value.message_dict["capacity"] == [
        "3 people have registered already: the places cannot be fewer."
    ]
    weekly.refresh_from_db()
    assert (weekly.capacity, weekly.title) == (12, "")
    assert schedule.update_session(weekly, by=partner_staff, capacity=3).capacity == 3


def test_it_refuses_a_place_of_another_organisation(
    programme, partner_staff, other_organization
) -> None:
    from commonweal.directory.models import Location

    elsewhere = Location.objects.create(organization=other_organization, name="Clinic hall")
    with pytest.raises(ValidationError) as refused:
        _session(programme, partner_staff, location=elsewhere)
    assert "location" in refused.value.message_dict


def test_it_refuses_a_fee_without_an_amount_and_ages_the_wrong_way(
    organization, partner_staff
) -> None:
    with pytest.raises(ValidationError) as refused:
        schedule.create_programme(
            organization=organization,
            by=partner_staff,
            name="Cooking",
            kind="cooking_class",
            starts_on=dt.date(2026, 3, 1),
            is_free=False,
            minimum_age=18,
            maximum_age=12,
            time_zone="Nowhere/Land",
        )
    assert set(refused.value.message_dict) == {"fee", "maximum_age", "time_zone"}
    assert not Programme.objects.exists()


def test_it_cancels_one_meeting_once_and_restores_it(weekly, partner_staff) -> None:
    when = dt.datetime(2026, 3, 17, 18, 0)
    schedule.cancel_occurrence(weekly, occurrence=when, by=partner_staff, reason="Holiday")
    schedule.cancel_occurrence(weekly, occurrence=when, by=partner_staff)
    assert Cancellation.objects.count() == 1
    cancelled = [o.key for o in weekly.occurrences() if o.cancelled]
    assert cancelled == [when]
    schedule.restore_occurrence(weekly, occurrence=when, by=partner_staff)
    assert not any(o.cancelled for o in weekly.occurrences())


def test_it_refuses_to_cancel_a_meeting_the_session_does_not_have(weekly, partner_staff) -> None:
    with pytest.raises(ValidationError) as refused:
        schedule.cancel_occurrence(
            weekly, occurrence=dt.datetime(2026, 3, 18, 18, 0), by=partner_staff
        )
    assert "occurrence" in refused.value.message_dict
    assert not Cancellation.objects.exists()


def test_it_keeps_exdates_as_local_times(programme, partner_staff) -> None:
    session = _session(
        programme, partner_staff, rule="FREQ=WEEKLY;COUNT=3", exdates=["2026-03-10T18:00"]
    )
    assert session.exdates == ["2026-03-10T18:00:00"]
    assert [o.key.day for o in session.occurrences()] == [3, 17]
