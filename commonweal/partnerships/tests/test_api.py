from __future__ import annotations

import json

import pytest

from commonweal.accounts.models import ApiToken
from commonweal.partnerships.models import Partner

URL = "/api/v1/partnership/partners"


def _bearer(user) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(client, method: str, url: str, user, body) -> object:
    return client.generic(
        method, url, data=json.dumps(body), content_type="application/json", **_bearer(user)
    )


@pytest.mark.django_db
def test_it_lists_partners_with_their_agreement_state(client, partner, analyst) -> None:
    response = client.get(URL, **_bearer(analyst))
    assert response.status_code == 200
    (only,) = response.json()
    assert only["name"] == partner.name
    assert only["agreement"]["status"] == "signed"
    assert only["agreement"]["level"] in {"current", "expiring"}
    assert only["data_sharing"] == {
        "status": "none",
        "expires_on": None,
        "level": "none",
        "days_left": None,
    }


@pytest.mark.django_db
def test_it_refuses_non_members_and_anonymous_callers(client, partner, other_org_staff) -> None:
    assert client.get(URL).status_code == 401
    response = client.get(URL, **_bearer(other_org_staff))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get(f"{URL}/{partner.pk}", **_bearer(other_org_staff)).status_code == 403


@pytest.mark.django_db
def test_a_coalition_admin_creates_a_partner(client, coalition_admin, other_organization) -> None:
    body = {"organization_id": str(other_organization.pk), "sector": "school"}
    response = _send(client, "POST", URL, coalition_admin, body)
    assert response.status_code == 201, response.content
    assert response.json()["sector"] == "school" and response.json()["active"] is True
    again = _send(client, "POST", URL, coalition_admin, body)
    assert again.status_code == 400 and "organization_id" in again.json()["errors"]


@pytest.mark.django_db
def test_partner_staff_may_not_create_or_change_partners(
    client, partner, partner_staff, other_organization
) -> None:
    body = {"organization_id": str(other_organization.pk), "sector": "school"}
    assert _send(client, "POST", URL, partner_staff, body).status_code == 403
    patch = _send(client, "PATCH", f"{URL}/{partner.pk}", partner_staff, {"sector": "faith"})
    assert patch.status_code == 403
    assert not Partner.objects.filter(organization=other_organization).exists()


@pytest.mark.django_db
def test_a_patch_changes_only_what_it_sends(client, partner, coalition_admin) -> None:
    response = _send(
        client, "PATCH", f"{URL}/{partner.pk}", coalition_admin, {"notes": "Renewal in May"}
    )
    assert response.status_code == 200, response.content
    partner.refresh_from_db()
    assert partner.notes == "Renewal in May" and partner.sector == "social_services"
    assert partner.agreement_status == "signed"


@pytest.mark.django_db
def test_bad_input_names_the_field_and_saves_nothing(client, partner, coalition_admin) -> None:
    response = _send(
        client,
        "PATCH",
        f"{URL}/{partner.pk}",
        coalition_admin,
        {"joined_on": "2031-01-01", "notes": "x", "agreement_expires_on": "2030-12-31"},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["agreement_expires_on"]
    partner.refresh_from_db()
    assert partner.notes == ""
    for body, field in (
        ({"sector": "guild"}, "sector"),
        ({"joined_on": "31/12/2030"}, "joined_on"),
        ({"colour": "red"}, "colour"),
    ):
        response = _send(client, "PATCH", f"{URL}/{partner.pk}", coalition_admin, body)
        assert response.status_code == 400 and field in response.json()["errors"], body
    broken = client.generic(
        "PATCH",
        f"{URL}/{partner.pk}",
        data="{",
        content_type="application/json",
        **_bearer(coalition_admin),
    )
    assert broken.status_code == 400 and broken.json()["code"] == "invalid-json"


@pytest.mark.django_db
def test_an_unknown_partner_is_not_found(client, coalition_admin) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"{URL}/{missing}", **_bearer(coalition_admin)).status_code == 404
