"""Forms of the education library's editor (/programs/learn/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commonweal.directory.models import Organization
from commonweal.programs import education

MARKUP_HELP = _(
    "Leave a blank line between paragraphs. Start a line with ## for a heading, - for a "
    "list item or 1. for a numbered step. **Words** are bold; [words](https://example.org) "
    "is a link."
)
TOPICS_HELP = _(
    "Category codes (like 1102 for Food) and screening topics (food, loneliness, "
    "depression, anxiety, suicide-risk), separated by commas. Search and screening "
    "results show the page for these."
)


class TopicsField(forms.CharField):
    def to_python(self, value: Any) -> list[str]:
        return education.clean_topics(value if isinstance(value, list) else str(value or ""))

    def prepare_value(self, value: Any) -> str:
        return ", ".join(value) if isinstance(value, list) else (value or "")


class VersionForm(forms.Form):
    """A page's text in one language."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Short summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences. Shown in lists and in “Learn more” boxes."),
    )
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), help_text=MARKUP_HELP
    )


class PageSettingsForm(forms.Form):
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=80,
        required=False,
        help_text=_("Letters, numbers and dashes, like what-is-a-support-group."),
    )
    topics = TopicsField(label=_("Topics"), required=False, help_text=TOPICS_HELP)
    crisis_related = forms.BooleanField(
        label=_("This page is about a crisis (the crisis lines are shown in full at its top)"),
        required=False,
    )


class PageCreateForm(PageSettingsForm, VersionForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Written by"),
        required=False,
        help_text=_("Leave empty for a page of the whole partnership (coalition admins)."),
    )
    language = forms.ChoiceField(label=_("Language of this text"), choices=settings.LANGUAGES)

    field_order = [
        "organization",
        "language",
        "title",
        "summary",
        "body",
        "slug",
        "topics",
        "crisis_related",
    ]

    def __init__(self, *args: Any, organizations: Any, may_leave_empty: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations
        field.required = not may_leave_empty
        if not may_leave_empty:
            field.help_text = ""
            only = list(organizations[:2])
            if len(only) == 1:
                field.initial = only[0].pk
                field.empty_label = None


class PublishForm(forms.Form):
    reviewed_by = forms.CharField(
        label=_("Reviewed by"),
        max_length=200,
        help_text=_(
            "The name and role of who checked the page, like “Dr. Ana Ruiz, clinical lead”."
        ),
    )
    reviewed_on = forms.DateField(
        label=_("Review date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("submit", "submit"), ("publish", "publish"), ("unpublish", "unpublish")]
    )


class ProgrammePagesForm(forms.Form):
    pages = forms.ModelMultipleChoiceField(
        queryset=None,  # set in __init__: the published pages
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Related pages"),
    )

    def __init__(self, *args: Any, pages: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pages"].queryset = pages
        self.fields["pages"].label_from_instance = lambda page: (
            education.version_for(page).title if education.version_for(page) else page.slug
        )
