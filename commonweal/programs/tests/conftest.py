"""A programme of the root conftest's `organization`, with one weekly session."""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.programs import schedule


@pytest.fixture
def programme(organization, partner_staff):
    return schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Tuesday support group",
        kind="support_group",
        starts_on=dt.date(2026, 3, 1),
        time_zone="America/New_York",
        languages=["en", "es"],
    )


@pytest.fixture
def weekly(programme, partner_staff):
    return schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=dt.date(2026, 3, 3),
        start_time=dt.time(18, 0),
        duration_minutes=90,
        rule="FREQ=WEEKLY;COUNT=10",
        capacity=12,
    )
