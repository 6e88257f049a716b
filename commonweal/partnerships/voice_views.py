"""Community voice pages: the public feedback form and "you said, we did" (anyone, no
account), and the coalition admins' review. Rules: commonweal.policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from commonweal.partnerships import voice
from commonweal.partnerships.forms import FeedbackForm, ReviewForm, SurveyAnswerForm, SurveyForm
from commonweal.partnerships.models import Feedback, FeedbackStatus, Survey
from commonweal.partnerships.pages import (
    form_page,
    page_context,
    require_manager,
)

BACK = (gettext_lazy("Community voice"), "partnerships:voice_review")


def feedback(request: HttpRequest) -> HttpResponse:
    """Anyone may write; the thanks page puts crisis help first when the words call for it."""
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _saved, danger = voice.submit(language=get_language() or "", **form.cleaned_data)
        return render(request, "partnerships/feedback_thanks.html", {"crisis": danger})
    surveys = Survey.objects.filter(is_open=True)
    return render(request, "partnerships/feedback_form.html", {"form": form, "surveys": surveys})


def you_said_we_did(request: HttpRequest) -> HttpResponse:
    return render(request, "partnerships/you_said.html", {"items": voice.published()})


@login_required
def voice_review(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    items = Feedback.objects.all()
    return render(
        request,
        "partnerships/voice_review.html",
        page_context(
            request,
            new=[f for f in items if f.status == FeedbackStatus.NEW],
            others=[f for f in items if f.status != FeedbackStatus.NEW],
        ),
    )


@login_required
def feedback_review(request: HttpRequest, feedback_id: Any) -> HttpResponse:
    require_manager(request)
    item = get_object_or_404(Feedback, pk=feedback_id)
    if request.method != "POST":
        return render(
            request,
            "partnerships/feedback_review.html",
            page_context(request, item=item, form=ReviewForm(instance=item)),
        )
    return form_page(
        request,
        ReviewForm(request.POST, instance=Feedback.objects.get(pk=item.pk)),
        lambda data: voice.review(item, by=request.user, **data),
        title=_("Review feedback"),
        back=BACK,
        done=lambda f: "partnerships:voice_review",
        saved=_("The review is saved."),
    )


# --- short surveys ---------------------------------------------------------------------------


def survey_answer(request: HttpRequest, survey_id: Any) -> HttpResponse:
    """Anyone answers an open survey; skipped questions are fine."""
    survey = get_object_or_404(Survey, pk=survey_id)
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if survey.is_open and request.method == "POST" and form.is_valid():
        try:
            voice.answer(survey, chosen=form.chosen())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return render(request, "partnerships/feedback_thanks.html", {"crisis": False})
    return render(request, "partnerships/survey_answer.html", {"survey": survey, "form": form})


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    surveys = Survey.objects.prefetch_related("questions__choices")
    return render(request, "partnerships/survey_list.html", page_context(request, surveys=surveys))


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return form_page(
        request,
        SurveyForm(request.POST or None),
        lambda data: voice.create_survey(by=request.user, **data),
        title=_("Make a short survey"),
        back=(gettext_lazy("Surveys"), "partnerships:survey_list"),
        done=lambda survey: "partnerships:survey_list",
        saved=_("The survey is open for answers."),
    )
