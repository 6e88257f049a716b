from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.screening import history, instruments, recording
from commonweal.screening.models import Screening
from commonweal.screening.tests.answers import phq9


def _screen(person, navigator, code, answers, days_ago):
    recorded = recording.record_for_person(
        person=person,
        instrument=instruments.get(code),
        answers=answers,
        language="en",
        by=navigator,
    )
    Screening.objects.filter(pk=recorded.screening.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )


@pytest.mark.django_db
def test_it_lists_newest_first_and_charts_scores_seen_twice(navigator, person) -> None:
    _screen(person, navigator, "phq-9", phq9(first_eight=3), days_ago=60)
    _screen(person, navigator, "phq-9", phq9(first_eight=1), days_ago=5)
    _screen(person, navigator, "gad-2", {"69725-0": "LA6569-3", "68509-9": "LA6569-3"}, days_ago=2)
    found = history.for_person(person=person, by=navigator)
    assert [row.instrument_name for row in found.rows] == ["GAD-2", "PHQ-9", "PHQ-9"]
    assert found.rows[1].screening.created_at > found.rows[2].screening.created_at
    [chart] = found.charts  # GAD-2 was seen once: no chart for it
    assert chart.name == "PHQ-9: Mood"
    assert [p.value for p in chart.points] == [24, 8]
    assert (chart.y_min, chart.y_max) == (0, 27)
    event = AuditEvent.objects.get(detail__read="screening_history")
    assert event.person_id == str(person.pk) and len(event.detail["screenings"]) == 3


@pytest.mark.django_db
def test_two_scores_of_one_domain_get_distinct_chart_names(navigator, person) -> None:
    answers = {f"who-5-{n}": "3" for n in range(1, 6)}
    _screen(person, navigator, "who-5", answers, days_ago=30)
    _screen(person, navigator, "who-5", answers, days_ago=1)
    names = [chart.name for chart in history.for_person(person=person, by=navigator).charts]
    assert len(names) == 2 and len(set(names)) == 2


@pytest.mark.django_db
def test_no_screenings_no_audit_event(navigator, person) -> None:
    found = history.for_person(person=person, by=navigator)
    assert found.rows == () and found.charts == ()
    assert not AuditEvent.objects.filter(detail__read="screening_history").exists()
