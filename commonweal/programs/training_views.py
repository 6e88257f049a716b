"""Training pages (/programs/training/): partners record who they trained; coalition admins
see where trained people are lacking (counts only). Names are person data: the recording
organisation's partner staff read them, and each read of the list is audit-logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.programs import training
from commonweal.programs.forms import TrainingForm
from commonweal.programs.models import TrainingRecord


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    organizations = policy.training_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    today = timezone.localdate()
    records = list(
        TrainingRecord.objects.filter(organization__in=organizations).select_related("organization")
    )
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=request.user,
        object_type="programs.trainingrecord",
        request=request,
        detail={"what": "training records", "count": len(records)},
    )
    rows = [(record, training.state(record.expires_on, today)) for record in records]
    return render(request, "programs/training_list.html", {"rows": rows})


@login_required
def training_create(request: HttpRequest) -> HttpResponse:
    organizations = policy.training_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    form = TrainingForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        try:
            training.record_training(
                organization=form.cleaned_data["organization"], by=request.user, **fields
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The training is recorded."))
            return redirect("programs:training_list")
    return render(request, "programs/training_form.html", {"form": form})


@login_required
def training_coverage(request: HttpRequest) -> HttpResponse:
    if not policy.can_see_training_coverage(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = [
        training.Row(r.zip_code, tuple(r.languages), r.expires_on)
        for r in TrainingRecord.objects.only("zip_code", "languages", "expires_on")
    ]
    return render(
        request,
        "programs/training_coverage.html",
        {
            "cells": training.coverage(rows, today=today),
            "warning_days": training.EXPIRY_WARNING.days,
        },
    )
