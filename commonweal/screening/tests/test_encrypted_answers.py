"""Screening answers and safety notes are ciphertext in the database, plain through the ORM."""

from __future__ import annotations

import pytest

from commonweal.lib.encrypted_fields import EncryptedLookupError
from commonweal.lib.tests.test_encrypted_fields import raw
from commonweal.screening import instruments, recording, safety
from commonweal.screening.models import SafetyFollowUp, SafetyStep, Screening
from commonweal.screening.tests.answers import phq9


@pytest.mark.django_db
def test_recorded_answers_are_not_in_the_column_but_the_score_is(navigator, person) -> None:
    answers = phq9(first_eight=2, item9=0)
    recorded = recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=answers,
        language="en",
        by=navigator,
    )
    screening = recorded.screening
    stored = raw(Screening, screening.pk, "answers")
    for link_id, answer in answers.items():
        assert link_id not in stored and answer not in stored
    assert Screening.objects.get(pk=screening.pk).answers == answers
    # Scores stay in clear: metrics and history aggregate them in the database.
    assert '"scores"' in raw(Screening, screening.pk, "result")


@pytest.mark.django_db
def test_a_safety_note_is_not_in_the_column(navigator, person) -> None:
    recorded = recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=1, item9=2),
        language="en",
        by=navigator,
    )
    follow_up = SafetyFollowUp.objects.get(screening=recorded.screening)
    note = safety.add_note(
        follow_up=follow_up, note="Sister is staying with him tonight", by=navigator
    )
    assert "Sister" not in raw(SafetyStep, note.pk, "note")
    assert SafetyStep.objects.get(pk=note.pk).note == "Sister is staying with him tonight"


@pytest.mark.django_db
def test_answers_cannot_be_filtered_in_the_database() -> None:
    with pytest.raises(EncryptedLookupError):
        Screening.objects.filter(answers__has_key="44260-8").exists()
    with pytest.raises(EncryptedLookupError):
        SafetyStep.objects.filter(note__icontains="sister").exists()
