"""The programme manager (/programs/): partners publish programmes and their sessions.

Who may do what is commonweal.policy's (`can_manage_programme`); programmes are public, so a
refusal is a 403. Views parse, call one function of schedule.py, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.programs import calendar, registration, schedule
from commonweal.programs.forms import CancelForm, ProgrammeForm, SessionForm
from commonweal.programs.models import Programme, Session


def _apply_errors(form: Any, error: ValidationError) -> None:
    """A domain error onto the form, each message on its field (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _managed(request: HttpRequest, programme_id: Any) -> Programme:
    programme = get_object_or_404(Programme.objects.with_organization(), pk=programme_id)
    if not policy.can_manage_programme(request.user, programme.organization):
        raise PermissionDenied
    return programme


def _managed_session(request: HttpRequest, session_id: Any) -> Session:
    session = get_object_or_404(
        Session.objects.select_related("programme__organization"), pk=session_id
    )
    if not policy.can_manage_programme(request.user, session.programme.organization):
        raise PermissionDenied
    return session


def _manage_url(programme: Programme) -> str:
    return reverse("programs:programme_manage", kwargs={"programme_id": programme.pk})


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_some_programme(request.user):
        raise PermissionDenied
    organizations = policy.programme_organizations(request.user)
    programmes = Programme.objects.of(organizations).with_organization()
    return render(
        request,
        "programs/manage_list.html",
        {
            "programmes": programmes,
            "keeps_training": policy.training_organizations(request.user).exists(),
            "sees_coverage": policy.can_see_training_coverage(request.user),
        },
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_some_programme(request.user):
        raise PermissionDenied
    organizations = policy.programme_organizations(request.user)
    form = ProgrammeForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        try:
            programme = schedule.create_programme(
                organization=form.cleaned_data["organization"], by=request.user, **fields
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is saved. Now add its sessions.") % {"name": programme.name}
            )
            return redirect(_manage_url(programme))
    return render(request, "programs/programme_form.html", {"form": form})


@login_required
def programme_manage(request: HttpRequest, programme_id: Any) -> HttpResponse:
    programme = _managed(request, programme_id)
    now = timezone.now()
    sessions = programme.sessions.select_related("location").prefetch_related("cancellations")
    rows = []
    totals = {"registered": 0, "attended": 0}
    for session in sessions:
        counts = registration.counts(session)
        for tally in counts.values():
            totals["registered"] += tally.registered
            totals["attended"] += tally.attended
        # The last week's meetings too: attendance is often taken after the meeting.
        recent = now - dt.timedelta(days=7)
        upcoming = session.occurrences(window_start=recent)[: calendar.UPCOMING_PER_SESSION]
        rows.append(
            (
                session,
                [(o, counts.get(o.key.isoformat(), registration.Counts())) for o in upcoming],
            )
        )
    return render(
        request,
        "programs/programme_manage.html",
        {
            "programme": programme,
            "rows": rows,
            "totals": totals,
            "sees_registrants": policy.can_see_registrants(request.user, programme.organization),
        },
    )


@login_required
def programme_edit(request: HttpRequest, programme_id: Any) -> HttpResponse:
    programme = _managed(request, programme_id)
    form = ProgrammeForm(
        request.POST or None,
        instance=Programme.objects.get(pk=programme.pk),
        organizations=policy.programme_organizations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule.update_programme(programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_manage_url(programme))
    return render(request, "programs/programme_form.html", {"form": form, "programme": programme})


@login_required
def session_create(request: HttpRequest, programme_id: Any) -> HttpResponse:
    programme = _managed(request, programme_id)
    form = SessionForm(
        request.POST or None, instance=Session(programme=programme), programme=programme
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule.add_session(programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect(_manage_url(programme))
    return render(request, "programs/session_form.html", {"form": form, "programme": programme})


@login_required
def session_edit(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = _managed_session(request, session_id)
    programme = session.programme
    form = SessionForm(
        request.POST or None, instance=Session.objects.get(pk=session.pk), programme=programme
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule.update_session(session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect(_manage_url(programme))
    return render(
        request,
        "programs/session_form.html",
        {"form": form, "programme": programme, "session": session},
    )


@login_required
@require_POST
def occurrence_cancel(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = _managed_session(request, session_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a meeting to cancel."))
    else:
        try:
            schedule.cancel_occurrence(
                session,
                occurrence=form.cleaned_data["occurrence"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The meeting is marked cancelled."))
    return redirect(_manage_url(session.programme))


@login_required
@require_POST
def occurrence_restore(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = _managed_session(request, session_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        schedule.restore_occurrence(
            session, occurrence=form.cleaned_data["occurrence"], by=request.user
        )
        messages.success(request, _("The meeting is on again."))
    else:
        messages.error(request, _("Choose a meeting to restore."))
    return redirect(_manage_url(session.programme))
