"""Forms to send the list of chosen services by text message or email.

Neither the number nor the address is stored: they are used for one send and dropped.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commonweal.lib import sms


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language of the message"),
        choices=settings.LANGUAGES,
    )


def _consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("The person who gets this message agreed to get it."),
        error_messages={"required": _("Ask the person first, then tick this box.")},
    )


class SendForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"language": (get_language() or "en")[:2]})
        super().__init__(*args, **kwargs)


class SendTextForm(SendForm):
    prefix = "text"

    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_("A US mobile number, like 305-555-0100."),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={"required": _("Enter the mobile number to send the list to.")},
    )
    language = _language_field()
    consent = _consent_field()

    def clean_phone(self) -> str:
        number = sms.us_number(self.cleaned_data["phone"])
        if number is None:
            raise forms.ValidationError(
                _("Enter a 10-digit US mobile number, like 305-555-0100."), code="invalid"
            )
        return number


class SendEmailForm(SendForm):
    prefix = "email"

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the email address to send the list to."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
    language = _language_field()
    consent = _consent_field()
