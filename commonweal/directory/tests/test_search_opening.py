from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from commonweal.directory.models import Schedule
from commonweal.directory.search import opening
from commonweal.directory.search.opening import OpenState, is_open_at, open_state

NY = zoneinfo.ZoneInfo("America/New_York")
LA = zoneinfo.ZoneInfo("America/Los_Angeles")
WEEKDAYS = "MO,TU,WE,TH,FR"

# 2026-11-16 is a Monday; 2026-11-20 a Friday; 2026-11-26 Thanksgiving (Thursday).
MON, FRI, SAT, SUN = (
    dt.date(2026, 11, 16),
    dt.date(2026, 11, 20),
    dt.date(2026, 11, 21),
    dt.date(2026, 11, 22),
)


def row(**fields) -> Schedule:
    """An unsaved HSDS schedule row, as the importer stores them."""
    fields.setdefault("freq", "WEEKLY")
    return Schedule(**fields)


def at(day: dt.date, hour: int, minute: int = 0, zone=NY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


OFFICE = [row(byday=WEEKDAYS, opens_at=dt.time(9), closes_at=dt.time(17))]


def test_open_during_office_hours_until_closing() -> None:
    state = open_state(OFFICE, at(FRI, 10))
    assert state.is_open is True
    assert state.label == "Open until 5 pm"
    assert state.closes == at(FRI, 17)


def test_closing_time_itself_is_closed_and_a_minute_before_is_open() -> None:
    assert open_state(OFFICE, at(FRI, 16, 59)).is_open is True
    assert open_state(OFFICE, at(FRI, 17)).is_open is False
    assert open_state(OFFICE, at(FRI, 9)).is_open is True
    assert open_state(OFFICE, at(FRI, 8, 59)).is_open is False


def test_closed_says_when_it_opens_next() -> None:
    assert open_state(OFFICE, at(MON, 7)).label == "Closed · opens at 9 am"
    assert open_state(OFFICE, at(MON, 18)).label == "Closed · opens tomorrow at 9 am"
    state = open_state(OFFICE, at(FRI, 18))
    assert state == OpenState(
        is_open=False, label="Closed · opens Monday at 9 am", opens=at(dt.date(2026, 11, 23), 9)
    )
    assert open_state(OFFICE, at(SAT, 12)).label == "Closed · opens Monday at 9 am"


def test_minutes_are_shown_only_when_not_on_the_hour() -> None:
    hours = [row(byday=WEEKDAYS, opens_at=dt.time(8, 30), closes_at=dt.time(12, 0))]
    assert open_state(hours, at(MON, 7)).label == "Closed · opens at 8:30 am"
    assert open_state(hours, at(MON, 9)).label == "Open until 12 pm"


def test_overnight_hours_run_past_midnight() -> None:
    shelter = [row(byday="FR", opens_at=dt.time(22), closes_at=dt.time(2))]
    state = open_state(shelter, at(SAT, 1))
    assert state.is_open is True and state.label == "Open until 2 am"
    assert open_state(shelter, at(FRI, 23, 59)).is_open is True
    assert open_state(shelter, at(SAT, 2)).is_open is False
    assert open_state(shelter, at(FRI, 21)).label == "Closed · opens at 10 pm"
    # Thursday night is not Friday night.
    assert open_state(shelter, at(FRI, 1)).is_open is False


def test_hours_ending_at_midnight() -> None:
    late = [row(byday="FR", opens_at=dt.time(18), closes_at=dt.time(0))]
    assert open_state(late, at(FRI, 23, 59)).label == "Open until 12 am"
    assert open_state(late, at(SAT, 0)).is_open is False
    until_2359 = [row(byday="FR", opens_at=dt.time(18), closes_at=dt.time(23, 59))]
    assert open_state(until_2359, at(FRI, 23, 59, zone=NY)).is_open is True


def test_consecutive_days_that_run_into_each_other_are_one_opening() -> None:
    evenings = [
        row(byday="FR", opens_at=dt.time(18), closes_at=dt.time(0)),
        row(byday="SA", opens_at=dt.time(0), closes_at=dt.time(3)),
    ]
    assert open_state(evenings, at(FRI, 20)).label == "Open until 3 am"


def test_open_around_the_clock() -> None:
    always = [row(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=dt.time(0), closes_at=dt.time(0))]
    state = open_state(always, at(SUN, 3))
    assert state.is_open is True and state.label == "Open 24 hours"
    # A day that is open all day but not the next is "open until midnight", not 24 hours.
    monday_only = [row(byday="MO", opens_at=dt.time(0), closes_at=dt.time(0))]
    assert open_state(monday_only, at(MON, 12)).label == "Open until 12 am"


def test_a_closure_day_overrides_the_weekly_hours() -> None:
    thanksgiving = dt.date(2026, 11, 26)
    hours = [
        *OFFICE,
        row(freq="", valid_from=thanksgiving, valid_to=thanksgiving, description="Thanksgiving"),
    ]
    state = open_state(hours, at(thanksgiving, 10))
    assert state.is_open is False
    assert state.label == "Closed · opens tomorrow at 9 am"
    assert open_state(hours, at(thanksgiving - dt.timedelta(days=1), 10)).is_open is True


def test_a_dated_row_that_says_closed_is_a_closure_even_with_times() -> None:
    day = dt.date(2026, 12, 25)
    hours = [
        *OFFICE,
        row(
            freq="",
            valid_from=day,
            valid_to=day,
            opens_at=dt.time(9),
            closes_at=dt.time(17),
            description="Closed for Christmas",
        ),
    ]
    assert open_state(hours, at(day, 10)).is_open is False


def test_a_closure_spanning_days_closes_each_of_them() -> None:
    hours = [*OFFICE, row(freq="", valid_from=MON, valid_to=dt.date(2026, 11, 18), notes="cerrado")]
    for day in range(16, 19):
        assert open_state(hours, at(dt.date(2026, 11, day), 10)).is_open is False
    assert open_state(hours, at(dt.date(2026, 11, 19), 10)).is_open is True
    assert open_state(hours, at(MON, 10)).label == "Closed · opens Thursday at 9 am"


def test_special_hours_on_a_date_replace_the_regular_ones() -> None:
    eve = dt.date(2026, 12, 24)
    hours = [
        *OFFICE,
        row(freq="", valid_from=eve, valid_to=eve, opens_at=dt.time(9), closes_at=dt.time(12)),
    ]
    assert open_state(hours, at(eve, 11)).label == "Open until 12 pm"
    assert open_state(hours, at(eve, 13)).is_open is False


def test_monthly_rows_with_ordinal_weekdays() -> None:
    # First Monday: 2026-11-02; last Friday: 2026-11-27.
    first_monday = [row(freq="MONTHLY", byday="1MO", opens_at=dt.time(10), closes_at=dt.time(14))]
    assert open_state(first_monday, at(dt.date(2026, 11, 2), 11)).is_open is True
    assert open_state(first_monday, at(dt.date(2026, 11, 9), 11)).is_open is False
    assert open_state(first_monday, at(dt.date(2026, 11, 3), 11)).is_open is False
    last_friday = [row(freq="MONTHLY", byday="-1FR", opens_at=dt.time(10), closes_at=dt.time(14))]
    assert open_state(last_friday, at(dt.date(2026, 11, 27), 11)).is_open is True
    assert open_state(last_friday, at(FRI, 11)).is_open is False
    # A week away, the same weekday is named by its date, not "Friday" (today).
    assert open_state(last_friday, at(FRI, 11)).label == "Closed · opens November 27 at 10 am"
    every_tuesday = [row(freq="MONTHLY", byday="TU", opens_at=dt.time(10), closes_at=dt.time(14))]
    assert open_state(every_tuesday, at(dt.date(2026, 11, 17), 11)).is_open is True


def test_monthly_rows_by_day_of_month() -> None:
    hours = [row(freq="MONTHLY", bymonthday="15,-1", opens_at=dt.time(9), closes_at=dt.time(12))]
    assert open_state(hours, at(dt.date(2026, 11, 15), 10)).is_open is True
    assert open_state(hours, at(dt.date(2026, 11, 30), 10)).is_open is True
    assert open_state(hours, at(dt.date(2027, 2, 28), 10)).is_open is True
    assert open_state(hours, at(dt.date(2026, 11, 16), 10)).is_open is False


def test_valid_from_and_valid_to_bound_a_seasonal_schedule() -> None:
    summer = [
        row(
            byday=WEEKDAYS,
            opens_at=dt.time(8),
            closes_at=dt.time(12),
            valid_from=dt.date(2026, 6, 1),
            valid_to=dt.date(2026, 8, 31),
        )
    ]
    assert open_state(summer, at(dt.date(2026, 7, 1), 9)).is_open is True
    assert open_state(summer, at(dt.date(2026, 9, 1), 9)).is_open is False
    assert open_state(summer, at(dt.date(2026, 9, 1), 9)).label == "Closed"


def test_dtstart_until_and_interval() -> None:
    fortnightly = [
        row(
            byday="MO",
            interval=2,
            dtstart=dt.date(2026, 11, 2),
            until=dt.date(2026, 12, 31),
            opens_at=dt.time(9),
            closes_at=dt.time(11),
        )
    ]
    assert open_state(fortnightly, at(dt.date(2026, 11, 2), 10)).is_open is True
    assert open_state(fortnightly, at(dt.date(2026, 11, 9), 10)).is_open is False
    assert open_state(fortnightly, at(dt.date(2026, 11, 16), 10)).is_open is True
    assert open_state(fortnightly, at(dt.date(2026, 10, 19), 10)).is_open is False  # before dtstart
    assert open_state(fortnightly, at(dt.date(2027, 1, 11), 10)).is_open is False  # after until


def test_the_service_zone_comes_from_its_state() -> None:
    # 10:00 in Miami is 7:00 in Los Angeles: a 9–5 office there is not open yet.
    assert open_state(OFFICE, at(FRI, 10), zone="CA").is_open is False
    assert open_state(OFFICE, at(FRI, 10), zone="CA").label == "Closed · opens at 9 am"
    assert open_state(OFFICE, at(FRI, 13), zone="CA").is_open is True
    assert open_state(OFFICE, at(FRI, 13), zone=LA).is_open is True
    assert open_state(OFFICE, at(FRI, 13), zone="America/Los_Angeles").is_open is True
    assert opening.zone_for_state("fl") == NY
    assert opening.zone_for_state("") == NY  # settings.TIME_ZONE


def test_an_hsds_timezone_offset_on_the_row_wins() -> None:
    pacific = [row(byday=WEEKDAYS, opens_at=dt.time(9), closes_at=dt.time(17), timezone=-8)]
    # 17:30 UTC = 9:30 at UTC-8.
    moment = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)
    assert open_state(pacific, moment, zone="FL").is_open is True
    assert open_state(pacific, moment - dt.timedelta(hours=1), zone="FL").is_open is False


def test_daylight_saving_starts_in_new_york() -> None:
    # 2026-03-08: clocks go from 02:00 to 03:00. A shelter open Sat 22:00 – Sun 06:00.
    sunday = dt.date(2026, 3, 8)
    shelter = [row(byday="SA", opens_at=dt.time(22), closes_at=dt.time(6))]
    moment = dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC)  # 03:30 EDT
    state = open_state(shelter, moment)
    assert state.is_open is True and state.label == "Open until 6 am"
    assert state.closes.utcoffset() == dt.timedelta(hours=-4)
    assert open_state(shelter, dt.datetime(2026, 3, 8, 10, 1, tzinfo=dt.UTC)).is_open is False
    # A clinic opening Sunday 09:00 local opens at 13:00 UTC (EDT), not 14:00.
    clinic = [row(byday="SU", opens_at=dt.time(9), closes_at=dt.time(12))]
    assert open_state(clinic, dt.datetime(2026, 3, 8, 13, 0, tzinfo=dt.UTC)).is_open is True
    assert open_state(clinic, dt.datetime(2026, 3, 8, 12, 59, tzinfo=dt.UTC)).is_open is False
    # 02:30 does not exist that night; asking about it is not an error.
    assert is_open_at(shelter, dt.datetime.combine(sunday, dt.time(2, 30))) is True


def test_daylight_saving_ends_in_new_york() -> None:
    # 2026-11-01: 02:00 EDT becomes 01:00 EST; the night is an hour longer.
    shelter = [row(byday="SA", opens_at=dt.time(22), closes_at=dt.time(6))]
    second_one_thirty = dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)  # 01:30 EST
    assert open_state(shelter, second_one_thirty).is_open is True
    assert open_state(shelter, dt.datetime(2026, 11, 1, 10, 59, tzinfo=dt.UTC)).is_open is True
    assert open_state(shelter, dt.datetime(2026, 11, 1, 11, 0, tzinfo=dt.UTC)).is_open is False


def test_no_schedule_or_only_words_has_no_open_state() -> None:
    assert open_state([], at(FRI, 10)) == OpenState(is_open=None, label="")
    words = [row(freq="", description="Call for hours")]
    assert open_state(words, at(FRI, 10)).is_open is None
    assert is_open_at([], dt.datetime(2026, 11, 20, 10)) is None
    assert is_open_at(words, dt.datetime(2026, 11, 20, 10)) is None


def test_open_state_needs_an_aware_moment() -> None:
    with pytest.raises(ValueError):
        open_state(OFFICE, dt.datetime(2026, 11, 20, 10))


def test_open_at_reads_the_time_in_the_service_zone() -> None:
    assert is_open_at(OFFICE, dt.datetime(2026, 11, 20, 9, 30)) is True
    assert is_open_at(OFFICE, dt.datetime(2026, 11, 21, 9, 30)) is False
    # 9:30 in Los Angeles, whatever zone the person searching is in.
    assert is_open_at(OFFICE, dt.datetime(2026, 11, 20, 9, 30), zone="CA") is True


def test_day_names_in_labels_are_in_the_page_language() -> None:
    with translation.override("es"):
        label = open_state(OFFICE, at(FRI, 18)).label
    assert label != "Closed · opens Monday at 9 am"
    assert "lunes" in label.lower()


@pytest.mark.django_db
def test_saved_schedule_rows_of_a_service(organization) -> None:
    from commonweal.directory.tests.listing_builder import add_service

    service = add_service(organization, "Night Shelter")
    Schedule.objects.create(
        service=service, freq="WEEKLY", byday="FR,SA", opens_at=dt.time(20), closes_at=dt.time(7)
    )
    Schedule.objects.create(service=service, valid_from=SAT, valid_to=SAT, description="Closed")
    rows = list(service.schedules.all())
    assert open_state(rows, at(SAT, 6)).label == "Open until 7 am"  # Friday night
    assert open_state(rows, at(SAT, 21)).is_open is False  # Saturday night is closed
    assert open_state(rows, at(SAT, 21)).label == "Closed · opens Friday at 8 pm"


def test_fortnightly_counts_weeks_from_the_week_of_dtstart() -> None:
    # dtstart on a Wednesday: the Monday of that week starts the count.
    hours = [
        row(
            byday="MO",
            interval=2,
            dtstart=dt.date(2026, 11, 4),
            opens_at=dt.time(9),
            closes_at=dt.time(11),
        )
    ]
    assert open_state(hours, at(dt.date(2026, 11, 9), 10)).is_open is False
    assert open_state(hours, at(MON, 10)).is_open is True
    assert open_state(hours, at(dt.date(2026, 11, 2), 10)).is_open is False  # before dtstart


def test_a_monthly_opening_weeks_away_is_named_by_its_date() -> None:
    first_monday = [row(freq="MONTHLY", byday="1MO", opens_at=dt.time(10), closes_at=dt.time(14))]
    state = open_state(first_monday, at(dt.date(2026, 11, 3), 11))
    assert state.is_open is False
    assert state.label == "Closed · opens December 7 at 10 am"
    assert state.opens == at(dt.date(2026, 12, 7), 10)


def test_the_most_specific_schedule_rows_apply() -> None:
    service_id, other_id = 1, 2
    own = row(byday="MO", opens_at=dt.time(9), closes_at=dt.time(17))
    own.service_id = service_id
    building = row(byday="MO,TU", opens_at=dt.time(8), closes_at=dt.time(20))
    at_location = row(byday="TU", opens_at=dt.time(10), closes_at=dt.time(12))
    at_location.service_id = service_id
    someone_else = row(byday="WE", opens_at=dt.time(10), closes_at=dt.time(12))
    someone_else.service_id = other_id
    sal_row = row(byday="SA", opens_at=dt.time(10), closes_at=dt.time(12))
    pick = opening.applicable_schedules
    assert pick(service_id=service_id, service_rows=[own], location_rows=[building]) == [own]
    assert pick(
        service_id=service_id, service_rows=[own], location_rows=[building, at_location]
    ) == [at_location]
    assert pick(
        service_id=service_id,
        service_rows=[own],
        location_rows=[building, at_location],
        sal_rows=[sal_row],
    ) == [sal_row]
    assert pick(service_id=service_id, location_rows=[building, someone_else]) == [building]
    assert pick(service_id=service_id) == []


def test_the_zone_of_a_location_comes_from_its_address() -> None:
    from commonweal.directory.models import Address

    mailing = Address(state_province="NY", address_type="postal")
    physical = Address(state_province="ca", address_type="physical")
    assert opening.zone_for_addresses([mailing, physical]) == LA
    assert opening.zone_for_addresses([mailing]) == NY
    assert opening.zone_for_addresses([Address(state_province="Ontario")]) == NY
    assert opening.zone_for_addresses([]) == NY


def test_open_around_the_clock_has_no_closing_time() -> None:
    always = [row(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=dt.time(0), closes_at=dt.time(0))]
    assert open_state(always, at(SUN, 3)).closes is None


def test_a_recurring_row_with_times_is_regular_hours_whatever_its_words() -> None:
    summer = [
        row(
            byday=WEEKDAYS,
            opens_at=dt.time(8),
            closes_at=dt.time(12),
            valid_from=dt.date(2026, 6, 1),
            valid_to=dt.date(2026, 8, 31),
            description="Summer hours; closed on holidays",
        )
    ]
    assert open_state(summer, at(dt.date(2026, 7, 1), 9)).is_open is True


def test_closed_on_some_weekdays_of_a_period_only() -> None:
    hours = [
        *OFFICE,
        row(
            byday="MO",
            valid_from=dt.date(2026, 12, 1),
            valid_to=dt.date(2026, 12, 31),
            description="Closed",
        ),
    ]
    assert open_state(hours, at(dt.date(2026, 12, 7), 10)).is_open is False  # a Monday
    assert open_state(hours, at(dt.date(2026, 12, 8), 10)).is_open is True  # a Tuesday
    assert open_state(hours, at(dt.date(2026, 11, 30), 10)).is_open is True  # November


def test_a_row_with_only_a_closing_time_says_too_little() -> None:
    dismissal = [row(byday=WEEKDAYS, closes_at=dt.time(18), description="Dismissal bell 6pm")]
    assert open_state(dismissal, at(MON, 3)) == OpenState(is_open=None, label="")
    # Next to full rows it is ignored, not read as "open from midnight".
    assert open_state([*OFFICE, *dismissal], at(MON, 3)).label == "Closed · opens at 9 am"
