"""Scheduling in a time zone, and the invitation parsed back across a daylight-saving change."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from commonweal.partnerships import ical, meetings
from commonweal.partnerships.models import Meeting, PlanTask, Strategy

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
D, T = dt.date, dt.time


def test_it_places_a_meeting_on_the_zones_wall_clock() -> None:
    starts, ends = meetings.wall_clock(D(2026, 7, 1), T(10), T(11, 30), "America/New_York")
    assert starts.astimezone(dt.UTC) == dt.datetime(2026, 7, 1, 14, tzinfo=dt.UTC)  # EDT
    assert ends - starts == dt.timedelta(minutes=90)
    winter, _ = meetings.wall_clock(D(2026, 12, 1), T(10), T(11), "America/New_York")
    assert winter.astimezone(dt.UTC) == dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)  # EST


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../etc/passwd", " UTC", "EST5EDT/x"])
def test_it_names_a_time_zone_that_does_not_exist(name: str) -> None:
    with pytest.raises(ValidationError) as failure:
        meetings.wall_clock(D(2026, 7, 1), T(10), T(11), name)
    assert list(failure.value.message_dict) == ["time_zone"]


def test_it_refuses_an_end_not_after_the_start() -> None:
    with pytest.raises(ValidationError) as failure:
        meetings.wall_clock(D(2026, 7, 1), T(10), T(10), "Europe/Madrid")
    assert failure.value.message_dict == {"end_time": ["The meeting must end after it starts."]}


def test_it_refuses_a_time_the_clocks_skip() -> None:
    # 8 March 2026, 02:00 -> 03:00 in New York: 02:30 never happens.
    with pytest.raises(ValidationError) as failure:
        meetings.wall_clock(D(2026, 3, 8), T(2, 30), T(4), "America/New_York")
    assert list(failure.value.message_dict) == ["start_time"]
    assert "clocks go forward" in failure.value.message_dict["start_time"][0]


def test_a_time_that_happens_twice_is_its_first_occurrence() -> None:
    # 1 November 2026, 01:30 happens in EDT, then again in EST: the first is -04:00.
    starts, _ = meetings.wall_clock(D(2026, 11, 1), T(1, 30), T(3), "America/New_York")
    assert starts.utcoffset() == dt.timedelta(hours=-4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "offset"), [(D(2026, 10, 26), -4), (D(2026, 11, 2), -5)], ids=["EDT", "EST"]
)
def test_the_invitation_parses_back_at_the_planned_wall_clock_time(
    coalition_admin, partner, day, offset
) -> None:
    """The Monday before and after New York leaves daylight time (1 November 2026): both
    at 10:00 local, an hour apart in UTC."""
    meeting = meetings.schedule(
        by=coalition_admin,
        title="Steering group",
        day=day,
        start_time=T(10),
        end_time=T(11, 30),
        time_zone="America/New_York",
        place="Northside Hall",
        video_url="https://meet.example.org/steering",
        agenda="1. Food security\n2. Rides",
        invited=[partner],
    )
    raw = ical.invitation(
        meeting, url="https://example.org/m", attendees=[("Lena Ortiz", "lena@example.org")]
    )
    calendar = Calendar.from_ical(raw)
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    starts, ends = event.decoded("dtstart"), event.decoded("dtend")
    assert starts == dt.datetime.combine(day, T(10), tzinfo=NEW_YORK)
    assert starts.utcoffset() == dt.timedelta(hours=offset)
    assert starts.astimezone(dt.UTC).hour == 10 - offset
    assert ends - starts == dt.timedelta(minutes=90)
    assert event["dtstart"].params["TZID"] == "America/New_York"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "America/New_York"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert str(event["uid"]) == f"meeting-{meeting.pk}@commonweal"
    assert str(event["location"]) == "Northside Hall"
    assert "https://meet.example.org/steering" in str(event["description"])
    assert str(event["attendee"]) == "mailto:lena@example.org"


@pytest.mark.django_db
def test_an_update_raises_the_sequence_and_a_cancellation_says_cancel(coalition_admin) -> None:
    common = {"title": "Steering", "start_time": T(10), "end_time": T(11)}
    meeting = meetings.schedule(
        by=coalition_admin, day=D(2027, 1, 5), time_zone="UTC", place="Hall", **common
    )
    same = meetings.update(
        meeting, by=coalition_admin, day=D(2027, 1, 5), time_zone="UTC", place="Hall", **common
    )
    assert same.sequence == 0  # nothing a calendar needs to know changed
    moved = meetings.update(
        meeting, by=coalition_admin, day=D(2027, 1, 6), time_zone="UTC", place="Hall", **common
    )
    cancelled = meetings.update(
        moved,
        by=coalition_admin,
        day=D(2027, 1, 6),
        time_zone="UTC",
        place="Hall",
        status="cancelled",
        **common,
    )
    assert (moved.sequence, cancelled.sequence) == (1, 2)
    calendar = Calendar.from_ical(ical.invitation(cancelled, url="https://example.org/m"))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 2


@pytest.mark.django_db
def test_a_refused_meeting_saves_nothing(coalition_admin, partner) -> None:
    with pytest.raises(ValidationError) as failure:
        meetings.schedule(
            by=coalition_admin,
            title="Steering",
            day=D(2027, 1, 5),
            start_time=T(10),
            end_time=T(11),
            time_zone="UTC",
            invited=[partner],
        )
    assert list(failure.value.message_dict) == ["place"]
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_an_action_item_becomes_a_task_of_the_plan(coalition_admin, partner) -> None:
    meeting = meetings.schedule(
        by=coalition_admin,
        title="Steering",
        day=D(2027, 1, 5),
        start_time=T(10),
        end_time=T(11),
        time_zone="UTC",
        video_url="https://meet.example.org/x",
    )
    strategy = Strategy.objects.create(title="Rides")
    task = meetings.add_action_item(
        meeting,
        by=coalition_admin,
        strategy=strategy,
        title="Ask the transit agency",
        owner=partner,
        responsible="Lena",
        due_date=D(2027, 2, 1),
    )
    assert PlanTask.objects.get() == task and task.meeting == meeting
    assert list(meeting.action_items.all()) == [task]


@pytest.mark.django_db
def test_attendance_marks_who_came(coalition_admin, partner, other_organization) -> None:
    from commonweal.partnerships.models import Partner

    clinic = Partner.objects.create(organization=other_organization, sector="health_care")
    meeting = meetings.schedule(
        by=coalition_admin,
        title="Steering",
        day=D(2027, 1, 5),
        start_time=T(10),
        end_time=T(11),
        time_zone="UTC",
        place="Hall",
        invited=[partner, clinic],
    )
    meetings.record_attendance(meeting, by=coalition_admin, present=[clinic])
    assert dict(meeting.attendance.values_list("partner_id", "present")) == {
        partner.pk: False,
        clinic.pk: True,
    }
