from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from commonweal.accounts import tokens
from commonweal.accounts.models import ApiToken, AuditEvent


@pytest.mark.django_db
def test_it_stores_only_the_sha256_of_a_new_token(navigator) -> None:
    token, raw = tokens.create_token(user=navigator, name="reporting script")
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored
    assert raw.startswith(token.prefix)


@pytest.mark.django_db
def test_it_refuses_a_blank_token_name(navigator) -> None:
    with pytest.raises(tokens.TokenError) as error:
        tokens.create_token(user=navigator, name="   ")
    assert str(error.value) == str(tokens.NAME_REQUIRED)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_audits_token_create_and_revoke_without_the_token(navigator) -> None:
    token, raw = tokens.create_token(user=navigator, name="laptop")
    tokens.revoke_token(token_id=token.pk, by=navigator)
    events = list(AuditEvent.objects.filter(object_id=str(token.pk)).order_by("at", "pk"))
    assert [e.action for e in events] == [
        AuditEvent.Action.TOKEN_CREATE,
        AuditEvent.Action.TOKEN_REVOKE,
    ]
    assert all(e.actor == navigator and e.object_type == "accounts.apitoken" for e in events)
    assert all(raw not in str(e.detail) and token.token_hash not in str(e.detail) for e in events)


@pytest.mark.django_db
def test_it_revokes_only_the_owners_token(navigator, other_org_staff) -> None:
    token, _ = tokens.create_token(user=other_org_staff, name="theirs")
    with pytest.raises(tokens.TokenNotFound):
        tokens.revoke_token(token_id=token.pk, by=navigator)
    token.refresh_from_db()
    assert token.revoked_at is None
    tokens.revoke_token(token_id=token.pk, by=other_org_staff)
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_it_treats_an_already_revoked_token_as_not_found(navigator) -> None:
    token, _ = tokens.create_token(user=navigator, name="old")
    tokens.revoke_token(token_id=token.pk, by=navigator)
    with pytest.raises(tokens.TokenNotFound):
        tokens.revoke_token(token_id=token.pk, by=navigator)


@pytest.mark.django_db
def test_it_shows_a_new_raw_token_once_on_the_account_page(client, navigator) -> None:
    client.force_login(navigator)
    response = client.post(reverse("accounts:token_create"), {"name": "reporting script"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=navigator)
    raw = response.context["new_token"]
    assert raw.startswith(token.prefix)
    assert hashlib.sha256(raw.encode()).hexdigest() == token.token_hash
    assert raw in response.content.decode()

    again = client.get(reverse("accounts:home")).content.decode()
    assert raw not in again
    assert "reporting script" in again
    assert token.prefix in again
    assert "Never" in again  # last used


@pytest.mark.django_db
def test_it_shows_when_a_token_was_last_used(client, navigator) -> None:
    token, raw = tokens.create_token(user=navigator, name="cron")
    client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    client.force_login(navigator)
    html = client.get(reverse("accounts:home")).content.decode()
    assert "Never" not in html


@pytest.mark.django_db
def test_it_reports_a_bad_token_name_on_the_page(client, navigator) -> None:
    client.force_login(navigator)
    response = client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_needs_a_post_and_a_session_to_create_a_token(client, navigator) -> None:
    assert client.post(reverse("accounts:token_create"), {"name": "x"}).status_code == 302
    client.force_login(navigator)
    assert client.get(reverse("accounts:token_create")).status_code == 405
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_revokes_own_token_from_the_account_page(client, navigator) -> None:
    token, _ = tokens.create_token(user=navigator, name="laptop")
    client.force_login(navigator)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = client.get(reverse("accounts:home"))
    assert "Token “laptop” revoked" in page.content.decode()
    assert list(page.context["tokens"]) == []
    assert "laptop" not in client.get(reverse("accounts:home")).content.decode()


@pytest.mark.django_db
def test_it_refuses_to_revoke_someone_elses_token_from_the_page(
    client, navigator, other_org_staff
) -> None:
    token, _ = tokens.create_token(user=other_org_staff, name="theirs")
    client.force_login(navigator)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKE).exists()
