from __future__ import annotations

import json

import pytest
from django.urls import reverse

from commonweal.accounts.models import AuditEvent

PASSWORD = "correct horse battery staple"


def _everything_stored(event: AuditEvent) -> str:
    return json.dumps({f.name: str(getattr(event, f.attname)) for f in AuditEvent._meta.fields})


@pytest.mark.django_db
def test_it_audits_a_sign_in_with_who_and_where(client, navigator) -> None:
    client.post(reverse("accounts:login"), {"username": "nina.navigator", "password": PASSWORD})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == navigator
    assert event.actor_label == "nina.navigator"
    assert event.ip_address == "127.0.0.1"
    assert PASSWORD not in _everything_stored(event)


@pytest.mark.django_db
def test_it_audits_a_sign_out(client, navigator) -> None:
    client.force_login(navigator)
    client.post(reverse("accounts:logout"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.actor == navigator


@pytest.mark.django_db
def test_it_audits_nothing_for_signing_out_without_a_session(client) -> None:
    client.post(reverse("accounts:logout"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).exists()


@pytest.mark.django_db
def test_it_audits_a_failed_sign_in_to_a_real_account_without_the_password(
    client, navigator
) -> None:
    client.post(
        reverse("accounts:login"), {"username": "nina.navigator", "password": "my secret guess"}
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor is None  # whoever typed it is unknown
    assert (event.object_type, event.object_id) == ("accounts.user", str(navigator.pk))
    assert event.detail == {"username": "nina.navigator", "locked_out": False}
    assert "my secret guess" not in _everything_stored(event)


@pytest.mark.django_db
def test_it_keeps_no_typed_text_for_a_failed_sign_in_to_an_unknown_account(client) -> None:
    # People type passwords into the username box; an unknown name is not stored.
    client.post(
        reverse("accounts:login"), {"username": "Tr0ub4dor&3", "password": "whatever it was"}
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    stored = _everything_stored(event)
    assert "Tr0ub4dor&3" not in stored
    assert "whatever it was" not in stored
    assert event.object_id == ""
    assert event.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_it_marks_failed_sign_ins_that_hit_the_lockout(client, navigator) -> None:
    for n in range(5):
        client.post(
            reverse("accounts:login"), {"username": "nina.navigator", "password": f"guess {n}"}
        )
    flags = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
        .order_by("at", "pk")
        .values_list("detail__locked_out", flat=True)
    )
    assert flags == [False, False, False, False, True]


@pytest.mark.django_db
def test_it_audits_a_resident_sign_up(client) -> None:
    client.post(
        reverse("accounts:sign_up"),
        {
            "username": "rita",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    actions = set(AuditEvent.objects.filter(actor_label="rita").values_list("action", flat=True))
    assert actions == {AuditEvent.Action.CREATE, AuditEvent.Action.LOGIN}


@pytest.mark.django_db
def test_it_audits_a_password_change_without_the_password(client, navigator) -> None:
    client.force_login(navigator)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long phrase 7",
            "new_password2": "another long phrase 7",
        },
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(navigator.pk))
    assert event.detail == {"changed": "password"}
    assert "another long phrase 7" not in _everything_stored(event)
