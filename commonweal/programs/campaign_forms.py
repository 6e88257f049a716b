"""Forms of the campaign manager (/programs/campaigns/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.partnerships.models import Goal, Partner
from commonweal.programs.campaign_models import Activity, ActivityKind, Audience, EducationPage
from commonweal.programs.forms import LanguagesField
from commonweal.programs.models import Programme, Session

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=80,
        required=False,
        help_text=_("Letters, numbers and dashes. Made from the name when left empty."),
    )
    aim = forms.CharField(
        label=_("Aim"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What should change, for whom. Shown on the public page."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguagesField(
        label=_("Languages"), required=False, help_text=_("Language codes, like en, es, ht.")
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Partner.objects.active().with_organization(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Partnership goals it works towards"),
        queryset=Goal.objects.order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pages = forms.ModelMultipleChoiceField(
        label=_("Education pages"),
        queryset=EducationPage.objects.published().with_versions(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Visits to these pages count towards the campaign's reach."),
    )
    published = forms.BooleanField(label=_("Show the public campaign page"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from commonweal.programs import education

        self.fields["pages"].label_from_instance = lambda page: getattr(
            education.version_for(page), "title", page.slug
        )

    @staticmethod
    def initial_of(campaign: Any) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "slug": campaign.slug,
            "aim": campaign.aim,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "audiences": campaign.audiences,
            "languages": campaign.languages,
            "partners": list(campaign.partners.all()),
            "goals": list(campaign.goals.all()),
            "pages": list(campaign.pages.all()),
            "published": campaign.published,
        }


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "held_on",
            "partner",
            "programme",
            "session",
            "count",
            "language",
            "audience",
            "notes",
        ]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "count": _(
                "Workshop: people there. Materials: how many handed out. Outreach: people "
                "contacted. Media: people reached, as the outlet reports. Events are counted "
                "from sign-ups and check-ins."
            ),
            "programme": _("For an event: the programme whose meetings are the event."),
            "session": _("For an event: one session of that programme (optional)."),
        }

    def __init__(self, *args: Any, partners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ActivityKind.choices
        self.fields["partner"].queryset = partners
        self.fields["partner"].required = True
        only = list(partners[:2])
        if len(only) == 1:
            self.fields["partner"].initial = only[0].pk
            self.fields["partner"].empty_label = None
        self.fields["programme"].queryset = Programme.objects.with_organization()
        self.fields["session"].queryset = Session.objects.select_related("programme")
        self.fields["count"].required = False

    def clean_count(self) -> int:
        return self.cleaned_data.get("count") or 0
