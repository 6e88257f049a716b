"""The form for a story or quote in the partnership report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.insights.models import ReportStory


class StoryForm(forms.ModelForm):
    agreed = forms.BooleanField(
        label=_("The person agreed to have this shared, and it names no one who did not agree."),
        required=True,
    )

    class Meta:
        model = ReportStory
        fields = ["kind", "title", "text", "attribution", "organization"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "attribution": _("How to credit it, for example “a parent in Little Haiti”."),
        }
