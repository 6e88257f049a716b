"""The public side (/events/): the calendar and programme pages, for everyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.directory.models import Organization
from commonweal.programs import calendar, feeds
from commonweal.programs.forms import CalendarForm
from commonweal.programs.models import Programme, Session


def public_programme(request: HttpRequest, programme_id: Any) -> Programme:
    """A published programme; an unpublished one only for those who manage it."""
    programme = get_object_or_404(Programme.objects.with_organization(), pk=programme_id)
    if not programme.published and not policy.can_manage_programme(
        request.user, programme.organization
    ):
        raise Http404
    return programme


def programme_detail(request: HttpRequest, programme_id: Any) -> HttpResponse:
    programme = public_programme(request, programme_id)
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "events": calendar.upcoming(programme, now=timezone.now()),
            "manages": policy.can_manage_programme(request.user, programme.organization),
        },
    )


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return start, end


MONDAY = dt.date(2024, 1, 1)


def _grid(span: calendar.Window, days: dict) -> list[list[tuple[dt.date, int] | None]]:
    """The month's weeks, each day with how many events it has."""
    return [
        [(day, len(days.get(day, []))) if day else None for day in week]
        for week in calendar.month_grid(span.first, span.last)
    ]


def calendar_page(request: HttpRequest) -> HttpResponse:
    form = CalendarForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    view = data.get("view") or "list"
    today = timezone.localdate()
    span = calendar.window(view, data.get("start") or today)
    sessions = calendar.filter_sessions(
        calendar.sessions_of(Programme.objects.published()),
        kinds=data.get("kind") or (),
        language=data.get("language") or "",
        place=data.get("place") or "",
    )
    start, end = _bounds(span.first, span.last)
    found = calendar.events(sessions, start=start, end=end)
    days = calendar.by_day(found)
    query = request.GET.copy()
    query.pop("start", None)
    return render(
        request,
        "programs/calendar.html",
        {
            "form": form,
            "span": span,
            "days": days,
            "event_count": len(found),
            "weeks": _grid(span, days) if view == "month" else [],
            "weekdays": [date_format(MONDAY + dt.timedelta(days=i), "D") for i in range(7)],
            "query": query.urlencode(),
            "today": today,
            "manages": policy.can_manage_some_programme(request.user),
        },
        status=200 if valid else 400,
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def partnership_feed(request: HttpRequest) -> HttpResponse:
    sessions = calendar.sessions_of(Programme.objects.published())
    name = _("%(site)s events") % {"site": settings.SITE_NAME}
    return _ics(feeds.feed(sessions, name=name, base_url=_base(request)), "events.ics")


def organization_feed(request: HttpRequest, organization_id: Any) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=organization_id)
    sessions = calendar.sessions_of(Programme.objects.published().filter(organization=organization))
    body = feeds.feed(sessions, name=organization.name, base_url=_base(request))
    return _ics(body, "events.ics")


def programme_feed(request: HttpRequest, programme_id: Any) -> HttpResponse:
    programme = public_programme(request, programme_id)
    sessions = calendar.sessions_of(Programme.objects.filter(pk=programme.pk))
    body = feeds.feed(sessions, name=programme.name, base_url=_base(request))
    return _ics(body, "programme.ics")


def session_ics(request: HttpRequest, session_id: Any, occurrence: str) -> HttpResponse:
    """One meeting as a file: `occurrence` is its local start, 20260310T180000."""
    session = get_object_or_404(
        Session.objects.select_related("programme__organization", "location"), pk=session_id
    )
    public_programme(request, session.programme_id)
    try:
        key = dt.datetime.strptime(occurrence, "%Y%m%dT%H%M%S")
    except ValueError:
        raise Http404 from None
    found = next((o for o in session.occurrences() if o.key == key), None)
    if found is None:
        raise Http404
    body = feeds.one_meeting(session, found, base_url=_base(request))
    return _ics(body, f"session-{occurrence}.ics")
