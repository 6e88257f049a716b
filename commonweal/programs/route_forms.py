"""Forms of mobile services: the route manager's, and the public "near me" form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.directory.models import Location, Organization, Service
from commonweal.programs.forms import DateTimesField, _only_choice
from commonweal.programs.route_models import Route, Stop


class RouteForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organisation")
    )

    class Meta:
        model = Route
        fields = [
            "organization",
            "name",
            "kind",
            "description",
            "service",
            "time_zone",
            "published",
        ]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        _only_choice(self.fields["organization"], organizations)
        self.fields["service"].queryset = Service.objects.filter(
            organization__in=organizations
        ).order_by("name")
        if not self.instance._state.adding:
            del self.fields["organization"]


class StopForm(forms.ModelForm):
    exdates = DateTimesField(
        label=_("Dates with no visit"),
        required=False,
        help_text=_("For a repeating stop: one date and time a line, like 2026-03-12 10:00."),
    )

    class Meta:
        model = Stop
        fields = [
            "name",
            "location",
            "address",
            "city",
            "postal_code",
            "latitude",
            "longitude",
            "starts_on",
            "arrives_at",
            "departs_at",
            "rule",
            "exdates",
            "notes",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "arrives_at": forms.TimeInput(attrs={"type": "time"}),
            "departs_at": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {
            "latitude": _("Optional. Without it, the stop is placed at its ZIP code's centre."),
            "longitude": _("Optional, with the latitude."),
        }

    def __init__(self, *args: Any, route: Route, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            organization_id=route.organization_id
        ).order_by("name")
        if self.instance.approximate:
            # A point the geocoder chose is not shown as typed: sent back, it would pass
            # for exact coordinates; left empty, the address is placed again.
            self.initial["latitude"] = self.initial["longitude"] = None


class VisitForm(forms.Form):
    # The visit's original local start (naive ISO text), as the programmes' CancelForm.
    occurrence = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_occurrence(self) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.cleaned_data["occurrence"])
        except ValueError:
            raise forms.ValidationError(_("This is not a date and time.")) from None


class NearForm(forms.Form):
    """Where the resident is: a ZIP code or place, or the browser's position (a GET form)."""

    near = forms.CharField(
        label=_("Your ZIP code or town"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
