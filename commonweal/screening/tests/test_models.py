from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from commonweal.screening.models import SafetyFollowUp, Screening


@pytest.mark.django_db
def test_a_screening_belongs_to_a_person_or_to_a_resident_never_both_or_neither(
    person, resident
) -> None:
    Screening.objects.create(person=person, instrument="phq-9")
    Screening.objects.create(user=resident, instrument="phq-9")
    for kwargs in ({}, {"person": person, "user": resident}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Screening.objects.create(instrument="phq-9", **kwargs)


@pytest.mark.django_db
def test_an_idempotency_key_makes_one_screening(person) -> None:
    Screening.objects.create(person=person, instrument="phq-9", idempotency_key="form:abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(person=person, instrument="phq-9", idempotency_key="form:abc")
    # Screenings without a key (none given) are not duplicates of each other.
    Screening.objects.create(person=person, instrument="phq-9")
    Screening.objects.create(person=person, instrument="phq-9")
    assert Screening.objects.count() == 3


@pytest.mark.django_db
def test_a_screening_has_at_most_one_safety_follow_up(person, organization) -> None:
    from django.utils import timezone

    screening = Screening.objects.create(person=person, instrument="phq-9")
    SafetyFollowUp.objects.create(
        screening=screening, person=person, organization=organization, due_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyFollowUp.objects.create(
            screening=screening, person=person, organization=organization, due_at=timezone.now()
        )


@pytest.mark.django_db
def test_a_screening_never_prints_its_answers(person) -> None:
    screening = Screening.objects.create(
        person=person, instrument="phq-9", answers={"44260-8": "LA6571-9"}
    )
    assert "LA6571" not in str(screening) and "44260" not in str(screening)
