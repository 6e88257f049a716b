"""Volunteer pages: open roles and signing up (public, /volunteer/); posting roles, the
matched list, confirming and logging hours (/programs/volunteers/).

Roles are public once open, so a refusal to manage one is a 403; a draft is unknown (404) to
whoever may not manage it. Volunteers' names and contacts are shown only to the posting
organisation's partner staff (`policy.can_coordinate_volunteers`), and every such page view
is audit-logged with counts, never a name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.audit import client_ip
from commonweal.accounts.models import AuditEvent
from commonweal.programs import volunteers
from commonweal.programs.views import _apply_errors
from commonweal.programs.volunteer_forms import (
    DecisionForm,
    HoursForm,
    RoleFilterForm,
    RoleForm,
    SignupForm,
    slot_choices,
)
from commonweal.programs.volunteer_models import (
    RoleStatus,
    SignupStatus,
    VolunteerRole,
    VolunteerSignup,
)


def _slot_labels(slots: list[str]) -> list[str]:
    labels = dict(slot_choices())
    return [str(labels[s]) for s in slots if s in labels]


# --- public ---------------------------------------------------------------------------------


def role_list(request: HttpRequest) -> HttpResponse:
    form = RoleFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "kinds": form.cleaned_data["kind"],
            "language": form.cleaned_data["language"],
            "place": form.cleaned_data["place"],
            "slots": form.cleaned_data["when"],
        }
    roles = volunteers.open_roles(today=timezone.localdate(), **filters)
    return render(
        request,
        "programs/volunteer_list.html",
        {
            "form": form,
            "roles": roles,
            "filtered": bool(filters),
            "manages": policy.can_manage_some_programme(request.user),
        },
        status=400 if form.errors else 200,
    )


def _public_role(request: HttpRequest, role_id: Any) -> VolunteerRole:
    role = get_object_or_404(VolunteerRole.objects.with_organization(), pk=role_id)
    if role.status == RoleStatus.DRAFT and not policy.can_manage_volunteer_role(
        request.user, role.organization
    ):
        raise Http404
    return role


def role_detail(request: HttpRequest, role_id: Any) -> HttpResponse:
    """The role's page, and the sign-up form on it (POST signs up)."""
    role = _public_role(request, role_id)
    today = timezone.localdate()
    taking = role.status == RoleStatus.OPEN and not volunteers.has_ended(role, today=today)
    form = SignupForm(request.POST or None, role=role)
    limited = False
    if request.method == "POST" and taking:
        if not volunteers.within_signup_limit(client_ip(request), role):
            limited = True
        elif form.is_valid():
            data = form.cleaned_data
            try:
                _signup, token = volunteers.sign_up(
                    role,
                    name=data["name"],
                    contact=data["contact"],
                    languages=data["languages"],
                    skills=data.get("skills", []),
                    other_skills=data["other_skills"],
                    availability=data["availability"],
                    says_trained=data.get("says_trained", False),
                    old_enough=data.get("old_enough", False),
                    language=get_language() or "",
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return redirect("volunteer:signup", token=token)
    status = 429 if limited else (400 if form.errors else 200)
    return render(
        request,
        "programs/volunteer_role.html",
        {
            "role": role,
            "form": form,
            "taking": taking,
            "limited": limited,
            "slots": _slot_labels(role.slots),
            "confirmed": volunteers.confirmed_count(role),
        },
        status=status,
    )


@never_cache
def signup(request: HttpRequest, token: str) -> HttpResponse:
    """The volunteer's private page (the link in their message): see, and withdraw."""
    found = volunteers.find(token)
    if found is None:
        raise Http404
    return render(
        request,
        "programs/volunteer_signup.html",
        {"signup": found, "role": found.role, "token": token},
    )


@require_POST
def signup_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    found = volunteers.find(token)
    if found is None:
        raise Http404
    volunteers.withdraw(found)
    messages.success(request, _("You have taken back your offer. Thank you."))
    return redirect("volunteer:signup", token=token)


# --- managing -------------------------------------------------------------------------------


def _managed(request: HttpRequest, role_id: Any) -> VolunteerRole:
    role = get_object_or_404(VolunteerRole.objects.with_organization(), pk=role_id)
    if not policy.can_manage_volunteer_role(request.user, role.organization):
        if role.status == RoleStatus.DRAFT:
            raise Http404
        raise PermissionDenied
    return role


def _coordinated(request: HttpRequest, signup_id: Any) -> VolunteerSignup:
    found = get_object_or_404(
        VolunteerSignup.objects.select_related("role__organization"), pk=signup_id
    )
    if not policy.can_coordinate_volunteers(request.user, found.role.organization):
        # A person's offer: unknown to anyone who may not see it.
        raise Http404
    return found


def _manage_url(role: VolunteerRole) -> str:
    return reverse("programs:volunteer_role_manage", kwargs={"role_id": role.pk})


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_some_programme(request.user):
        raise PermissionDenied
    organizations = policy.programme_organizations(request.user)
    roles = VolunteerRole.objects.of(organizations).with_organization()
    return render(
        request,
        "programs/volunteer_manage_list.html",
        {
            "roles": volunteers.roles_with_totals(roles),
            "by_organization": volunteers.hours_by_organization(roles),
            "hour_value": volunteers.hour_value(),
        },
    )


@login_required
def role_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_some_programme(request.user):
        raise PermissionDenied
    organizations = policy.programme_organizations(request.user)
    form = RoleForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        try:
            role = volunteers.save_role(
                organization=form.cleaned_data["organization"], by=request.user, **fields
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(title)s is saved.") % {"title": role.title})
            return redirect(_manage_url(role))
    return render(
        request,
        "programs/volunteer_role_form.html",
        {"form": form},
    )


@login_required
def role_edit(request: HttpRequest, role_id: Any) -> HttpResponse:
    role = _managed(request, role_id)
    form = RoleForm(
        request.POST or None,
        instance=VolunteerRole.objects.get(pk=role.pk),
        organizations=policy.programme_organizations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteers.save_role(role, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_manage_url(role))
    return render(
        request,
        "programs/volunteer_role_form.html",
        {"form": form, "role": role},
    )


@login_required
def role_manage(request: HttpRequest, role_id: Any) -> HttpResponse:
    role = _managed(request, role_id)
    coordinates = policy.can_coordinate_volunteers(request.user, role.organization)
    matches = volunteers.ranked(role, today=timezone.localdate()) if coordinates else []
    if coordinates:
        # Names and contacts are on this page: a read of person data, logged without them.
        audit.record(
            action=AuditEvent.Action.VIEW,
            actor=request.user,
            obj=role,
            request=request,
            detail={"what": "volunteers", "count": len(matches)},
        )
    return render(
        request,
        "programs/volunteer_role_manage.html",
        {
            "role": role,
            "totals": volunteers.totals(role),
            "coordinates": coordinates,
            "matches": [(s, m, _slot_labels(s.availability)) for s, m in matches],
            "slots": _slot_labels(role.slots),
        },
    )


@login_required
@require_POST
def signup_decide(request: HttpRequest, signup_id: Any) -> HttpResponse:
    found = _coordinated(request, signup_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or decline."))
    else:
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            volunteers.decide(found, confirm=confirm, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = _("Confirmed. We told them.") if confirm else _("Declined. We told them.")
            messages.success(request, done)
    return redirect(_manage_url(found.role))


@login_required
def signup_hours(request: HttpRequest, signup_id: Any) -> HttpResponse:
    found = _coordinated(request, signup_id)
    form = HoursForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            volunteers.log_hours(
                found, on=form.cleaned_data["on"], hours=form.cleaned_data["hours"], by=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The hours are saved."))
            return redirect(request.path)
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=request.user,
        obj=found,
        request=request,
        detail={"what": "volunteer hours"},
    )
    days = list(found.hours.all())
    return render(
        request,
        "programs/volunteer_hours.html",
        {
            "signup": found,
            "role": found.role,
            "form": form,
            "days": days,
            "total": sum((d.hours for d in days), start=Decimal(0)),
            "confirmed": found.status == SignupStatus.CONFIRMED,
        },
        status=400 if form.errors else 200,
    )
