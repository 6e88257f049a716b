from __future__ import annotations

import pytest

from commonweal.accounts.models import AuditEvent
from commonweal.screening import instruments, recording, scoring
from commonweal.screening.models import SafetyFollowUp, Screening
from commonweal.screening.tests.answers import phq9

PHQ9 = "phq-9"


def _record(person, by, answers, key=None):
    return recording.record_for_person(
        person=person,
        instrument=instruments.get(PHQ9),
        answers=answers,
        language="en",
        by=by,
        idempotency_key=key,
    )


@pytest.mark.django_db
def test_bad_answers_store_nothing(navigator, person) -> None:
    with pytest.raises(scoring.InvalidAnswers):
        _record(person, navigator, {"44250-9": "LA0000-0"})
    assert not Screening.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


@pytest.mark.django_db
def test_outside_the_care_team_nothing_is_stored(other_org_staff, analyst, person) -> None:
    for user in (other_org_staff, analyst):
        with pytest.raises(PermissionError):
            _record(person, user, phq9())
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_the_same_key_returns_the_same_screening_and_follow_up(navigator, person) -> None:
    first = _record(person, navigator, phq9(item9=2), key="k")
    second = _record(person, navigator, phq9(item9=2), key="k")
    assert first.created and not second.created
    assert first.screening.pk == second.screening.pk
    assert first.follow_up is not None and second.follow_up.pk == first.follow_up.pk
    assert SafetyFollowUp.objects.count() == 1


@pytest.mark.django_db
def test_a_key_used_by_another_navigator_or_for_another_person_is_refused(
    navigator, partner_staff, person, organization
) -> None:
    from commonweal.referrals.tests.people_fixtures import make_person

    _record(person, navigator, phq9(), key="shared")
    with pytest.raises(recording.KeyReused):
        _record(person, partner_staff, phq9(), key="shared")
    with pytest.raises(recording.KeyReused):
        _record(make_person(organization, given_name="Bo"), navigator, phq9(), key="shared")
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_a_lost_race_on_the_key_returns_the_winners_screening(
    navigator, person, monkeypatch
) -> None:
    winner = _record(person, navigator, phq9(), key="race").screening
    # Simulate the second request having checked before the first one committed.
    monkeypatch.setattr(
        recording,
        "_existing",
        lambda key, calls=[]: calls.append(1) or (None if len(calls) == 1 else winner),
    )
    again = _record(person, navigator, phq9(), key="race")
    assert not again.created and again.screening.pk == winner.pk
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_a_triggering_result_opens_the_follow_up_in_the_same_transaction(navigator, person) -> None:
    recorded = _record(person, navigator, phq9(item9=1))
    assert recorded.screening.safety_triggered and not recorded.screening.safety_acute
    assert recorded.follow_up.screening == recorded.screening
    assert AuditEvent.objects.filter(
        object_type="screening.safetyfollowup", detail__safety_protocol="started"
    ).exists()
