"""The questionnaire form, built from an instrument's definition, and the safety checklist form.

One form for navigators and residents: native radio groups (and tick boxes for
"choose all that apply"), each in a fieldset with the question as its legend, all on one
page. Checking it has three outcomes (`Check`):

- accept: every scored question answered, or the crisis safety protocol starts (a
  crisis answer is never held back because another question was skipped);
- accept after confirmation: questions unanswered but the instrument's missing-item rule
  still lets part of it be scored — the form first asks, with errors on each unanswered
  question, and the "save with unanswered questions" box says the rest is not scorable;
- errors: nothing can be scored; each unanswered question says so and nothing is stored.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonweal.screening import scoring
from commonweal.screening.instruments import Instrument, Item
from commonweal.screening.scoring import TEXT_MAX_LENGTH
from commonweal.screening.types import ScoreResult

SUBMISSION_RE = re.compile(r"^[0-9a-f]{32}$")


def new_submission_token() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Check:
    accepted: bool
    result: ScoreResult | None
    missing: tuple[str, ...]  # linkIds of unanswered questions that matter
    partial_allowed: bool  # the missing-item rule still scores part of it


class QuestionnaireForm(forms.Form):
    """Fields named by the items' linkIds; `answers()` gives what `scoring.score` takes."""

    accept_partial = forms.BooleanField(
        label=_(
            "Go on without the unanswered questions (the parts that need them cannot be scored)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, instrument: Instrument, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        self.items: dict[str, Item] = {}
        for item in instrument.items:
            self.items[item.link_id] = item
            self.fields[item.link_id] = self._field(item)
        self.check_outcome: Check | None = None

    def _field(self, item: Item) -> forms.Field:
        label = item.text_in(self.language)
        if item.type == "text":
            return forms.CharField(
                label=label,
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        choices = [(o.code, o.label_in(self.language)) for o in item.offered_options]
        if item.type == "multi-choice":
            return forms.MultipleChoiceField(
                label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        return forms.ChoiceField(
            label=label, required=False, choices=choices, widget=forms.RadioSelect
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A radio group sends one value; two (a tampered or replayed post) would otherwise be
        # read as the last one, silently. Ambiguous answers are refused, not guessed.
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            for link_id, item in self.items.items():
                if item.type != "multi-choice" and len(getlist(link_id)) > 1:
                    # Worded as for a skipped question: one msgid, already translated.
                    self.add_error(link_id, _("Choose an answer."))
        return cleaned

    # --- reading -------------------------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        """Answers as scoring takes them; unanswered items left out."""
        answers: dict[str, Any] = {}
        for link_id in self.items:
            value = self.cleaned_data.get(link_id)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, "", []):
                answers[link_id] = value
        return answers

    def groups(self) -> list[tuple[str, list[tuple[int, str, forms.BoundField]]]]:
        """Questions in order, numbered, under their group's title ("" when none).

        Each question is (number, item type, bound field)."""
        titles = {group.id: group.title_in(self.language) for group in self.instrument.groups}
        grouped: list[tuple[str, list[tuple[int, str, forms.BoundField]]]] = []
        for number, (link_id, item) in enumerate(self.items.items(), start=1):
            title = titles.get(item.group or "", "")
            if not grouped or grouped[-1][0] != title:
                grouped.append((title, []))
            grouped[-1][1].append((number, item.type, self[link_id]))
        return grouped

    # --- checking ------------------------------------------------------------------------

    def _scored_link_ids(self) -> set[str]:
        return {link_id for rule in self.instrument.scores for link_id in rule["items"]}

    def check(self) -> Check:
        """Validate and score; see the module docstring for the three outcomes."""
        if not self.is_valid():
            return Check(False, None, (), False)
        answers = self.answers()
        try:
            result = scoring.score(self.instrument, answers)
        except scoring.InvalidAnswers as error:
            for message in error.errors:
                self.add_error(None, message)
            return Check(False, None, (), False)
        scored = self._scored_link_ids()
        missing = tuple(
            link_id
            for link_id, item in self.items.items()
            if link_id not in answers and (item.required or link_id in scored)
        )
        partial_allowed = bool(result.scores)
        if result.safety.triggered or not missing:
            outcome = Check(True, result, missing, partial_allowed)
        elif partial_allowed and self.cleaned_data.get("accept_partial"):
            outcome = Check(True, result, missing, partial_allowed)
        else:
            for link_id in missing:
                self.add_error(link_id, _("Choose an answer."))
            if not partial_allowed:
                # The box only offers what the rule allows; hide it when nothing can score.
                self.fields["accept_partial"].widget = forms.HiddenInput()
            outcome = Check(False, result, missing, partial_allowed)
        self.check_outcome = outcome
        return outcome

    def crisis_despite_errors(self) -> ScoreResult | None:
        """The scored answers that were valid, when they start the safety protocol although
        another answer was malformed: a crisis answer is never held back by an error
        elsewhere on the page. None otherwise (the form shows its errors as usual)."""
        if not self.is_bound or self.is_valid():
            return None
        answers = {
            link_id: value
            for link_id in self.items
            if (value := self.cleaned_data.get(link_id)) not in (None, "", [])
        }
        try:
            result = scoring.score(self.instrument, answers)
        except scoring.InvalidAnswers:
            return None
        return result if result.safety.triggered else None

    @property
    def offers_partial(self) -> bool:
        return bool(
            self.check_outcome
            and self.check_outcome.partial_allowed
            and not self.check_outcome.accepted
        )


class SafetyStepForm(forms.Form):
    """One checklist step's outcome and an optional note (the step is named by the page)."""

    outcome = forms.ChoiceField(widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, step: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=step.code, **kwargs)
        self.step = step
        self.fields["outcome"].label = step.label
        self.fields["outcome"].choices = list(step.outcomes)
        self.fields["outcome"].error_messages["required"] = _("Choose what happened.")


class SafetyNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Add a note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )


class ZipForm(forms.Form):
    near = forms.CharField(
        label=_("Your ZIP code"),
        required=False,
        max_length=10,
        help_text=_("To show services near you. It is not stored."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    def clean_near(self) -> str:
        near = self.cleaned_data.get("near", "").strip()
        if near and not re.match(r"^\d{5}(-\d{4})?$", near):
            raise forms.ValidationError(_("Enter a 5-digit ZIP code, like 33130."))
        return near[:5]


class StaffZipForm(ZipForm):
    """The ZIP code a navigator searches near: the person's own, unless changed here."""

    near = forms.CharField(
        label=_("ZIP code to search near"),
        required=False,
        max_length=10,
        help_text=_("Services near this ZIP code. The person's record is not changed."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
