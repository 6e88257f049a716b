"""A meeting as an iCalendar (RFC 5545) invitation, for calendar programs.

The event carries the meeting's own time zone: DTSTART and DTEND are local times with a
TZID, and the calendar holds that zone's VTIMEZONE definition, so a calendar shows the
meeting at the wall-clock time it was planned at even across a daylight-saving change.
METHOD is REQUEST (RFC 5546) for an invitation or an update — SEQUENCE tells a calendar
which copy is newer — and CANCEL once the meeting is cancelled. The UID stays the same for
the meeting's whole life, so each update replaces the earlier copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from commonweal.partnerships.meetings import local_times
from commonweal.partnerships.models import Meeting, MeetingStatus

PRODID = "-//commonweal//partnership meetings//EN"


def uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@commonweal"


def invitation(
    meeting: Meeting,
    *,
    url: str,
    attendees: Iterable[tuple[str, str]] = (),
    now: dt.datetime | None = None,
) -> bytes:
    """The meeting as a VCALENDAR; `attendees` are (name, e-mail) of partner contacts."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", now or dt.datetime.now(dt.UTC))
    starts, ends = local_times(meeting)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("url", url)
    if meeting.place:
        event.add("location", meeting.place)
    elif meeting.video_url:
        event.add("location", meeting.video_url)
    description = meeting.agenda
    if meeting.video_url:
        description = f"{description}\n\nVideo: {meeting.video_url}".strip()
    if description:
        event.add("description", description)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(settings.SITE_NAME)
    event.add("organizer", organizer)
    for name, email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
