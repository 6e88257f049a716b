"""Demo people and screenings for `make run`, so the navigator's pages are alive.

Fictional people only, in the demo navigator's organisation: a few screenings each over
the last months (trend charts have something to draw) and one open safety follow-up.
Demo mode only, like the demo logins; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonweal import policy
from commonweal.referrals import people
from commonweal.screening import instruments, recording
from commonweal.screening.models import Screening

KEY_PREFIX = "demo:"
FREQUENCY = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]  # PHQ frequency, scored 0–3
PHQ9_ITEMS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
]
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


class DemoRefused(Exception):
    pass


def _phq9(level: int, item9: int = 0) -> dict[str, str]:
    return {**{item: FREQUENCY[level] for item in PHQ9_ITEMS}, "44260-8": FREQUENCY[item9]}


def _gad7(level: int) -> dict[str, str]:
    return {item: FREQUENCY[level] for item in GAD7_ITEMS}


AHC_FOOD_AND_HOUSING = {
    "71802-3": "LA31994-9",  # has a place today, worried about losing it
    "96778-6": ["LA31996-4", "LA28580-1"],  # pests, mould
    "88122-7": "LA28397-0",  # often worried food would run out
    "88123-5": "LA6729-3",
    "93030-5": "LA32-8",
    "96779-4": "LA32-8",
    "95618-5": "LA6270-8",
    "95617-7": "LA6270-8",
    "95616-9": "LA6270-8",
    "95615-1": "LA6270-8",
}

# (person values, [(days ago, instrument, answers)]). Names are invented for the demo.
DEMO_PEOPLE: list[tuple[dict[str, Any], list[tuple[int, str, dict[str, Any]]]]] = [
    (
        {
            "given_name": "Alma",
            "family_name": "Demo-Rivera",
            "date_of_birth": dt.date(1979, 4, 12),
            "preferred_language": "es",
            "zip_code": "33125",
            "phone": "305-555-0101",
            "preferred_contact_method": "text",
            "text_ok": True,
        },
        [
            (120, "phq-9", _phq9(2)),
            (75, "phq-9", _phq9(2) | {"44250-9": FREQUENCY[1], "44259-0": FREQUENCY[1]}),
            (30, "phq-9", _phq9(1)),
            (30, "ahc-hrsn", AHC_FOOD_AND_HOUSING),
        ],
    ),
    (
        {
            "given_name": "Marcus",
            "family_name": "Demo-Johnson",
            "preferred_name": "Marc",
            "date_of_birth": dt.date(1992, 9, 3),
            "preferred_language": "en",
            "zip_code": "33136",
            "email": "marc@example.org",
            "preferred_contact_method": "email",
            "email_ok": True,
        },
        [(90, "gad-7", _gad7(2)), (45, "gad-7", _gad7(1)), (10, "gad-7", _gad7(1))],
    ),
    (
        {
            "given_name": "Yolande",
            "family_name": "Demo-Pierre",
            "date_of_birth": dt.date(1960, 1, 30),
            "preferred_language": "ht",
            "zip_code": "33138",
            "phone": "305-555-0177",
            "preferred_contact_method": "phone",
            "safe_times": "Weekdays before noon",
        },
        # The most recent screening starts the safety protocol: an open follow-up to show.
        [(60, "phq-9", _phq9(1)), (1, "phq-9", _phq9(2, item9=1))],
    ),
]


@transaction.atomic
def create_demo_people(*, navigator: Any) -> int:
    """Create the demo people and screenings for `navigator`'s organisation; 0 if present."""
    if not (settings.DEBUG or getattr(settings, "TESTING", False)):
        raise DemoRefused("Demo people are only created in demo mode (DEBUG=true).")
    if Screening.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return 0
    organization_ids = policy.care_organization_ids(navigator)
    if not organization_ids:
        raise DemoRefused("The demo navigator has no organisation.")
    from commonweal.directory.models import Organization

    organization = Organization.objects.get(pk=organization_ids[0])
    now = timezone.now()
    created = 0
    for index, (values, screenings) in enumerate(DEMO_PEOPLE):
        person = people.create_person(values=values, organization=organization, by=navigator)
        for number, (days_ago, code, answers) in enumerate(screenings):
            recorded = recording.record_for_person(
                person=person,
                instrument=instruments.get(code),
                answers=answers,
                language="en",
                by=navigator,
                idempotency_key=f"{KEY_PREFIX}{index}:{number}",
            )
            # Spread over the past months so the history and its chart tell a story.
            Screening.objects.filter(pk=recorded.screening.pk).update(
                created_at=now - dt.timedelta(days=days_ago)
            )
        created += 1
    return created
