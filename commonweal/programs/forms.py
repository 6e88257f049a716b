"""Forms of the programme manager; the API parses its bodies with the same forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.directory.models import Location, Organization, Service
from commonweal.programs.models import Kind, Programme, Session, TrainingRecord


class LanguagesField(forms.CharField):
    """ISO 639 codes typed as "en, es" (the directory's own language codes)."""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            items = [str(v) for v in value]
        else:
            items = str(value or "").replace(";", ",").split(",")
        return [item.strip().lower() for item in items if item.strip()]

    def prepare_value(self, value: Any) -> str:
        return ", ".join(value) if isinstance(value, list) else (value or "")

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        bad = [code for code in value if not code.isalpha() or not 2 <= len(code) <= 3]
        if bad:
            raise forms.ValidationError(
                _("Use two- or three-letter language codes, like en, es, ht: not %(bad)s.")
                % {"bad": ", ".join(bad)}
            )


class DateTimesField(forms.CharField):
    """Local date-times, one a line ("2026-03-10 18:00"): the meetings that do not happen."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:
        lines = value if isinstance(value, list) else str(value or "").splitlines()
        found: list[str] = []
        for line in lines:
            text = str(line).strip()
            if not text:
                continue
            try:
                moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(text)s” is not a date and time like 2026-03-10 18:00.") % {"text": text}
                ) from None
            found.append(moment.replace(tzinfo=None, second=0, microsecond=0).isoformat())
        return found

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(str(v).replace("T", " ")[:16] for v in value)
        return value or ""


def _only_choice(field: Any, organizations: Any) -> None:
    """Staff of one organisation find it chosen already (no empty choice to get wrong)."""
    only = list(organizations[:2])
    if len(only) == 1:
        field.initial = only[0].pk
        field.empty_label = None


class ProgrammeForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organisation")
    )
    languages = LanguagesField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes, separated by commas, for example en, es."),
    )

    class Meta:
        model = Programme
        fields = [
            "organization",
            "name",
            "kind",
            "description",
            "service",
            "starts_on",
            "time_zone",
            "languages",
            "is_free",
            "fee",
            "minimum_age",
            "maximum_age",
            "published",
        ]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        _only_choice(self.fields["organization"], organizations)
        self.fields["service"].queryset = Service.objects.filter(
            organization__in=organizations
        ).order_by("name")
        if not self.instance._state.adding:
            # The organising organisation does not change: its staff own the registrations.
            del self.fields["organization"]


class SessionForm(forms.ModelForm):
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    exdates = DateTimesField(
        label=_("Dates with no meeting"),
        required=False,
        help_text=_("For a repeating session: one date and time a line, like 2026-03-10 18:00."),
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "starts_on",
            "start_time",
            "duration_minutes",
            "rule",
            "exdates",
            "location",
            "online_url",
            "capacity",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            organization_id=programme.organization_id
        ).order_by("name")


class CancelForm(forms.Form):
    # The occurrence's original local start (naive ISO text): a DateTimeField would make
    # it aware in the server's zone, not the programme's.
    occurrence = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_occurrence(self) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.cleaned_data["occurrence"])
        except ValueError:
            raise forms.ValidationError(_("This is not a date and time.")) from None


class CalendarForm(forms.Form):
    """The public calendar's filters (a GET form: works without JavaScript)."""

    VIEWS = [("list", _("List")), ("week", _("Week")), ("month", _("Month"))]

    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.MultipleChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=100,
        help_text=_("A city or ZIP code, or “online”."),
    )
    language = forms.CharField(
        label=_("Spoken in"),
        required=False,
        max_length=3,
        help_text=_("A language code, for example es for Spanish."),
    )


class RegistrationForm(forms.Form):
    """What a resident gives to register: as little as will do."""

    name = forms.CharField(
        label=_("Your name or initials"),
        max_length=100,
        help_text=_("So the group leader knows who is coming."),
    )
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=200,
        help_text=_("We send your confirmation and a reminder here. Nothing else."),
    )


class TrainingForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organisation")
    )
    languages = LanguagesField(
        label=_("Languages"), help_text=_("Language codes, separated by commas, like en, es.")
    )

    class Meta:
        model = TrainingRecord
        fields = [
            "organization",
            "name",
            "email",
            "role",
            "training",
            "completed_on",
            "expires_on",
            "languages",
            "zip_code",
        ]
        widgets = {
            "name": forms.TextInput,
            "email": forms.EmailInput,
            "completed_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        _only_choice(self.fields["organization"], organizations)
