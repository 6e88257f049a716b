from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commonweal.partnerships import voice
from commonweal.partnerships.models import Survey, SurveyChoice

QUESTIONS = "How do you get to the clinic? | Walk | Bus | Car\nIs the food bank open when you can go? | Yes | No"


def test_it_reads_one_question_a_line() -> None:
    assert voice.parse_questions(QUESTIONS + "\n\n") == [
        ("How do you get to the clinic?", ["Walk", "Bus", "Car"]),
        ("Is the food bank open when you can go?", ["Yes", "No"]),
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Only a question?", "Line 1"),
        ("Fine? | a | b\nOne choice? | a", "Line 2"),
        ("Twice? | a | a", "there twice"),
        ("", "at least one question"),
        ("\n".join(f"Q{i}? | a | b" for i in range(11)), "at most 10"),
    ],
)
def test_it_names_the_line_that_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as failure:
        voice.parse_questions(text)
    assert words in failure.value.messages[0]


@pytest.mark.django_db
def test_a_coalition_admin_makes_a_survey_and_residents_answer(client, coalition_admin) -> None:
    client.force_login(coalition_admin)
    refused = client.post(
        reverse("partnerships:survey_create"), {"title": "Getting there", "questions": "Why?"}
    )
    assert "questions" in refused.context["form"].errors and not Survey.objects.exists()
    client.post(
        reverse("partnerships:survey_create"), {"title": "Getting there", "questions": QUESTIONS}
    )
    survey = Survey.objects.get()
    client.logout()
    first, second = survey.questions.all()
    bus = first.choices.get(label="Bus")
    url = survey.get_absolute_url()
    assert "How do you get to the clinic?" in client.get(url).content.decode()
    # The second question skipped; an answer from another question refused.
    assert client.post(url, {f"q{first.pk}": bus.pk}).status_code == 200
    wrong = second.choices.first()
    assert (
        "q" + str(first.pk) in client.post(url, {f"q{first.pk}": wrong.pk}).context["form"].errors
    )
    assert dict(SurveyChoice.objects.values_list("label", "count")) == {
        "Walk": 0,
        "Bus": 1,
        "Car": 0,
        "Yes": 0,
        "No": 0,
    }
    client.force_login(coalition_admin)
    results = client.get(reverse("partnerships:survey_list")).content.decode()
    assert "Getting there" in results and "<td>1</td>" in results


@pytest.mark.django_db
def test_a_closed_survey_counts_nothing(client, coalition_admin) -> None:
    survey = voice.create_survey(by=coalition_admin, title="Old", intro="", questions=QUESTIONS)
    survey.is_open = False
    survey.save()
    choice = SurveyChoice.objects.first()
    client.post(survey.get_absolute_url(), {f"q{choice.question_id}": choice.pk})
    with pytest.raises(ValidationError):
        voice.answer(survey, chosen={choice.question_id: choice.pk})
    assert SurveyChoice.objects.filter(count__gt=0).count() == 0


@pytest.mark.django_db
def test_only_coalition_admins_make_surveys_and_see_results(client, partner, partner_staff):
    client.force_login(partner_staff)
    assert client.get(reverse("partnerships:survey_list")).status_code == 403
    response = client.post(
        reverse("partnerships:survey_create"), {"title": "X", "questions": QUESTIONS}
    )
    assert response.status_code == 403 and not Survey.objects.exists()
