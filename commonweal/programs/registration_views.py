"""Registration pages: residents register and cancel (public); staff check people in.

The check-in list shows registrants' names and contacts: person data, for the organising
organisation's partner staff only (`policy.can_see_registrants`), audit-logged on each view.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.programs import registration as registrations
from commonweal.programs.event_views import public_programme
from commonweal.programs.forms import RegistrationForm
from commonweal.programs.models import Registration, RegistrationStatus, Session
from commonweal.programs.recurrence import Occurrence


def _meeting(request: HttpRequest, session_id: Any, occurrence: str) -> tuple[Session, Occurrence]:
    session = get_object_or_404(
        Session.objects.select_related("programme__organization", "location"), pk=session_id
    )
    public_programme(request, session.programme_id)
    try:
        key = dt.datetime.strptime(occurrence, "%Y%m%dT%H%M%S")
    except ValueError:
        raise Http404 from None
    found = registrations.meeting(session, key)
    if found is None:
        raise Http404
    return session, found


def register(request: HttpRequest, session_id: Any, occurrence: str) -> HttpResponse:
    session, found = _meeting(request, session_id, occurrence)
    counts = registrations.counts(session).get(found.key.isoformat(), registrations.Counts())
    full = session.capacity is not None and counts.registered >= session.capacity
    form = RegistrationForm(request.POST or None)
    limited = request.method == "POST" and not registrations.within_signup_limit(
        audit.client_ip(request)
    )
    if request.method == "POST" and not limited and form.is_valid():
        try:
            made = registrations.register(
                session,
                occurrence=found.key,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                language=get_language() or "",
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            return redirect("events:registration", token=registrations.token_for(made))
    return render(
        request,
        "programs/register.html",
        {
            "session": session,
            "programme": session.programme,
            "event": {"occurrence": found, "start": found.start},
            "form": form,
            "full": full,
            "open": not found.cancelled and found.start > timezone.now(),
            "limited": limited,
        },
        status=429 if limited else (400 if form.errors else 200),
    )


def registration(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's private page (the link in their messages): see, and cancel."""
    made = registrations.find(
        token, Registration.objects.select_related("session__programme", "session__location")
    )
    if made is None:
        raise Http404
    found = registrations.meeting(made.session, dt.datetime.fromisoformat(made.occurrence))
    return render(
        request,
        "programs/registration.html",
        {
            "registration": made,
            "token": token,  # the link they came by (the one before a re-key works too)
            "session": made.session,
            "programme": made.session.programme,
            "event": {"occurrence": found, "start": found.start} if found else None,
        },
    )


@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    made = registrations.find(token)
    if made is None:
        raise Http404
    registrations.cancel(made)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("events:registration", token=token)


def _checkin_meeting(
    request: HttpRequest, session_id: Any, occurrence: str
) -> tuple[Session, Occurrence]:
    session = get_object_or_404(
        Session.objects.select_related("programme__organization"), pk=session_id
    )
    if not policy.can_see_registrants(request.user, session.programme.organization):
        raise PermissionDenied
    try:
        key = dt.datetime.strptime(occurrence, "%Y%m%dT%H%M%S")
    except ValueError:
        raise Http404 from None
    found = registrations.meeting(session, key)
    if found is None:
        raise Http404
    return session, found


@login_required
def check_in(request: HttpRequest, session_id: Any, occurrence: str) -> HttpResponse:
    session, found = _checkin_meeting(request, session_id, occurrence)
    key = found.key.isoformat()
    if request.method == "POST":
        try:
            chosen = uuid.UUID(request.POST.get("registration", ""))
        except ValueError:
            raise Http404 from None
        made = get_object_or_404(Registration, pk=chosen, session=session, occurrence=key)
        registrations.check_in(made, attended=request.POST.get("attended") == "1", by=request.user)
        return redirect(request.path)
    people = list(
        Registration.objects.filter(session=session, occurrence=key)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("status", "created_at")
    )
    # Reading names and contacts is a read of person data: logged, with no name in it.
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=request.user,
        obj=session,
        request=request,
        detail={"what": "registrants", "occurrence": key, "count": len(people)},
    )
    return render(
        request,
        "programs/check_in.html",
        {
            "session": session,
            "programme": session.programme,
            "event": {"occurrence": found, "start": found.start},
            "people": people,
            "counts": registrations.counts(session).get(key, registrations.Counts()),
        },
    )
