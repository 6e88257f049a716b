from __future__ import annotations

import pytest
from django.urls import reverse

from commonweal.accounts import audit, tokens
from commonweal.accounts.models import ApiToken, AuditEvent, Membership


@pytest.mark.django_db
def test_it_lists_accounts_models_for_a_superuser(client, superuser, navigator) -> None:
    client.force_login(superuser)
    for name in ("user", "membership", "apitoken", "auditevent"):
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200, name


@pytest.mark.django_db
def test_it_refuses_the_admin_to_non_superusers(client, coalition_admin) -> None:
    client.force_login(coalition_admin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_it_shows_a_users_memberships_inline(
    client, superuser, partner_staff, organization
) -> None:
    client.force_login(superuser)
    html = client.get(
        reverse("admin:accounts_user_change", args=[partner_staff.pk])
    ).content.decode()
    assert "memberships-TOTAL_FORMS" in html
    assert Membership.objects.get(user=partner_staff).role in html


@pytest.mark.django_db
def test_it_keeps_the_audit_log_read_only(client, superuser) -> None:
    event = audit.record(
        action=AuditEvent.Action.VIEW, actor=superuser, object_type="x", object_id="1"
    )
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    change = client.post(
        reverse("admin:accounts_auditevent_change", args=[event.pk]), {"action": "delete"}
    )
    assert change.status_code == 403
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.VIEW
    # Viewing is allowed.
    assert (
        client.get(reverse("admin:accounts_auditevent_change", args=[event.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_it_shows_a_token_hash_read_only_and_cannot_mint_tokens(
    client, superuser, navigator
) -> None:
    token, _ = tokens.create_token(user=navigator, name="script")
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    page = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.token_hash in page
    assert 'name="token_hash"' not in page
    client.post(
        reverse("admin:accounts_apitoken_change", args=[token.pk]),
        {"token_hash": "0" * 64, "name": "x"},
    )
    token.refresh_from_db()
    assert token.name == "script" and token.token_hash != "0" * 64


@pytest.mark.django_db
def test_it_revokes_tokens_from_the_admin_with_an_audit_event(client, superuser, navigator) -> None:
    token, _ = tokens.create_token(user=navigator, name="script")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_REVOKE)
    assert event.actor == superuser and event.detail["via"] == "admin"
    assert ApiToken.objects.active().count() == 0
