"""Pages of the partnership workspace (/partnership/): parse, call one domain function, render.

Who may do what is commonweal.policy's (`can_see_workspace`, `can_manage_workspace`); the
workspace is no secret, so a refusal is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal.partnerships import agreements, meetings, partners
from commonweal.partnerships.forms import ContactForm, PartnerCreateForm, PartnerForm
from commonweal.partnerships.models import (
    FundingStream,
    Indicator,
    Meeting,
    Partner,
    PartnerContact,
    PlanTask,
)
from commonweal.partnerships.pages import (
    apply_errors,
    page_context,
    require_manager,
    require_workspace,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The coalition dashboard: goals and where their curves stand, overdue tasks, the next
    meetings, agreements and programme funding about to end — each linking to its part."""
    from commonweal.insights import periods
    from commonweal.partnerships import goal_views, ledger, network, network_data

    require_workspace(request)
    today = timezone.localdate()
    horizon = agreements.horizon_days()
    members = Partner.objects.active().with_organization()
    indicators = Indicator.objects.select_related("goal").prefetch_related("values")
    streams = FundingStream.objects.select_related("programme")
    quarter = periods.completed_quarters(today, 1)[0]
    return render(
        request,
        "partnerships/index.html",
        page_context(
            request,
            partner_count=members.count(),
            indicators=[goal_views.indicator_summary(i) for i in indicators],
            funding_warnings=ledger.sustainability(
                streams, today=today, horizon=ledger.horizon_days()
            ),
            funding_horizon=ledger.horizon_days(),
            network_quarter=quarter,
            network=network.measure(network_data.build(quarter.start, quarter.end)),
            warnings=agreements.warnings(members, today=today, horizon=horizon),
            overdue_tasks=PlanTask.objects.overdue(today).count(),
            next_meetings=[
                {"meeting": m, "starts": s, "ends": e}
                for m in Meeting.objects.upcoming(timezone.now())[:3]
                for s, e in [meetings.local_times(m)]
            ],
            horizon=horizon,
        ),
    )


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    today = timezone.localdate()
    horizon = agreements.horizon_days()
    rows = [
        (partner, agreements.states(partner, today=today, horizon=horizon))
        for partner in Partner.objects.with_organization()
    ]
    return render(
        request,
        "partnerships/partner_list.html",
        page_context(request, rows=rows, horizon=horizon),
    )


@login_required
def partner_detail(request: HttpRequest, partner_id: Any) -> HttpResponse:
    require_workspace(request)
    partner = get_object_or_404(Partner.objects.with_organization(), pk=partner_id)
    states = agreements.states(
        partner, today=timezone.localdate(), horizon=agreements.horizon_days()
    )
    return render(
        request,
        "partnerships/partner_detail.html",
        page_context(request, partner=partner, states=states, contacts=partner.contacts.all()),
    )


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    form = PartnerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        try:
            partner = partners.create_partner(
                organization=form.cleaned_data["organization"], by=request.user, **details
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is now a partner.") % {"name": partner.name})
            return redirect(partner)
    return render(request, "partnerships/partner_form.html", page_context(request, form=form))


@login_required
def partner_edit(request: HttpRequest, partner_id: Any) -> HttpResponse:
    require_manager(request)
    partner = get_object_or_404(Partner.objects.with_organization(), pk=partner_id)
    form = PartnerForm(request.POST or None, instance=Partner.objects.get(pk=partner.pk))
    if request.method == "POST" and form.is_valid():
        try:
            partners.update_partner(partner, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The partner's profile is saved."))
            return redirect(partner)
    return render(
        request,
        "partnerships/partner_form.html",
        page_context(request, form=form, partner=partner),
    )


@login_required
def contact_create(request: HttpRequest, partner_id: Any) -> HttpResponse:
    require_manager(request)
    partner = get_object_or_404(Partner.objects.with_organization(), pk=partner_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partners.add_contact(partner, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact is added."))
            return redirect(partner)
    return render(
        request,
        "partnerships/contact_form.html",
        page_context(request, form=form, partner=partner),
    )


@login_required
@require_POST
def contact_remove(request: HttpRequest, partner_id: Any, contact_id: Any) -> HttpResponse:
    require_manager(request)
    contact = get_object_or_404(PartnerContact, pk=contact_id, partner_id=partner_id)
    partners.remove_contact(contact, by=request.user)
    messages.success(request, _("The contact is removed."))
    return redirect("partnerships:partner_detail", partner_id=partner_id)
