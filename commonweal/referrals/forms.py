"""The person form: few required fields, plain labels, errors tied to each field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonweal.accounts.forms import AccessibleForm
from commonweal.directory.language_names import display_name
from commonweal.referrals import phones
from commonweal.referrals.models import Person

# Languages most asked for in the partnership's area first; "other" keeps the list short.
LANGUAGE_CODES = ("en", "es", "ht", "pt", "fr", "ru", "zh", "vi", "ar", "ase")
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


def language_choices() -> list[tuple[str, str]]:
    return [("", _("Not asked"))] + [
        (code, display_name(name="", code=code)) for code in LANGUAGE_CODES
    ]


def clean_phone_number(raw: str) -> str:
    """A phone number in its stored form (see referrals.phones), or a ValidationError."""
    return phones.normalise_phone(raw)


class PersonForm(AccessibleForm, forms.ModelForm):
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), required=False, choices=language_choices
    )

    class Meta:
        model = Person
        fields = (
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "preferred_language",
            "zip_code",
            "phone",
            "email",
            "preferred_contact_method",
            "voicemail_ok",
            "text_ok",
            "email_ok",
            "safe_times",
        )
        labels = {
            "given_name": _("Given name"),
            "family_name": _("Family name"),
            "preferred_name": _("Preferred name"),
            "date_of_birth": _("Date of birth"),
            "zip_code": _("ZIP code"),
            "phone": _("Phone number"),
            "email": _("Email address"),
            "preferred_contact_method": _("Best way to reach them"),
            "voicemail_ok": _("It is safe to leave a voicemail"),
            "text_ok": _("It is safe to send text messages"),
            "email_ok": _("It is safe to send email"),
            "safe_times": _("Safe times to contact"),
        }
        help_texts = {
            "given_name": _("Required. Everything else is optional: ask only what helps."),
            "preferred_name": _("The name they want to be called, if different."),
            "date_of_birth": _("Helps avoid two records for the same person."),
            "zip_code": _("Used to find services near them."),
            "safe_times": _("For example: weekdays after 5 pm, never on weekends."),
            "voicemail_ok": _("Ask first: a message on a shared phone can put someone at risk."),
        }
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "given_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "zip_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "safe_times": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_contact_method"].choices = [
            ("", _("Not asked")),
            *self.fields["preferred_contact_method"].choices[1:],
        ]

    def clean_given_name(self) -> str:
        name = self.cleaned_data["given_name"].strip()
        if not name:
            raise ValidationError(_("Enter the person's given name."))
        return name

    def clean_family_name(self) -> str:
        return self.cleaned_data.get("family_name", "").strip()

    def clean_preferred_name(self) -> str:
        return self.cleaned_data.get("preferred_name", "").strip()

    def clean_date_of_birth(self) -> dt.date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born is None:
            return None
        today = timezone.localdate()
        if born > today:
            raise ValidationError(_("The date of birth cannot be in the future."))
        if born.year < today.year - 125:
            raise ValidationError(_("Check the year of birth."))
        return born

    def clean_zip_code(self) -> str:
        zip_code = self.cleaned_data.get("zip_code", "").strip()
        if zip_code and not ZIP_RE.match(zip_code):
            raise ValidationError(_("Enter a 5-digit ZIP code, like 33130."))
        return zip_code

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        method = data.get("preferred_contact_method")
        if method == "text" and not data.get("phone"):
            self.add_error("phone", _("Add a phone number to reach them by text."))
        if method == "phone" and not data.get("phone"):
            self.add_error("phone", _("Add a phone number to reach them by phone."))
        if method == "email" and not data.get("email"):
            self.add_error("email", _("Add an email address to reach them by email."))
        return data


class NewPersonForm(PersonForm):
    """Creating a person: which of the user's organisations cares for them, and, when a
    record with the same name and date of birth is already in the user's care, an explicit
    "this is someone else" choice."""

    organization = forms.ModelChoiceField(
        label=_("Organisation caring for this person"), queryset=None, empty_label=None
    )
    confirm_new = forms.BooleanField(
        label=_("This is a different person: create a new record"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta(PersonForm.Meta):
        pass

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations.first().pk
        self.order_fields(["organization"])

    def offer_confirmation(self) -> None:
        """Show the "different person" tick box after a possible duplicate was found."""
        self.fields["confirm_new"].widget = forms.CheckboxInput()


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
