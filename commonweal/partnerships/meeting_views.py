"""Pages of partnership meetings (/partnership/meetings/) and their iCalendar invitation:
parse, call one function of meetings.py, render. Rules: commonweal.policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from commonweal.partnerships import ical, meetings, notifications
from commonweal.partnerships.forms import (
    ActionItemForm,
    AttendanceForm,
    DecisionForm,
    MeetingEditForm,
    MeetingForm,
)
from commonweal.partnerships.models import Meeting, PartnerContact, PlanTask
from commonweal.partnerships.pages import (
    form_page,
    page_context,
    require_manager,
    require_workspace,
)


def _row(meeting: Meeting) -> dict[str, Any]:
    starts, ends = meetings.local_times(meeting)
    return {"meeting": meeting, "starts": starts, "ends": ends}


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    now = timezone.now()
    upcoming = Meeting.objects.upcoming(now)
    past = Meeting.objects.exclude(pk__in=upcoming.values("pk")).order_by("-starts_at")
    return render(
        request,
        "partnerships/meeting_list.html",
        page_context(
            request,
            upcoming=[_row(m) for m in upcoming],
            past=[_row(m) for m in past[:50]],
        ),
    )


@login_required
def meeting_detail(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_workspace(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return render(
        request,
        "partnerships/meeting_detail.html",
        page_context(
            request,
            **_row(meeting),
            attendance=meeting.attendance.select_related("partner__organization"),
            decisions=meeting.decisions.all(),
            action_items=PlanTask.objects.filter(meeting=meeting).with_related(),
        ),
    )


def _initial(meeting: Meeting) -> dict[str, Any]:
    starts, ends = meetings.local_times(meeting)
    return {
        "title": meeting.title,
        "day": starts.date(),
        "start_time": starts.time(),
        "end_time": ends.time(),
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "invited": [a.partner_id for a in meeting.attendance.all()],
        "status": meeting.status,
        "minutes": meeting.minutes,
    }


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    form = MeetingForm(
        request.POST or None, initial={"time_zone": timezone.get_current_timezone_name()}
    )
    return form_page(
        request,
        form,
        lambda data: meetings.schedule(by=request.user, **data),
        title=_("Schedule a meeting"),
        back=(_("Meetings"), "partnerships:meeting_list"),
        done=lambda meeting: meeting.get_absolute_url(),
        saved=_("The meeting is scheduled."),
    )


@login_required
def meeting_edit(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_manager(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    form = MeetingEditForm(request.POST or None, initial=_initial(meeting))
    return form_page(
        request,
        form,
        lambda data: meetings.update(meeting, by=request.user, **data),
        title=_("Edit the meeting"),
        back=(meeting.title, meeting.get_absolute_url()),
        done=lambda meeting: meeting.get_absolute_url(),
        saved=_("The meeting is saved."),
    )


@login_required
def attendance(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_manager(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    present = [a.partner_id for a in meeting.attendance.filter(present=True)]
    form = AttendanceForm(request.POST or None, initial={"present": present})

    def save(data: dict[str, Any]) -> Meeting:
        meetings.record_attendance(meeting, by=request.user, **data)
        return meeting

    return form_page(
        request,
        form,
        save,
        title=_("Who came to “%(meeting)s”") % {"meeting": meeting.title},
        back=(meeting.title, meeting.get_absolute_url()),
        done=lambda meeting: meeting.get_absolute_url(),
        saved=_("The attendance is saved."),
    )


@login_required
def decision_create(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_manager(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return form_page(
        request,
        DecisionForm(request.POST or None),
        lambda data: meetings.add_decision(meeting, by=request.user, **data),
        title=_("Record a decision"),
        back=(meeting.title, meeting.get_absolute_url()),
        done=lambda decision: meeting.get_absolute_url(),
        saved=_("The decision is recorded."),
    )


@login_required
def action_item_create(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    require_manager(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return form_page(
        request,
        ActionItemForm(request.POST or None, instance=PlanTask(meeting=meeting)),
        lambda data: meetings.add_action_item(meeting, by=request.user, **data),
        title=_("Add an action item"),
        back=(meeting.title, meeting.get_absolute_url()),
        done=lambda task: meeting.get_absolute_url(),
        saved=_("The action item is a task of the plan now."),
    )


@login_required
def meeting_ics(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """The invitation (or cancellation) as an .ics file any calendar program opens."""
    require_workspace(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    contacts = PartnerContact.objects.filter(
        partner__attendance__meeting=meeting, is_primary=True
    ).exclude(email="")
    body = ical.invitation(
        meeting,
        url=request.build_absolute_uri(meeting.get_absolute_url()),
        attendees=[(c.name, c.email) for c in contacts],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_invite(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    """E-mail the invitation (or its update, or the cancellation) to the invited contacts."""
    require_manager(request)
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    queued = notifications.send_invitations(meeting, by=request.user)
    if queued:
        messages.success(
            request,
            ngettext(
                "The invitation is on its way to %(n)d contact.",
                "The invitation is on its way to %(n)d contacts.",
                queued,
            )
            % {"n": queued},
        )
    else:
        messages.info(
            request,
            _("Nobody new to send to: every invited contact with an e-mail has this version."),
        )
    return redirect(meeting)
