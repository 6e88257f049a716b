from __future__ import annotations

import datetime as dt

import pytest

from commonweal.partnerships.models import Contribution, FundingStream, Partner
from commonweal.partnerships.tests.test_api import _bearer, _send
from commonweal.programs.models import Programme

API = "/api/v1/partnership"


@pytest.fixture
def programme(organization):
    return Programme.objects.create(
        organization=organization, name="Saturday pantry", kind="other", starts_on=dt.date.today()
    )


@pytest.mark.django_db
def test_partner_staff_record_their_contribution_and_everyone_sees_the_totals(
    client, partner, partner_staff, navigator, programme
) -> None:
    body = {
        "partner_id": str(partner.pk),
        "programme_id": str(programme.pk),
        "kind": "staff_hours",
        "description": "Volunteer coordinator",
        "quantity": 40,
        "value": 1200,
        "starts_on": "2026-01-01",
    }
    created = _send(client, "POST", f"{API}/contributions", partner_staff, body)
    assert created.status_code == 201, created.content
    _send(client, "POST", f"{API}/contributions", partner_staff, {**body, "value": 300})
    summary = client.get(f"{API}/resources/summary", **_bearer(navigator)).json()
    assert summary["by_partner"] == [
        {"key": str(partner.pk), "name": partner.name, "value": 1500.0, "count": 2}
    ]
    assert summary["by_kind"][0]["name"] == "Staff hours"
    assert summary["by_programme"][0]["name"] == "Saturday pantry"


@pytest.mark.django_db
def test_a_negative_value_or_an_end_before_the_start_is_refused(
    client, partner, coalition_admin, programme
) -> None:
    body = {
        "partner_id": str(partner.pk),
        "kind": "funds",
        "description": "Grant",
        "value": -10,
        "starts_on": "2026-01-01",
        "ends_on": "2025-01-01",
    }
    response = _send(client, "POST", f"{API}/contributions", coalition_admin, body)
    assert response.status_code == 400
    assert {"value", "ends_on"} <= set(response.json()["errors"])
    assert not Contribution.objects.exists()


@pytest.mark.django_db
def test_only_the_partners_staff_change_its_contribution(
    client, partner, partner_staff, other_organization, other_org_staff
) -> None:
    Partner.objects.create(organization=other_organization, sector="health_care")
    contribution = Contribution.objects.create(
        partner=partner, kind="space", description="Hall", value=2400, starts_on=dt.date.today()
    )
    url = f"{API}/contributions/{contribution.pk}"
    assert _send(client, "PATCH", url, other_org_staff, {"value": 1}).status_code == 403
    changed = _send(client, "PATCH", url, partner_staff, {"value": 2600})
    assert changed.status_code == 200 and changed.json()["value"] == 2600.0
    assert changed.json()["description"] == "Hall"


@pytest.mark.django_db
def test_funding_ending_soon_is_flagged(client, coalition_admin, partner, programme) -> None:
    body = {
        "programme_id": str(programme.pk),
        "funder": "County",
        "amount": 50000,
        "starts_on": "2026-01-01",
        "ends_on": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
    }
    assert _send(client, "POST", f"{API}/funding", coalition_admin, body).status_code == 201
    summary = client.get(f"{API}/resources/summary", **_bearer(coalition_admin)).json()
    assert [(w["programme_name"], w["days_left"]) for w in summary["funding_ends_soon"]] == [
        ("Saturday pantry", 20)
    ]
    refused = _send(client, "POST", f"{API}/funding", coalition_admin, {**body, "amount": -1})
    assert refused.status_code == 400 and "amount" in refused.json()["errors"]
    assert FundingStream.objects.count() == 1


@pytest.mark.django_db
def test_partner_staff_cannot_record_for_another_partner(
    client, partner, other_organization, other_org_staff
) -> None:
    Partner.objects.create(organization=other_organization, sector="health_care")
    body = {
        "partner_id": str(partner.pk),
        "kind": "funds",
        "description": "Grant",
        "value": 10,
        "starts_on": "2026-01-01",
    }
    response = _send(client, "POST", f"{API}/contributions", other_org_staff, body)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Contribution.objects.exists()
