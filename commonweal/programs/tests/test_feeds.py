"""The iCalendar feeds, read back by two independent parsers: `icalendar` (which wrote them)
and `ical` (its own parser and recurrence engine), with the right times across a change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from commonweal.programs import schedule
from commonweal.programs.models import Programme

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
UTC = dt.UTC


@pytest.fixture
def feed_session(weekly, partner_staff):
    """Weekly at 18:00 from 3 March 2026 (across the 8 March change), 10 March excluded,
    17 March cancelled."""
    weekly = schedule.update_session(
        weekly, by=partner_staff, rule="FREQ=WEEKLY;UNTIL=20260331", exdates=["2026-03-10T18:00"]
    )
    schedule.cancel_occurrence(weekly, occurrence=dt.datetime(2026, 3, 17, 18, 0), by=partner_staff)
    return weekly


def _feed(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def _feeds(session) -> list[bytes]:
    programme = session.programme
    return [
        _feed(reverse("events:partnership_feed")),
        _feed(reverse("events:organization_feed", args=[programme.organization_id])),
        _feed(reverse("events:programme_feed", args=[programme.pk])),
    ]


EXPECTED_UTC = [
    dt.datetime(2026, 3, 3, 23, 0, tzinfo=UTC),  # 18:00 EST
    dt.datetime(2026, 3, 17, 22, 0, tzinfo=UTC),  # 18:00 EDT, cancelled
    dt.datetime(2026, 3, 24, 22, 0, tzinfo=UTC),
    dt.datetime(2026, 3, 31, 22, 0, tzinfo=UTC),
]


def test_icalendar_reads_the_series_its_exdate_and_the_cancellation(feed_session) -> None:
    for body in _feeds(feed_session):
        calendar = Calendar.from_ical(body)
        events = calendar.walk("VEVENT")
        master = next(e for e in events if "RRULE" in e)
        assert master.decoded("dtstart") == dt.datetime(2026, 3, 3, 18, 0, tzinfo=NY)
        assert master["dtstart"].params["TZID"] == "America/New_York"
        assert master["rrule"]["UNTIL"][0].tzinfo is not None  # UTC, as RFC 5545 wants
        exdate = master["exdate"].dts[0].dt
        assert exdate.astimezone(UTC) == dt.datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
        (override,) = [e for e in events if "RECURRENCE-ID" in e]
        assert override["status"] == "CANCELLED"
        assert override.decoded("recurrence-id").astimezone(UTC) == EXPECTED_UTC[1]
        assert calendar.walk("VTIMEZONE"), "the zone travels with the feed"


def test_a_second_parser_expands_the_same_meetings_at_the_same_instants(feed_session) -> None:
    body = _feed(reverse("events:programme_feed", args=[feed_session.programme.pk]))
    calendar = IcsCalendarStream.calendar_from_ics(body.decode())
    found = [
        (event.dtstart.astimezone(UTC), event.status)
        for event in calendar.timeline_tz(NY).overlapping(
            dt.datetime(2026, 3, 1, tzinfo=NY), dt.datetime(2026, 4, 30, tzinfo=NY)
        )
    ]
    assert [start for start, _status in found] == EXPECTED_UTC
    assert [str(status).upper().endswith("CANCELLED") for _s, status in found] == [
        False,
        True,
        False,
        False,
    ]
    # 18:00 local on both sides of the change.
    assert {start.astimezone(NY).hour for start, _ in found} == {18}


def test_one_meeting_downloads_as_its_own_event(feed_session) -> None:
    url = reverse("events:session_ics", args=[feed_session.pk, "20260324T180000"])
    body = _feed(url)
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert "RRULE" not in event
    assert event.decoded("dtstart").astimezone(UTC) == EXPECTED_UTC[2]
    (again,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert again.dtstart.astimezone(UTC) == EXPECTED_UTC[2]
    assert again.dtend - again.dtstart == dt.timedelta(minutes=90)


def test_a_meeting_the_session_does_not_have_is_not_found(feed_session) -> None:
    for occurrence in ["20260310T180000", "20260311T180000", "soon"]:
        url = reverse("events:session_ics", args=[feed_session.pk, occurrence])
        assert Client().get(url).status_code == 404


def test_an_unpublished_programme_is_in_no_public_feed(feed_session) -> None:
    Programme.objects.filter(pk=feed_session.programme_id).update(published=False)
    body = _feed(reverse("events:partnership_feed"))
    assert not Calendar.from_ical(body).walk("VEVENT")
    url = reverse("events:programme_feed", args=[feed_session.programme_id])
    assert Client().get(url).status_code == 404
