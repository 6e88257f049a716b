"""Forms of the care plan pages: they check shape; care_plans.py holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commonweal.accounts.forms import AccessibleForm
from commonweal.referrals.care_plan_models import Achievement, CarePlanGoal, GoalStatus, PlanStatus
from commonweal.referrals.care_plans import MAX_GOAL_LENGTH, MAX_NOTE_LENGTH
from commonweal.screening import instruments
from commonweal.screening.presenting import DOMAIN_WORDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def screening_label(screening: Any) -> str:
    try:
        name = instruments.get(screening.instrument).name_in(get_language() or "en")
    except Exception:  # an instrument no longer installed still has its code
        name = screening.instrument
    return f"{name} · {screening.created_at:%Y-%m-%d}"


class ScreeningChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return screening_label(obj)


class StartPlanForm(AccessibleForm, forms.Form):
    next_review_on = forms.DateField(label=_("First review on"), required=False, widget=DATE_WIDGET)


class GoalForm(AccessibleForm, forms.Form):
    description = forms.CharField(
        label=_("Goal, in the person's own words"),
        max_length=MAX_GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example “stable housing by spring” or “feel less alone”."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs behind it"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Needs the latest screening found are ticked."),
    )
    other_needs = forms.CharField(
        label=_("Other needs"),
        required=False,
        max_length=300,
        help_text=_("In a few words, separated by commas."),
    )
    screenings = ScreeningChoiceField(
        label=_("Screenings that showed these needs"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    achievement = forms.ChoiceField(label=_("Progress"), choices=Achievement.choices)

    def __init__(self, *args: Any, person: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [(code, words[0]) for code, words in DOMAIN_WORDS.items()]
        self.fields["screenings"].queryset = person.screenings.order_by("-created_at")
        if not editing:
            del self.fields["achievement"]

    @staticmethod
    def initial_for(goal: CarePlanGoal) -> dict[str, Any]:
        return {
            "description": goal.description,
            "needs": [n for n in goal.needs if n in DOMAIN_WORDS],
            "other_needs": ", ".join(n for n in goal.needs if n not in DOMAIN_WORDS),
            "screenings": list(goal.screenings.all()),
            "target_date": goal.target_date,
            "status": goal.status,
            "achievement": goal.achievement,
        }

    def all_needs(self) -> list[str]:
        other = [part.strip() for part in self.cleaned_data["other_needs"].split(",")]
        return list(self.cleaned_data["needs"]) + [part for part in other if part]


class LinkReferralForm(AccessibleForm, forms.Form):
    referral = forms.ModelChoiceField(label=_("Referral"), queryset=None)

    def __init__(self, *args: Any, referrals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda r: (
            f"{r.service.name} · {r.to_organization.name} · {r.get_status_display()}"
        )


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a programme or service by name"), max_length=100)


class ReviewForm(AccessibleForm, forms.Form):
    text = forms.CharField(
        label=_("Progress note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the person said about each goal, and what happens next."),
    )
    next_review_on = forms.DateField(label=_("Next review on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, goals: list[CarePlanGoal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            words = Truncator(goal.description).chars(60)
            self.fields[f"status_{goal.pk}"] = forms.ChoiceField(
                label=_("“%(goal)s”: status") % {"goal": words},
                choices=GoalStatus.choices,
                initial=goal.status,
            )
            self.fields[f"achievement_{goal.pk}"] = forms.ChoiceField(
                label=_("“%(goal)s”: progress") % {"goal": words},
                choices=Achievement.choices,
                initial=goal.achievement,
            )

    def goal_updates(self) -> dict[str, dict[str, str]]:
        return {
            str(goal.pk): {
                "status": self.cleaned_data[f"status_{goal.pk}"],
                "achievement": self.cleaned_data[f"achievement_{goal.pk}"],
            }
            for goal in self.goals
        }


class ClosePlanForm(AccessibleForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Close the plan as"),
        choices=[
            (PlanStatus.COMPLETED, _("Completed: the goals were met")),
            (PlanStatus.REVOKED, _("Stopped: the person no longer wants it")),
        ],
        widget=forms.RadioSelect,
    )
