"""The partner form for "accepting new clients": parses input; `intake.py` validates and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.directory.intake import MAX_RESPONSE_DAYS, WAITLIST_MAX, IntakeInput
from commonweal.directory.models import ServiceIntake


class IntakeForm(forms.Form):
    accepting_new_clients = forms.ChoiceField(
        label=_("Taking new clients now?"),
        choices=ServiceIntake.ANSWERS,
        widget=forms.RadioSelect,
    )
    waitlist = forms.CharField(
        label=_("Waitlist"),
        required=False,
        max_length=WAITLIST_MAX,
        help_text=_("For example: “About 3 weeks” or “No waitlist”."),
    )
    typical_response_days = forms.IntegerField(
        label=_("Days until you usually answer a new request"),
        required=False,
        min_value=0,
        max_value=MAX_RESPONSE_DAYS,
    )
    accepting_referrals = forms.ChoiceField(
        label=_("Taking referrals from partners?"),
        choices=ServiceIntake.ANSWERS,
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_values(cls, values: IntakeInput, data: object = None) -> IntakeForm:
        initial = {
            "accepting_new_clients": values.accepting_new_clients,
            "waitlist": values.waitlist,
            "typical_response_days": values.typical_response_days,
            "accepting_referrals": values.accepting_referrals,
        }
        return cls(data, initial=initial)

    def as_input(self) -> IntakeInput:
        data = self.cleaned_data
        return IntakeInput(
            accepting_new_clients=data["accepting_new_clients"],
            waitlist=data.get("waitlist") or "",
            typical_response_days=data.get("typical_response_days"),
            accepting_referrals=data["accepting_referrals"],
        )
