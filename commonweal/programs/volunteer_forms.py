"""Forms of the volunteer pages; the API parses its bodies with the same forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.directory.models import Location, Organization
from commonweal.programs import volunteers
from commonweal.programs.forms import LanguagesField, _only_choice
from commonweal.programs.models import Programme, Session
from commonweal.programs.volunteer_models import DAYS, PARTS, RoleKind, VolunteerRole
from commonweal.programs.volunteers import NO_TIMES, TOO_YOUNG


def slot_choices() -> list[tuple[str, Any]]:
    return [
        (
            f"{day}-{part}",
            pgettext_lazy("day and part of day", "%(day)s %(part)s")
            % {"day": day_label, "part": part_label},
        )
        for day, day_label in DAYS
        for part, part_label in PARTS
    ]


class LinesField(forms.CharField):
    """A short list typed one item a line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            items = [str(v) for v in value]
        else:
            items = str(value or "").replace(",", "\n").splitlines()
        return [" ".join(item.split()) for item in items if item.strip()]

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list) else (value or "")

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if any(len(item) > 60 for item in value):
            raise forms.ValidationError(_("Keep each skill under 60 letters."))


class SlotsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=slot_choices, **kwargs)


class RoleForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organisation")
    )
    skills = LinesField(
        label=_("Skills wanted"),
        required=False,
        help_text=_("One a line, for example: driving licence, first aid, patience with children."),
    )
    languages = LanguagesField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes, separated by commas, for example en, es."),
    )
    slots = SlotsField(label=_("Days and times"), required=False)

    class Meta:
        model = VolunteerRole
        fields = ["organization", *volunteers.ROLE_FIELDS]
        widgets = {
            "schedule": forms.RadioSelect,
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        _only_choice(self.fields["organization"], organizations)
        if not self.instance._state.adding:
            # The posting organisation does not change: its staff hold the volunteers' data.
            del self.fields["organization"]
            organizations = Organization.objects.filter(pk=self.instance.organization_id)
        self.fields["location"].queryset = Location.objects.filter(
            organization__in=organizations
        ).order_by("name")
        self.fields["programme"].queryset = Programme.objects.filter(
            organization__in=organizations
        ).order_by("name")
        self.fields["session"].queryset = Session.objects.filter(
            programme__organization__in=organizations
        ).select_related("programme")
        self.fields["training_required"].choices = [("", _("None"))] + list(
            self.fields["training_required"].choices
        )[1:]


class SignupForm(forms.Form):
    """What a resident gives to offer help: as little as will do."""

    name = forms.CharField(
        label=_("Your name"), max_length=100, help_text=_("So the team knows who you are.")
    )
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=200,
        help_text=_("We send you our answer here. Nothing else."),
    )
    languages = LanguagesField(
        label=_("Languages you speak"),
        required=False,
        help_text=_("Language codes, like en, es, ht."),
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills you have"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_skills = forms.CharField(
        label=_("Other skills"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    availability = SlotsField(label=_("When you are free"), required=False)
    says_trained = forms.BooleanField(required=False)
    old_enough = forms.BooleanField(required=False)

    def __init__(self, *args: Any, role: VolunteerRole, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [(s, s) for s in role.skills]
        if not role.skills:
            del self.fields["skills"]
        if role.training_required:
            self.fields["says_trained"].label = _("I have done this training: %(name)s") % {
                "name": role.get_training_required_display()
            }
        else:
            del self.fields["says_trained"]
        if role.minimum_age:
            field = self.fields["old_enough"]
            field.label = _("I am %(age)d or older") % {"age": role.minimum_age}
            # Asked at once with the other answers, in the domain's own words.
            field.required = True
            field.error_messages["required"] = TOO_YOUNG % {"age": role.minimum_age}
        else:
            del self.fields["old_enough"]
        if role.schedule != "flexible":
            self.fields["availability"].required = True
            self.fields["availability"].error_messages["required"] = NO_TIMES
        else:
            self.fields["availability"].help_text = _(
                "The times are flexible. Tick any that suit you."
            )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )


class HoursForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=pgettext_lazy("time worked", "Hours"),
        max_digits=5,
        decimal_places=2,
        help_text=_("0 removes the hours of that day."),
    )


class RoleFilterForm(forms.Form):
    """The public list's filters (a GET form: works without JavaScript)."""

    kind = forms.MultipleChoiceField(
        label=_("Kind"),
        choices=RoleKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.CharField(
        label=_("Spoken in"),
        required=False,
        max_length=3,
        help_text=_("A language code, for example es for Spanish."),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=100,
        help_text=_("A city or ZIP code, or “online”."),
    )
    when = SlotsField(label=_("When you are free"), required=False)
