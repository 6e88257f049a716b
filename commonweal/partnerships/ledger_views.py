"""Pages of the resource ledger (/partnership/resources/): contributions, totals per
partner and programme, funding streams and the sustainability warning. Rules: policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonweal import policy
from commonweal.partnerships import ledger
from commonweal.partnerships.forms import ContributionForm, FundingForm
from commonweal.partnerships.models import Contribution, ContributionKind, FundingStream
from commonweal.partnerships.pages import (
    form_page,
    page_context,
    require_manager,
    require_workspace,
)

BACK = (gettext_lazy("Resources"), "partnerships:ledger")


@login_required
def ledger_index(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    contributions = list(Contribution.objects.select_related("partner__organization", "programme"))
    streams = list(FundingStream.objects.select_related("programme"))
    editable = set(policy.contribution_partners(request.user).values_list("pk", flat=True))
    return render(
        request,
        "partnerships/ledger.html",
        page_context(
            request,
            contributions=[(c, c.partner_id in editable) for c in contributions],
            by_partner=ledger.totals(contributions, "partner"),
            by_programme=ledger.totals(contributions, "programme"),
            by_kind=ledger.totals(contributions, "kind"),
            streams=streams,
            warnings=ledger.sustainability(
                streams, today=timezone.localdate(), horizon=ledger.horizon_days()
            ),
            horizon=ledger.horizon_days(),
            contributes=bool(editable),
            kind_labels=dict(ContributionKind.choices),
        ),
    )


@login_required
def contribution_create(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    partners = policy.contribution_partners(request.user)
    if not partners.exists():
        raise PermissionDenied
    return form_page(
        request,
        ContributionForm(request.POST or None, partners=partners),
        lambda data: ledger.save_contribution(by=request.user, **data),
        title=_("Record a contribution"),
        back=BACK,
        done=lambda c: "partnerships:ledger",
        saved=_("The contribution is recorded."),
    )


@login_required
def contribution_edit(request: HttpRequest, contribution_id: Any) -> HttpResponse:
    require_workspace(request)
    contribution = get_object_or_404(Contribution, pk=contribution_id)
    if not policy.can_edit_contribution(request.user, contribution):
        raise PermissionDenied
    return form_page(
        request,
        ContributionForm(
            request.POST or None,
            instance=Contribution.objects.get(pk=contribution.pk),
            partners=policy.contribution_partners(request.user),
        ),
        lambda data: ledger.save_contribution(contribution, by=request.user, **data),
        title=_("Edit the contribution"),
        back=BACK,
        done=lambda c: "partnerships:ledger",
        saved=_("The contribution is saved."),
    )


@login_required
def funding_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return form_page(
        request,
        FundingForm(request.POST or None),
        lambda data: ledger.save_funding(by=request.user, **data),
        title=_("Add a funding stream"),
        back=BACK,
        done=lambda s: "partnerships:ledger",
        saved=_("The funding stream is saved."),
    )


@login_required
def funding_edit(request: HttpRequest, stream_id: Any) -> HttpResponse:
    require_manager(request)
    stream = get_object_or_404(FundingStream, pk=stream_id)
    return form_page(
        request,
        FundingForm(request.POST or None, instance=FundingStream.objects.get(pk=stream.pk)),
        lambda data: ledger.save_funding(stream, by=request.user, **data),
        title=_("Edit the funding stream"),
        back=BACK,
        done=lambda s: "partnerships:ledger",
        saved=_("The funding stream is saved."),
    )
