"""Community voice: residents' anonymous feedback, its review, and "you said, we did".

Nothing that identifies the writer is asked for or kept (no account, name, contact or
address; not the IP). Words that signal danger put crisis help first on the thanks page —
the rule of lib/crisis.py, the same as for searches. What the public page shows is the
coalition admins' own summary and response, published on purpose, never the words sent.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from commonweal.directory.search.types import CrisisLevel
from commonweal.lib import crisis
from commonweal.partnerships.models import Feedback, Survey, SurveyChoice, SurveyQuestion

REVIEW_FIELDS = ("status", "you_said", "we_did", "published")


@transaction.atomic
def submit(*, topic: str, text: str, language: str) -> tuple[Feedback, bool]:
    """Store a resident's feedback; returns it and whether it signals danger now."""
    feedback = Feedback(topic=topic, text=text.strip(), language=language[:8])
    feedback.full_clean()
    feedback.save()
    return feedback, crisis.crisis_level(text) == CrisisLevel.EMERGENCY


@transaction.atomic
def review(feedback: Feedback, *, by: Any, **details: Any) -> Feedback:
    """Record the admins' review: status, the public summary and response, and whether to
    publish them."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    for name in REVIEW_FIELDS:
        if name in details:
            setattr(feedback, name, details[name])
    feedback.full_clean()
    feedback.save()
    return feedback


def published() -> Any:
    return Feedback.objects.filter(published=True).order_by("-created_at")


# --- short surveys -------------------------------------------------------------------------

MAX_QUESTIONS = 10
MAX_CHOICES = 8


def parse_questions(text: str) -> list[tuple[str, list[str]]]:
    """One question a line: "Question? | first choice | second choice …" (2 to 8 choices).

    Raises ValidationError naming the line that is wrong."""
    found: list[tuple[str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        question, choices = parts[0], [c for c in parts[1:] if c]
        if not question or not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationError(
                _("Line %(n)d: write the question, then 2 to %(max)d choices, each after a |.")
                % {"n": number, "max": MAX_CHOICES}
            )
        if len(set(choices)) != len(choices):
            raise ValidationError(_("Line %(n)d: a choice is there twice.") % {"n": number})
        found.append((question, choices))
    if not found:
        raise ValidationError(_("Write at least one question."))
    if len(found) > MAX_QUESTIONS:
        raise ValidationError(
            _("A short survey has at most %(max)d questions.") % {"max": MAX_QUESTIONS}
        )
    return found


@transaction.atomic
def create_survey(*, by: Any, title: str, intro: str, questions: str) -> Survey:
    try:
        parsed = parse_questions(questions)
    except ValidationError as error:
        raise ValidationError({"questions": error.messages}) from None
    survey = Survey(title=title, intro=intro)
    survey.full_clean()
    survey.save()
    for q_number, (text, choices) in enumerate(parsed, start=1):
        question = SurveyQuestion.objects.create(survey=survey, number=q_number, text=text)
        SurveyChoice.objects.bulk_create(
            SurveyChoice(question=question, number=c_number, label=label)
            for c_number, label in enumerate(choices, start=1)
        )
    return survey


@transaction.atomic
def answer(survey: Survey, *, chosen: dict[int, int]) -> None:
    """Count a resident's answers: {question id: choice id}; a question may be skipped.

    Only counters go up: nothing ties one answer to another or to the resident."""
    if not survey.is_open:
        raise ValidationError(_("This survey is closed."))
    valid = dict(
        SurveyChoice.objects.filter(question__survey=survey).values_list("pk", "question_id")
    )
    for question_id, choice_id in chosen.items():
        if valid.get(choice_id) != question_id:
            raise ValidationError(_("Choose one of the answers offered."))
    SurveyChoice.objects.filter(pk__in=list(chosen.values())).update(count=F("count") + 1)
