"""Awareness campaigns: the manager (/programs/campaigns/) and the public page
(/learn/campaigns/<slug>/).

Coalition admins create and change campaigns; partner staff of a campaign's partners open
it and record activities (commonweal.policy `can_manage_campaigns`, `can_work_on_campaign`).
A campaign's existence is no secret once published, and the manager answers 403; the
public page of an unpublished campaign is unknown (404) to all but those who work on it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.programs import calendar, campaigns, education
from commonweal.programs.campaign_forms import ActivityForm, CampaignForm
from commonweal.programs.campaign_models import Activity, ActivityKind, Campaign
from commonweal.programs.models import Programme, Session
from commonweal.programs.views import _apply_errors


def _manage_url(campaign: Campaign) -> str:
    return reverse("programs:campaign_manage", kwargs={"campaign_id": campaign.pk})


def _worked_on(request: HttpRequest, campaign_id: Any) -> Campaign:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if not policy.can_work_on_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def _activity_form(request: HttpRequest, campaign: Campaign, data: Any = None) -> ActivityForm:
    form = ActivityForm(data, partners=policy.campaign_partners_for(request.user, campaign))
    # A draft programme is offered only to those who manage it: its name is not yet public.
    managed = policy.programme_organizations(request.user)
    visible = Programme.objects.filter(Q(published=True) | Q(organization__in=managed))
    form.fields["programme"].queryset = visible.with_organization()
    form.fields["session"].queryset = Session.objects.filter(programme__in=visible).select_related(
        "programme"
    )
    return form


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_open_campaigns(request.user):
        raise PermissionDenied
    found = Campaign.objects.all()
    if not policy.can_manage_campaigns(request.user):
        mine = policy.own_organizations(request.user)
        found = found.filter(partners__organization__in=mine).distinct()
    return render(
        request,
        "programs/campaign_list.html",
        {"campaigns": found, "manages": policy.can_manage_campaigns(request.user)},
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.create_campaign(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The campaign is saved. Now add its activities."))
            return redirect(_manage_url(campaign))
    return render(request, "programs/campaign_form.html", {"form": form})


@login_required
def campaign_edit(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if not policy.can_manage_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_of(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.update_campaign(campaign, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_manage_url(campaign))
    return render(request, "programs/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_manage(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    campaign = _worked_on(request, campaign_id)
    activities = campaign.activities.select_related("partner__organization", "programme", "session")
    own_partners = set(
        policy.campaign_partners_for(request.user, campaign).values_list("pk", flat=True)
    )
    return render(
        request,
        "programs/campaign_manage.html",
        {
            "campaign": campaign,
            "reach": campaigns.reach(campaign),
            "activities": [(a, a.partner_id in own_partners) for a in activities],
            "form": _activity_form(request, campaign),
            "manages": policy.can_manage_campaigns(request.user),
            "partners": campaign.partners.select_related("organization"),
            "goals": campaign.goals.all(),
            "pages": education.links(campaign.pages.all(), limit=50),
        },
    )


@login_required
def activity_create(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    campaign = _worked_on(request, campaign_id)
    form = _activity_form(request, campaign, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.add_activity(
                campaign,
                by=request.user,
                allowed_partners=policy.campaign_partners_for(request.user, campaign),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect(_manage_url(campaign))
    return render(
        request, "programs/campaign_activity_form.html", {"form": form, "campaign": campaign}
    )


@login_required
@require_POST
def activity_delete(request: HttpRequest, activity_id: Any) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("campaign"), pk=activity_id)
    campaign = activity.campaign
    allowed = policy.campaign_partners_for(request.user, campaign)
    if (
        not policy.can_manage_campaigns(request.user)
        and not allowed.filter(pk=activity.partner_id).exists()
    ):
        raise PermissionDenied
    campaigns.remove_activity(activity, by=request.user)
    messages.success(request, _("The activity is removed."))
    return redirect(_manage_url(campaign))


def campaign_public(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    if not campaign.published and not policy.can_work_on_campaign(request.user, campaign):
        raise Http404
    now = timezone.now()
    events = []
    programmes = (
        Programme.objects.published()
        .filter(
            campaign_activities__campaign=campaign, campaign_activities__kind=ActivityKind.EVENT
        )
        .distinct()
        .with_organization()
    )
    for programme in programmes:
        events.extend(calendar.upcoming(programme, now=now, limit=3))
    events.sort(key=lambda e: e.start)
    return render(
        request,
        "programs/campaign_public.html",
        {
            "campaign": campaign,
            "partners": campaign.partners.select_related("organization"),
            "programmes": programmes,
            "events": events,
            "pages": education.links(campaign.pages.all(), limit=50),
            "activities": campaign.activities.exclude(kind=ActivityKind.EVENT).order_by("held_on"),
            "works_on": policy.can_work_on_campaign(request.user, campaign),
        },
    )
