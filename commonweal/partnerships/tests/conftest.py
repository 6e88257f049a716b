"""Partners for the workspace tests: the root conftest's organisation is a member."""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.partnerships.models import Partner


@pytest.fixture
def partner(organization):
    return Partner.objects.create(
        organization=organization,
        sector="social_services",
        agreement_status="signed",
        agreement_expires_on=dt.date(2030, 1, 1),
    )
