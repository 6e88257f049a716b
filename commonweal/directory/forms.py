"""Forms for the directory pages: the partner editing pages (and the search form's import).

Forms only parse input; `editing.py` validates the domain rules and writes.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from commonweal.directory import editing
from commonweal.directory.hours import DAY_CODES
from commonweal.directory.models import Organization, Service

# The search form lives with the search code; imported here for the pages that show it.
from commonweal.directory.search.request_form import SearchForm

__all__ = ["SearchForm"]  # re-exported for commonweal.web

# Languages offered as tick boxes: Miami-Dade's most spoken, then other common US ones.
# Names are stored in English (the directory data's language) and shown translated.
COMMON_LANGUAGES = (
    ("en", gettext_noop("English")),
    ("es", gettext_noop("Spanish")),
    ("ht", gettext_noop("Haitian Creole")),
    ("pt", gettext_noop("Portuguese")),
    ("fr", gettext_noop("French")),
    ("ru", gettext_noop("Russian")),
    ("zh", gettext_noop("Chinese")),
    ("vi", gettext_noop("Vietnamese")),
    ("ar", gettext_noop("Arabic")),
    ("tl", gettext_noop("Tagalog")),
    ("ko", gettext_noop("Korean")),
    ("it", gettext_noop("Italian")),
    ("de", gettext_noop("German")),
    ("he", gettext_noop("Hebrew")),
    ("hi", gettext_noop("Hindi")),
    ("pl", gettext_noop("Polish")),
    ("ase", gettext_noop("American Sign Language")),
)
PHONE_TYPE_CHOICES = [
    ("", _("(not given)")),
    ("voice", _("Voice")),
    ("cell", _("Mobile")),
    ("text", _("Text (SMS)")),
    ("fax", _("Fax")),
    ("textphone", _("TTY / textphone")),
    ("video", _("Video")),
    ("pager", _("Pager")),
]
DAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
assert [code for code, _label in DAY_CHOICES] == list(DAY_CODES)

# Time boxes are <input type="time"> (HH:MM); browsers without it let people type.
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"]


def _text(
    label: Any,
    *,
    required: bool = False,
    rows: int | None = None,
    widget: forms.Widget | None = None,
    **kwargs: Any,
) -> forms.CharField:
    widget = widget or (forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput())
    return forms.CharField(label=label, required=required, widget=widget, **kwargs)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


def with_scheme(value: str) -> str:
    """ "www.example.org" → "https://www.example.org"; anything else unchanged (editing.py
    then rejects what is still not an http(s) address)."""
    if value and not _SCHEME.match(value) and _BARE_DOMAIN.match(value):
        return f"https://{value}"
    return value


class ListingForm(forms.Form):
    """Web addresses and emails are checked by editing.py only when they change, so an
    imported value in an older style never blocks saving an unrelated field."""

    web_field = "url"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value = data.get(self.web_field) or ""
        if value and value != (self.initial.get(self.web_field) or ""):
            data[self.web_field] = with_scheme(value)
        return data


class OrganizationForm(ListingForm):
    web_field = "website"

    name = _text(_("Name"), required=True)
    alternate_name = _text(_("Other name"))
    description = _text(_("Description"), rows=6)
    email = _text(_("Email"), widget=forms.EmailInput())
    website = _text(
        _("Website"), widget=forms.URLInput(), help_text=_("For example: https://www.example.org")
    )
    year_incorporated = forms.IntegerField(
        label=_("Year incorporated"), required=False, min_value=1600, max_value=2200
    )
    legal_status = _text(_("Legal status"), help_text=_("For example: nonprofit, government."))

    @classmethod
    def for_organization(cls, organization: Organization, data: Any = None) -> OrganizationForm:
        return cls(data, initial={f: getattr(organization, f) for f in editing.ORGANIZATION_FIELDS})


class ServiceForm(ListingForm):
    name = _text(_("Service name"), required=True)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("active", _("Active")),
            ("temporarily closed", _("Temporarily closed")),
            ("inactive", _("Inactive (hidden from search)")),
            ("defunct", _("No longer offered (hidden from search)")),
        ],
    )
    alert = _text(
        _("Alert"),
        rows=2,
        help_text=_("A short notice shown at the top of the page, such as a temporary closure."),
    )
    description = _text(_("Description"), rows=8)
    application_process = _text(_("How to apply"), rows=3)
    eligibility_description = _text(_("Who is eligible"), rows=3)
    minimum_age = forms.DecimalField(
        label=_("Minimum age"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    maximum_age = forms.DecimalField(
        label=_("Maximum age"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    fees_description = _text(_("Cost and fees"), rows=3)
    url = _text(
        _("Website"), widget=forms.URLInput(), help_text=_("For example: https://www.example.org")
    )
    email = _text(_("Email"), widget=forms.EmailInput())

    @classmethod
    def for_service(cls, service: Service, data: Any = None) -> ServiceForm:
        return cls(data, initial={f: getattr(service, f) for f in editing.SERVICE_FIELDS})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", editing.AGES_REVERSED)
        return data


class PhoneForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    number = _text(_("Number"), required=True)
    extension = _text(_("Extension"))
    type = forms.ChoiceField(label=_("Type"), choices=PHONE_TYPE_CHOICES, required=False)
    description = _text(_("Note"), help_text=_("For example: after-hours line."))

    def as_input(self) -> editing.PhoneInput:
        data = self.cleaned_data
        return editing.PhoneInput(
            id=data.get("id"),
            number=data["number"],
            extension=data.get("extension", ""),
            type=data.get("type", ""),
            description=data.get("description", ""),
        )


class RowFormSet(forms.BaseFormSet):
    """A formset whose delete box says what it does."""

    deletion_label = _("Remove")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.deletion_label


class PhoneRows(RowFormSet):
    deletion_label = _("Remove this number")


class HoursRows(RowFormSet):
    deletion_label = _("Remove this opening period")


PhoneFormSet = forms.formset_factory(
    PhoneForm, formset=PhoneRows, extra=1, can_delete=True, can_delete_extra=False, max_num=20
)


class HoursForm(forms.Form):
    days = forms.MultipleChoiceField(
        label=_("Days"), choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(
        label=_("Opens"),
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes_at = forms.TimeField(
        label=_("Closes"),
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def as_input(self) -> editing.WeeklyHours:
        data = self.cleaned_data
        return editing.WeeklyHours(
            days=tuple(data["days"]), opens_at=data["opens_at"], closes_at=data["closes_at"]
        )


HoursFormSet = forms.formset_factory(
    HoursForm, formset=HoursRows, extra=2, can_delete=True, can_delete_extra=False, max_num=21
)


def _language_key(code: str, name: str) -> str:
    return code.lower() if code else f"name:{name}"


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages the service is offered in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other = _text(
        _("Other languages"),
        max_length=300,
        help_text=_("Names, separated by commas."),
    )

    def __init__(
        self, *args: Any, current: list[editing.LanguageInput] | None = None, **kwargs: Any
    ):
        current = current or []
        known = {code: name for code, name in COMMON_LANGUAGES}
        self.names: dict[str, tuple[str, str]] = {
            code: (code, name) for code, name in COMMON_LANGUAGES
        }
        for language in current:
            key = _language_key(language.code, language.name)
            self.names.setdefault(
                key, (language.code, language.name or known.get(language.code, ""))
            )
        kwargs.setdefault(
            "initial", {"languages": [_language_key(lang.code, lang.name) for lang in current]}
        )
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [
            (key, gettext(name) if key in known else name)
            for key, (_code, name) in self.names.items()
        ]

    def as_inputs(self) -> list[editing.LanguageInput]:
        chosen = [
            editing.LanguageInput(name=self.names[key][1], code=self.names[key][0])
            for key in self.cleaned_data["languages"]
        ]
        by_name = {name.lower(): code for code, name in COMMON_LANGUAGES}
        by_name.update({gettext(name).lower(): code for code, name in COMMON_LANGUAGES})
        english = dict(COMMON_LANGUAGES)
        for raw in (self.cleaned_data.get("other") or "").split(","):
            name = raw.strip()
            if not name:
                continue
            code = by_name.get(name.lower(), "")
            chosen.append(editing.LanguageInput(name=english.get(code, name), code=code))
        return chosen
