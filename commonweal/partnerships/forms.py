"""Forms of the partnership workspace: the pages post them, and the API parses its JSON
bodies with the same forms, so a rule is written once and an error names its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.directory.models import Organization
from commonweal.insights.periods import Quarter
from commonweal.partnerships.models import (
    CommunityNeed,
    Contribution,
    Feedback,
    FeedbackTopic,
    FundingStream,
    Goal,
    Indicator,
    MeetingStatus,
    NeedEvidence,
    Partner,
    PartnerContact,
    PlanTask,
    Strategy,
)

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


class NeedForm(forms.ModelForm):
    class Meta:
        model = CommunityNeed
        fields = ["title", "description", "status", "chosen_on"]
        widgets = {"chosen_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class EvidenceForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("Link to the source"), required=False, assume_scheme="https"
    )

    class Meta:
        model = NeedEvidence
        # source_url is declared above, not generated: Django's generated URLField warns
        # about its default scheme changing.
        fields = ["kind", "summary", "recorded_on"]
        widgets = {"recorded_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "population_result", "population", "needs"]
        widgets = {
            "population_result": forms.Textarea(attrs={"rows": 2}),
            "needs": forms.CheckboxSelectMultiple,
        }


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "kind",
            "rba_question",
            "name",
            "measure",
            "unit",
            "direction",
            "partner",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
        ]
        widgets = {"baseline_date": DATE, "target_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.with_organization()


class ValueForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ComputeForm(forms.Form):
    quarter = forms.ChoiceField(
        label=_("Quarter"),
        help_text=_("Only completed quarters: a figure for a period still running would change."),
    )

    def __init__(self, *args: Any, quarters: list[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {q.label: q for q in quarters}
        self.fields["quarter"].choices = [(q.label, q.label) for q in quarters]

    def clean_quarter(self) -> Quarter:
        return self.quarters[self.cleaned_data["quarter"]]


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "description", "goal"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TaskForm(forms.ModelForm):
    """Every field of a task: coalition admins."""

    class Meta:
        model = PlanTask
        fields = [
            "title",
            "description",
            "owner",
            "responsible",
            "start_date",
            "due_date",
            "status",
            "notes",
        ]
        widgets = {
            "start_date": DATE,
            "due_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Partner.objects.active().with_organization()


class ProgressForm(forms.ModelForm):
    """What the owning partner's staff keep current (plan.PROGRESS_FIELDS)."""

    class Meta:
        model = PlanTask
        fields = ["responsible", "due_date", "status", "notes"]
        widgets = {"due_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}


class MeetingForm(forms.Form):
    """A meeting as people plan one: a day, start and end on a time zone's wall clock."""

    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Day"), widget=DATE)
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("An IANA time zone name, such as America/New_York or America/Chicago."),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Partners invited"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = Partner.objects.active().with_organization()


class MeetingEditForm(MeetingForm):
    """After the meeting: its status and minutes too."""

    status = forms.ChoiceField(label=_("Status"), choices=MeetingStatus.choices)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Partners present"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = Partner.objects.with_organization()


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))


class ActionItemForm(TaskForm):
    """An action item agreed at a meeting: a task of the plan, in a strategy."""

    strategy = forms.ModelChoiceField(label=_("Strategy"), queryset=Strategy.objects.all())

    class Meta(TaskForm.Meta):
        fields = ["strategy", "title", "owner", "responsible", "due_date"]


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = [
            "partner",
            "programme",
            "kind",
            "description",
            "quantity",
            "value",
            "starts_on",
            "ends_on",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners.select_related("organization").order_by(
            "organization__name"
        )
        if len(self.fields["partner"].queryset) == 1:
            # Partner staff record for their own partner: nothing to choose.
            self.fields["partner"].empty_label = None


class FundingForm(forms.ModelForm):
    class Meta:
        model = FundingStream
        fields = ["programme", "funder", "amount", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class FeedbackForm(forms.Form):
    """The resident's form: plain words, nothing that identifies them."""

    topic = forms.ChoiceField(label=_("What is it about?"), choices=FeedbackTopic.choices)
    text = forms.CharField(
        label=_("What do you want to tell us?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please do not write your name or anyone else's."),
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["status", "you_said", "we_did", "published"]
        widgets = {"we_did": forms.Textarea(attrs={"rows": 3})}


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One question a line, then its choices, each after a |. For example: "
            "How do you get to the clinic? | Walk | Bus | Car | Someone drives me"
        ),
    )


class SurveyAnswerForm(forms.Form):
    """One optional radio group per question of the survey."""

    def __init__(self, *args: Any, survey: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in survey.questions.prefetch_related("choices"):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(c.pk, c.label) for c in question.choices.all()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def chosen(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value != ""}
