"""Forms of the partnership workspace: the pages post them, and the API parses its JSON
bodies with the same forms, so a rule is written once and an error names its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.directory.models import Organization
from commonweal.partnerships.models import Partner, PartnerContact

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = [
            "sector",
            "active",
            "joined_on",
            "agreement_status",
            "agreement_expires_on",
            "data_sharing_status",
            "data_sharing_expires_on",
            "notes",
        ]
        widgets = {
            "joined_on": DATE,
            "agreement_expires_on": DATE,
            "data_sharing_expires_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class PartnerCreateForm(PartnerForm):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        help_text=_("An organisation of the directory that is not a partner yet."),
    )

    class Meta(PartnerForm.Meta):
        fields = ["organization", *PartnerForm.Meta.fields]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            partner_profile__isnull=True
        ).order_by("name")


class ContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "role", "email", "phone", "is_primary"]
