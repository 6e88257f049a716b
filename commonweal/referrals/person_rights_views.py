"""The data-request page: a copy of everything held about a person, or its erasure.

Only those `policy.can_handle_data_requests` allows see the page at all; anyone
else gets 404, the same as for a person who does not exist.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from commonweal import policy
from commonweal.referrals import person_rights
from commonweal.referrals.care_plan_models import CarePlan
from commonweal.referrals.models import Person


class ExportForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Request reference"),
        max_length=100,
        help_text=gettext_lazy("Your reference for the person's request — not their name."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("json", "JSON"), ("fhir", gettext_lazy("FHIR R4 bundle (JSON)"))],
        widget=forms.RadioSelect,
        initial="json",
    )


class EraseForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Request reference"),
        max_length=100,
        help_text=gettext_lazy("Your reference for the person's request — not their name."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that this deletes the person's record, referrals, screenings, "
            "consents and care plans for good, for every organisation."
        )
    )


def _person_for_request(request: HttpRequest, person_id: str) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    if not policy.can_handle_data_requests(request.user, person):
        raise Http404
    return person


def _held(person: Person) -> dict[str, int]:
    return {
        "referrals": person.referrals.count(),
        "screenings": person.screenings.count(),
        "consents": person.consents.count(),
        "care_plans": CarePlan.objects.filter(person=person).count(),
        "open_follow_ups": person.safety_follow_ups.still_open().count(),
    }


@never_cache
@login_required
def data_requests(request: HttpRequest, person_id: str) -> HttpResponse:
    person = _person_for_request(request, person_id)
    export_form = ExportForm(prefix="export")
    erase_form = EraseForm(prefix="erase")
    if request.method == "POST" and "export-reference" in request.POST:
        export_form = ExportForm(request.POST, prefix="export")
        if export_form.is_valid():
            data = export_form.cleaned_data
            person_rights.record_export(
                person=person,
                by=request.user,
                reference=data["reference"],
                format=data["format"],
                request=request,
            )
            if data["format"] == "fhir":
                body = person_rights.export_fhir(person, by=request.user)
                content_type, suffix = "application/fhir+json", "fhir.json"
            else:
                body = person_rights.export_json(person)
                content_type, suffix = "application/json", "json"
            response = HttpResponse(
                json.dumps(body, indent=2, ensure_ascii=False), content_type=content_type
            )
            # The file name carries the record id, never the person's name.
            response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.{suffix}"'
            return response
    elif request.method == "POST":
        erase_form = EraseForm(request.POST, prefix="erase")
        if erase_form.is_valid():
            try:
                person_rights.erase(
                    person=person,
                    by=request.user,
                    reference=erase_form.cleaned_data["reference"],
                    request=request,
                )
            except person_rights.RightsRequestRefused as refused:
                erase_form.add_error(None, _(str(refused)))
            else:
                messages.success(request, _("The person's data was erased."))
                return redirect("web:home")
    return render(
        request,
        "referrals/data_requests.html",
        {
            "person": person,
            "held": _held(person),
            "export_form": export_form,
            "erase_form": erase_form,
        },
    )
