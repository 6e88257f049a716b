from __future__ import annotations

import pytest

from commonweal.accounts import tokens
from commonweal.accounts.models import ApiToken

ME = "/api/v1/accounts/me"


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
def test_it_answers_me_for_a_bearer_token(client, partner_staff, organization) -> None:
    _, raw = tokens.create_token(user=partner_staff, name="script")
    response = client.get(ME, headers=_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "pat.partner"
    assert body["is_superuser"] is False
    assert body["memberships"] == [
        {
            "organization_id": str(organization.id),
            "organization_name": organization.name,
            "role": "partner_staff",
        }
    ]
    assert ApiToken.objects.get(user=partner_staff).last_used is not None


@pytest.mark.django_db
def test_it_refuses_a_revoked_token(client, partner_staff) -> None:
    token, raw = tokens.create_token(user=partner_staff, name="script")
    tokens.revoke_token(token_id=token.pk, by=partner_staff)
    assert client.get(ME, headers=_bearer(raw)).status_code == 401


@pytest.mark.django_db
def test_it_refuses_a_wrong_token(client, partner_staff) -> None:
    _, raw = tokens.create_token(user=partner_staff, name="script")
    assert (
        client.get(ME, headers=_bearer(raw[:-1] + ("A" if raw[-1] != "A" else "B"))).status_code
        == 401
    )
    assert client.get(ME, headers=_bearer("")).status_code == 401
    assert client.get(ME).status_code == 401


@pytest.mark.django_db
def test_it_refuses_the_token_of_a_deactivated_user(client, partner_staff) -> None:
    _, raw = tokens.create_token(user=partner_staff, name="script")
    partner_staff.is_active = False
    partner_staff.save()
    assert client.get(ME, headers=_bearer(raw)).status_code == 401


@pytest.mark.django_db
def test_it_answers_me_for_a_signed_in_browser_session(client, resident) -> None:
    client.force_login(resident)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "rosa.resident"
    assert response.json()["memberships"] == []
