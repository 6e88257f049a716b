"""Scheduling partnership meetings in a time zone, and recording what happened at them.

A meeting is planned as a day, a start and an end time on the wall clock of an IANA time
zone ("America/New_York"). `wall_clock` turns that into two instants, refusing a zone that
does not exist, an end that is not after the start, and a time that the zone skips when its
clocks go forward. A time that happens twice when clocks go back is taken at its first
occurrence (PEP 495 fold=0), as calendar programs do.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commonweal.partnerships import plan
from commonweal.partnerships.models import (
    Attendance,
    Decision,
    Meeting,
    Partner,
    PlanTask,
    Strategy,
)

# Changes a calendar must be told about (RFC 5545 SEQUENCE goes up).
SIGNIFICANT = ("starts_at", "ends_at", "time_zone", "place", "video_url", "status")


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone of this name, or a ValidationError on `time_zone` naming it."""
    try:
        if not name or name != name.strip() or name.startswith("/") or ".." in name:
            raise zoneinfo.ZoneInfoNotFoundError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(
            {
                "time_zone": _(
                    "“%(name)s” is no time zone: use an IANA name such as America/New_York."
                )
                % {"name": name}
            }
        ) from None


def _exists(moment: dt.datetime) -> bool:
    """Whether this wall-clock time happens in its zone (not skipped by a clock change)."""
    there_and_back = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    return there_and_back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def wall_clock(
    day: dt.date, start: dt.time, end: dt.time, time_zone: str
) -> tuple[dt.datetime, dt.datetime]:
    """(starts_at, ends_at) of a meeting held on `day` from `start` to `end` in `time_zone`."""
    where = zone(time_zone)
    starts = dt.datetime.combine(day, start, tzinfo=where)
    ends = dt.datetime.combine(day, end, tzinfo=where)
    errors = {}
    for field, moment in (("start_time", starts), ("end_time", ends)):
        if not _exists(moment):
            errors[field] = _(
                "%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward then."
            ) % {"time": moment.strftime("%H:%M"), "day": day.isoformat(), "zone": time_zone}
    if not errors and ends.astimezone(dt.UTC) <= starts.astimezone(dt.UTC):
        errors["end_time"] = _("The meeting must end after it starts.")
    if errors:
        raise ValidationError(errors)
    return starts, ends


def local_times(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """The meeting's start and end on its own zone's wall clock."""
    where = zoneinfo.ZoneInfo(meeting.time_zone)
    return meeting.starts_at.astimezone(where), meeting.ends_at.astimezone(where)


def _check_place(meeting: Meeting) -> None:
    if not meeting.place and not meeting.video_url:
        raise ValidationError({"place": _("Give a place, a video link, or both.")})


@transaction.atomic
def schedule(
    *,
    by: Any,
    title: str,
    day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    time_zone: str,
    invited: Iterable[Partner] = (),
    **details: Any,
) -> Meeting:
    """Schedule a meeting and invite partners to it."""
    starts, ends = wall_clock(day, start_time, end_time, time_zone)
    meeting = Meeting(title=title, starts_at=starts, ends_at=ends, time_zone=time_zone, **details)
    _check_place(meeting)
    meeting.full_clean()
    meeting.save()
    Attendance.objects.bulk_create(Attendance(meeting=meeting, partner=p) for p in invited)
    return meeting


@transaction.atomic
def update(
    meeting: Meeting,
    *,
    by: Any,
    day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    time_zone: str,
    invited: Iterable[Partner] | None = None,
    **details: Any,
) -> Meeting:
    """Change a meeting; a change calendars must notice raises its SEQUENCE."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in SIGNIFICANT}
    meeting.starts_at, meeting.ends_at = wall_clock(day, start_time, end_time, time_zone)
    meeting.time_zone = time_zone
    for name, value in details.items():
        setattr(meeting, name, value)
    _check_place(meeting)
    meeting.full_clean()
    if any(getattr(meeting, name) != value for name, value in before.items()):
        meeting.sequence += 1
    meeting.save()
    if invited is not None:
        wanted = {p.pk for p in invited}
        meeting.attendance.exclude(partner_id__in=wanted).delete()
        have = set(meeting.attendance.values_list("partner_id", flat=True))
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, partner_id=pk) for pk in wanted - have
        )
    return meeting


@transaction.atomic
def record_attendance(meeting: Meeting, *, by: Any, present: Iterable[Partner]) -> None:
    """Mark who came: invited partners present or not; a partner not invited is added."""
    here = {p.pk for p in present}
    for pk in here - set(meeting.attendance.values_list("partner_id", flat=True)):
        Attendance.objects.create(meeting=meeting, partner_id=pk)
    meeting.attendance.update(present=False)
    meeting.attendance.filter(partner_id__in=here).update(present=True)


@transaction.atomic
def add_decision(meeting: Meeting, *, by: Any, text: str) -> Decision:
    decision = Decision(meeting=meeting, text=text)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def add_action_item(meeting: Meeting, *, by: Any, strategy: Strategy, **details: Any) -> PlanTask:
    """An action item agreed at the meeting: a task of the action plan, linked back to it."""
    return plan.save_task(strategy=strategy, by=by, meeting=meeting, **details)
