"""Referral pages: make a referral, the navigator's worklist, the partner inbox, one
referral with its timeline and the moves the user may make.

Thin callers of referring.py and lifecycle.py. A referral outside the user's
organisations answers 404, like one that does not exist; a draft is the sender's alone.
Every page that shows a referral writes the audit log.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.directory.models import Service, ServiceAtLocation
from commonweal.referrals import consent as consents
from commonweal.referrals import (
    lifecycle,
    people,
    referring,
    reminders,
    status_page,
    worklist,
)
from commonweal.referrals.consent_views import parse_uuid
from commonweal.referrals.errors import NotAllowed, ReferralError, StaleVersion
from commonweal.referrals.models import (
    Outcome,
    Person,
    ReasonCode,
    Referral,
    ReferralStatus,
)
from commonweal.referrals.referral_forms import (
    AppointmentForm,
    ChoosePersonForm,
    MoveForm,
    ReferralForm,
    need_label,
)

PAGE_SIZE = 25
INBOX_OPEN = "open"
# Button words for each move, from where the receiver or sender stands.
MOVE_LABELS = {
    ReferralStatus.REQUESTED: gettext_lazy("Send the referral"),
    ReferralStatus.RECEIVED: gettext_lazy("Mark as received"),
    ReferralStatus.ACCEPTED: gettext_lazy("Accept"),
    ReferralStatus.REJECTED: gettext_lazy("Decline"),
    ReferralStatus.IN_PROGRESS: gettext_lazy("Mark in progress"),
    ReferralStatus.ON_HOLD: gettext_lazy("Put on hold"),
    ReferralStatus.FAILED: gettext_lazy("Could not complete"),
    ReferralStatus.COMPLETED: gettext_lazy("Complete with an outcome"),
    ReferralStatus.CANCELLED: gettext_lazy("Cancel the referral"),
}


def _require_care_role(request: HttpRequest) -> None:
    if not policy.can_work_with_people(request.user):
        raise PermissionDenied


def _referral_or_404(request: HttpRequest, referral_id: Any) -> Referral:
    referral = get_object_or_404(
        Referral.objects.select_related(
            "service", "from_organization", "to_organization", "consent"
        ),
        pk=referral_id,
    )
    if not policy.can_view_referral(request.user, referral):
        raise Http404
    return referral


# --- making a referral -------------------------------------------------------------------


def _choose_person(request: HttpRequest, service: Service, need: str) -> HttpResponse:
    form = ChoosePersonForm(
        request.GET if "person" in request.GET else None,
        people=policy.visible_people(request.user)
        .filter(care_team__organization_id__in=policy.care_organization_ids(request.user))
        .distinct()
        .order_by("family_name", "given_name"),
    )
    if form.is_bound and form.is_valid():
        query = f"?service={service.pk}&person={form.cleaned_data['person'].pk}"
        return redirect(reverse("referral:new") + query + (f"&need={need}" if need else ""))
    # The choice lists people's names: a read of their records, logged like the people list.
    people.record_list_read(
        people=list(form.fields["person"].queryset), by=request.user, request=request
    )
    return render(
        request,
        "referrals/referral/choose_person.html",
        {"form": form, "service": service, "need": need},
        status=400 if form.errors else 200,
    )


def _locations(service: Service) -> list[tuple[str, str]]:
    sites = ServiceAtLocation.objects.filter(service=service).select_related("location")
    return [(str(s.pk), s.location.name or _("Unnamed location")) for s in sites.order_by("id")]


@never_cache
@login_required
def refer(request: HttpRequest) -> HttpResponse:
    """Refer a person to a service: ?service=…&person=…&need=… (need optional)."""
    _require_care_role(request)
    service_id = parse_uuid(request.GET.get("service"))
    if service_id is None:
        messages.info(request, _("Find a service first, then choose “Refer someone”."))
        return redirect("web:home")
    service = get_object_or_404(Service.objects.select_related("organization"), pk=service_id)
    need = request.GET.get("need", "")[:64]
    person_id = parse_uuid(request.GET.get("person"))
    if person_id is None:
        return _choose_person(request, service, need)
    person = get_object_or_404(Person, pk=person_id)
    if not policy.can_edit_person(request.user, person):
        raise Http404
    summary = referring.capacity(service)
    locations = _locations(service)
    if request.method == "POST":
        form = ReferralForm(request.POST, locations=locations)
        if form.is_valid():
            response = _create(request, form, person, service)
            if response is not None:
                return response
    else:
        form = ReferralForm(
            locations=locations,
            initial={"needs": [need] if need else [], "other_need": ""},
        )
    people.record_read(person=person, by=request.user, request=request, what="referral_form")
    covering = consents.active_consent(
        person, service.organization, referring.required_categories(shared_note="")
    )
    return render(
        request,
        "referrals/referral/refer.html",
        {
            "form": form,
            "person": person,
            "service": service,
            "capacity": summary,
            "consent": covering,
            "snapshot": referring.shared_person(person),
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "consent_url": reverse("referrals:consent_create", args=[person.pk])
            + "?"
            + urlencode({"organization": service.organization_id, "next": request.get_full_path()}),
        },
        status=400 if form.errors else 200,
    )


def _create(
    request: HttpRequest, form: ReferralForm, person: Person, service: Service
) -> HttpResponse | None:
    data = form.cleaned_data
    site = None
    if data.get("service_at_location"):
        site = ServiceAtLocation.objects.filter(
            pk=parse_uuid(data["service_at_location"]), service=service
        ).first()
    send = request.POST.get("action") != "draft"
    key = request.POST.get("idempotency_key", "")[: referring.MAX_KEY_LENGTH] or None
    try:
        made = referring.create_referral(
            person=person,
            service=service,
            by=request.user,
            needs=data["all_needs"],
            service_at_location=site,
            shared_note=data["shared_note"],
            private_note=data["private_note"],
            urgency=data["urgency"],
            idempotency_key=key,
            send=send,
            request=request,
        )
    except NotAllowed as error:
        raise Http404 from error
    except ReferralError as error:
        form.add_error(None, error.message)
        return None
    if send:
        messages.success(request, _("The referral was sent."))
    else:
        messages.success(request, _("The referral was saved as a draft. It is not sent yet."))
    return redirect("referral:detail", referral_id=made.referral.pk)


# --- lists ----------------------------------------------------------------------------------


@never_cache
@login_required
def worklist_page(request: HttpRequest) -> HttpResponse:
    _require_care_role(request)
    rows = worklist.open_loops(request.user)
    drafts = list(
        policy.visible_referrals(request.user, "sent")
        .filter(status=ReferralStatus.DRAFT)
        .select_related("service", "to_organization")
        .order_by("-created_at")[:PAGE_SIZE]
    )
    referring.record_list_read(
        referrals=[row.referral for row in rows] + drafts, by=request.user, request=request
    )
    return render(
        request,
        "referrals/referral/worklist.html",
        {"rows": rows, "drafts": drafts, "no_response_days": worklist.NO_RESPONSE_DAYS},
    )


def _inbox_choices() -> list[tuple[str, str]]:
    shown = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]
    return [(INBOX_OPEN, _("Open")), ("all", _("All"))] + [(s.value, s.label) for s in shown]


@never_cache
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _require_care_role(request)
    choices = _inbox_choices()
    wanted = request.GET.get("status", INBOX_OPEN)
    if wanted not in dict(choices):
        wanted = INBOX_OPEN  # an unknown filter shows the default, not an error page
    found = (
        policy.visible_referrals(request.user, "received")
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("service", "from_organization", "to_organization")
    )
    if wanted == INBOX_OPEN:
        found = found.filter(status__in=lifecycle.OPEN)
    elif wanted != "all":
        found = found.filter(status=wanted)
    page = Paginator(found.order_by("-sent_at", "-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    referring.record_list_read(referrals=list(page), by=request.user, request=request)
    return render(
        request,
        "referrals/referral/inbox.html",
        {"page": page, "choices": choices, "wanted": wanted},
    )


# --- one referral -----------------------------------------------------------------------------


def _move_forms(data: dict[str, Any]) -> list[dict[str, Any]]:
    forms = []
    for status in data["allowed_moves"]:
        reasons = lifecycle.REASONS.get(status)
        forms.append(
            {
                "status": status,
                "label": MOVE_LABELS.get(status, status),
                "reasons": [(c.value, c.label) for c in ReasonCode if reasons and c in reasons],
                "reason_required": bool(reasons) and status != ReferralStatus.ON_HOLD,
                "outcomes": Outcome.choices if status == ReferralStatus.COMPLETED else [],
            }
        )
    return forms


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    error: str = "",
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    referral.refresh_from_db()
    referring.record_read(referral=referral, by=request.user, request=request)
    data = referring.view(referral, request.user)
    sides = lifecycle.sides(request.user, referral)
    is_sender = lifecycle.SENDER in sides
    return render(
        request,
        "referrals/referral/detail.html",
        {
            "referral": referral,
            "data": data,
            "needs": [need_label(n) for n in data["needs"]],
            "is_sender": is_sender,
            "is_receiver": lifecycle.RECEIVER in sides,
            "moves": _move_forms(data),
            "can_schedule": lifecycle.RECEIVER in sides
            and referral.status
            in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD),
            "status_code": status_page.display(referral.status_code) if is_sender else "",
            "status_url": request.build_absolute_uri(
                reverse("referral:status_page", args=[referral.status_code])
            )
            if is_sender and referral.status_code
            else "",
            "reason_labels": dict(ReasonCode.choices),
            "status_labels": dict(ReferralStatus.choices),
            "error": error,
            "stale": stale,
        },
        status=status,
    )


@never_cache
@login_required
def detail(request: HttpRequest, referral_id: Any) -> HttpResponse:
    return _detail(request, _referral_or_404(request, referral_id))


def _refused(request: HttpRequest, referral: Referral, error: Exception) -> HttpResponse:
    if isinstance(error, StaleVersion):
        return _detail(
            request,
            referral,
            error=_(
                "Someone else changed this referral. Here is its current state; check it "
                "and try again."
            ),
            stale=True,
            status=409,
        )
    if isinstance(error, NotAllowed):
        return _detail(request, referral, error=error.message, status=403)
    return _detail(request, referral, error=getattr(error, "message", str(error)), status=400)


@never_cache
@login_required
@require_POST
def move(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail(
            request, referral, error=_("That change could not be read. Try again."), status=400
        )
    data = form.cleaned_data
    try:
        lifecycle.transition(
            referral=referral,
            move=lifecycle.Move(
                to_status=data["status"],
                reason=data["reason"],
                text=data["text"],
                outcome=data["outcome"],
                outcome_note=data["outcome_note"],
            ),
            by=request.user,
            expected_version=data["version"],
            request=request,
        )
    except (ReferralError, NotAllowed) as error:
        return _refused(request, referral, error)
    referral.refresh_from_db()
    messages.success(
        request,
        _("The referral is now: %(status)s.") % {"status": ReferralStatus(referral.status).label},
    )
    return redirect("referral:detail", referral_id=referral.pk)


@never_cache
@login_required
@require_POST
def appointment(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    form = AppointmentForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _detail(request, referral, error=message, status=400)
    try:
        updated = lifecycle.schedule_appointment(
            referral=referral,
            at=form.cleaned_data["at"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            request=request,
        )
    except (ReferralError, NotAllowed) as error:
        return _refused(request, referral, error)
    messages.success(
        request,
        _("The appointment was cleared.")
        if form.cleaned_data["at"] is None
        else _("The appointment was saved."),
    )
    if problem := reminders.problem_for(updated):  # e.g. no agreed way to text or email them
        messages.warning(request, problem)
    return redirect("referral:detail", referral_id=referral.pk)
