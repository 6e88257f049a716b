"""Forms of the consent, referral, inbox and status pages.

The forms check shape (lengths, choices, dates); the rules themselves (consent, capacity,
who may move what) stay in consent.py, referring.py and lifecycle.py, whose errors the
views show in the same error summary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonweal.accounts.forms import AccessibleForm
from commonweal.directory.models import Organization
from commonweal.referrals import consent as consents
from commonweal.referrals import referring
from commonweal.referrals.models import (
    ConsentMethod,
    DataCategory,
    Outcome,
    ReasonCode,
    Urgency,
)
from commonweal.screening.presenting import DOMAIN_WORDS

DEFAULT_CONSENT_DAYS = 365


def need_choices() -> list[tuple[str, str]]:
    """The screening domains, by their plain headings (a referral's needs are these codes)."""
    return [(code, str(words[0])) for code, words in DOMAIN_WORDS.items()]


def need_label(code: str) -> str:
    words = DOMAIN_WORDS.get(code)
    return str(words[0]) if words else code


def _printable(value: str, field: str) -> str:
    value = (value or "").strip()
    if any(not (ch.isprintable() or ch in "\n\r\t") for ch in value):
        raise ValidationError(
            _("Remove the control characters from the %(field)s.") % {"field": field}
        )
    return value


class ConsentForm(AccessibleForm, forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations that may receive the data"),
        queryset=Organization.objects.none(),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    categories = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[DataCategory.CONTACT, DataCategory.NEEDS],
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("In the person's words if you can, for example “help with rent”."),
    )
    method = forms.ChoiceField(
        label=_("How the person gave consent"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=_("Consent ends on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("At most three years from today."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = Organization.objects.order_by("name")
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(
            days=DEFAULT_CONSENT_DAYS
        )

    def clean_purpose(self) -> str:
        return _printable(self.cleaned_data["purpose"], _("purpose"))

    def clean_expires_on(self) -> dt.date:
        day = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise ValidationError(_("Choose a date after today."))
        if self.expires_at(day) - timezone.now() > consents.MAX_DURATION:
            raise ValidationError(_("A consent can last at most three years."))
        return day

    @staticmethod
    def expires_at(day: dt.date) -> dt.datetime:
        """The end of that day in the site's time zone: "until the 5th" includes the 5th."""
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class RevokeConsentForm(AccessibleForm, forms.Form):
    reason = forms.CharField(
        label=_("Why the consent is revoked"),
        max_length=200,
        help_text=_("For example “the person asked to stop sharing”. Kept with the consent only."),
    )

    def clean_reason(self) -> str:
        return _printable(self.cleaned_data["reason"], _("reason"))


class ChoosePersonForm(AccessibleForm, forms.Form):
    person = forms.ModelChoiceField(label=_("Who are you referring?"), queryset=None)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: p.display_name


class ReferralForm(AccessibleForm, forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Needs this referral addresses"),
        choices=need_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_need = forms.CharField(
        label=_("Another need"),
        required=False,
        max_length=referring.MAX_NEED_LENGTH,
        help_text=_("Optional: a need not in the list, in a few words."),
    )
    service_at_location = forms.ChoiceField(label=_("Location"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    shared_note = forms.CharField(
        label=_("Note for the receiving organisation"),
        required=False,
        max_length=referring.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shared with them. Write only what they need to help."),
    )
    private_note = forms.CharField(
        label=_("Private note — not shared"),
        required=False,
        max_length=referring.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your organisation sees this. The receiving organisation never does."),
    )

    def __init__(self, *args: Any, locations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if locations:
            self.fields["service_at_location"].choices = [("", _("Any location"))] + locations
        else:
            del self.fields["service_at_location"]

    def clean_shared_note(self) -> str:
        return _printable(self.cleaned_data["shared_note"], _("note"))

    def clean_private_note(self) -> str:
        return _printable(self.cleaned_data["private_note"], _("private note"))

    def clean_other_need(self) -> str:
        return _printable(self.cleaned_data["other_need"], _("need"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needs = list(data.get("needs") or [])
        if data.get("other_need"):
            needs.append(data["other_need"])
        if not needs and "needs" not in self.errors:
            self.add_error("needs", _("Choose at least one need, or describe another need."))
        data["all_needs"] = needs
        return data


# Only the fields each move needs are rendered; the form accepts them all and lifecycle
# decides what each move requires.
class MoveForm(forms.Form):
    status = forms.CharField(max_length=16)
    version = forms.IntegerField(min_value=1)
    reason = forms.ChoiceField(choices=[("", "")] + ReasonCode.choices, required=False)
    text = forms.CharField(required=False, max_length=2000)
    outcome = forms.ChoiceField(choices=[("", "")] + Outcome.choices, required=False)
    outcome_note = forms.CharField(required=False, max_length=2000)


class AppointmentForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    day = forms.DateField(label=_("Date"), required=False)
    time = forms.TimeField(label=_("Time"), required=False)
    clear = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("clear"):
            data["at"] = None
        elif data.get("day") and data.get("time"):
            data["at"] = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
        elif not self.errors:
            raise ValidationError(_("Give the appointment's date and time."))
        return data


class StatusCodeForm(AccessibleForm, forms.Form):
    code = forms.CharField(
        label=_("Your referral code"),
        max_length=40,
        help_text=_("Twelve letters and numbers, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
