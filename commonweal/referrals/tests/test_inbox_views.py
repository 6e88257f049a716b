"""The partner inbox and the receiver's side of a referral: only their own, never the
private note, only the moves the state machine allows, stale forms answered clearly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.referrals.models import Referral
from commonweal.referrals.tests.referral_fixtures import refer

INBOX = reverse("referral:inbox")


def _detail(referral):
    return reverse("referral:detail", args=[referral.pk])


def _move(client, referral, version=None, **data):
    referral.refresh_from_db()
    data.setdefault("version", referral.version if version is None else version)
    return client.post(reverse("referral:move", args=[referral.pk]), data)


@pytest.mark.django_db
def test_the_inbox_lists_referrals_to_my_organisation_and_logs_the_read(
    client, other_org_staff, referral
) -> None:
    client.force_login(other_org_staff)
    response = client.get(INBOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert _detail(referral) in html and "Maria Lopez" in html
    event = AuditEvent.objects.filter(object_id="list").latest("at")
    assert event.detail["referrals"] == [str(referral.pk)]


@pytest.mark.django_db
def test_the_inbox_filters_by_status_and_ignores_odd_filters(
    client, other_org_staff, referral
) -> None:
    client.force_login(other_org_staff)
    assert _detail(referral) in client.get(INBOX, {"status": "requested"}).content.decode()
    assert _detail(referral) not in client.get(INBOX, {"status": "completed"}).content.decode()
    for odd in ("<script>", "draft", "x" * 500):
        response = client.get(INBOX, {"status": odd, "page": "-1"})
        assert response.status_code == 200


@pytest.mark.django_db
def test_drafts_never_reach_the_receiver(
    client, navigator, other_org_staff, person, service, consent
) -> None:
    draft = refer(person, service, navigator, send=False).referral
    client.force_login(other_org_staff)
    assert _detail(draft) not in client.get(INBOX, {"status": "all"}).content.decode()
    assert client.get(_detail(draft)).status_code == 404


@pytest.mark.django_db
def test_another_organisation_gets_404_and_an_empty_inbox(client, third_staff, referral) -> None:
    client.force_login(third_staff)
    assert client.get(_detail(referral)).status_code == 404
    assert _detail(referral) not in client.get(INBOX, {"status": "all"}).content.decode()
    assert _move(client, referral, status="accepted").status_code == 404
    response = client.post(
        reverse("referral:appointment", args=[referral.pk]),
        {"version": 2, "day": "2030-01-15", "time": "10:30"},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "requested"


@pytest.mark.django_db
def test_the_private_note_never_appears_on_the_receivers_pages(
    client, other_org_staff, referral
) -> None:
    client.force_login(other_org_staff)
    pages = [
        client.get(INBOX),
        client.get(_detail(referral)),
        _move(client, referral, version=99, status="accepted"),
    ]
    for response in pages:
        html = response.content.decode()
        assert "Disclosed past eviction" not in html
        assert "Private note" not in html
        assert str(referral.person_id) not in html
        assert referral.status_code not in html


@pytest.mark.django_db
def test_the_receiver_accepts_schedules_and_completes(client, other_org_staff, referral) -> None:
    client.force_login(other_org_staff)
    html = client.get(_detail(referral)).content.decode()
    assert "Accept" in html and "Decline" in html
    assert "Complete with an outcome" not in html  # not allowed from "requested"
    assert "Prefers mornings." in html  # the shared note
    assert _move(client, referral, status="received").status_code == 302
    assert _move(client, referral, status="accepted").status_code == 302
    referral.refresh_from_db()
    response = client.post(
        reverse("referral:appointment", args=[referral.pk]),
        {"version": referral.version, "day": "2030-01-15", "time": "10:30"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.appointment_at is not None
    assert _move(client, referral, status="in-progress").status_code == 302
    assert _move(client, referral, status="on-hold").status_code == 302
    assert _move(client, referral, status="in-progress").status_code == 302
    assert _move(client, referral, status="completed").status_code == 400  # needs an outcome
    response = _move(client, referral, status="completed", outcome="served")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.outcome == "served"
    html = client.get(_detail(referral)).content.decode()
    assert "What you can do" not in html  # a closed loop offers no moves


@pytest.mark.django_db
def test_declining_needs_a_reason_code_and_other_needs_text(
    client, other_org_staff, referral
) -> None:
    client.force_login(other_org_staff)
    assert _move(client, referral, status="rejected").status_code == 400
    response = _move(client, referral, status="rejected", reason="other")
    assert response.status_code == 400 and "other" in response.content.decode()
    response = _move(client, referral, status="rejected", reason="no-capacity", text="Full")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "rejected" and referral.status_reason == "no-capacity"


@pytest.mark.django_db
def test_a_stale_form_says_someone_else_changed_it_and_shows_the_current_state(
    client, other_org_staff, referral
) -> None:
    client.force_login(other_org_staff)
    old_version = Referral.objects.get(pk=referral.pk).version
    assert _move(client, referral, status="accepted").status_code == 302
    response = _move(client, referral, version=old_version, status="rejected", reason="duplicate")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this referral" in html
    assert "Accepted" in html
    referral.refresh_from_db()
    assert referral.status == "accepted"


@pytest.mark.django_db
def test_illegal_and_wrong_side_moves_are_clear_errors(
    client, navigator, other_org_staff, referral
) -> None:
    client.force_login(other_org_staff)
    response = _move(client, referral, status="completed", outcome="served")
    assert response.status_code == 400  # requested → completed does not exist
    client.force_login(navigator)
    response = _move(client, referral, status="accepted")
    assert response.status_code == 403
    assert "Only the receiving organisation" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "requested"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "accepted", "version": "abc"},
        {"status": "nonsense", "version": "2"},
        {"status": "accepted", "version": "2", "text": "a\x00b", "reason": ""},
        {"status": "rejected", "version": "2", "reason": "made-up"},
    ],
)
def test_odd_move_posts_are_never_a_server_error(client, other_org_staff, referral, data) -> None:
    client.force_login(other_org_staff)
    response = client.post(reverse("referral:move", args=[referral.pk]), data)
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "requested"


@pytest.mark.django_db
def test_odd_appointment_posts_are_clear_errors(client, other_org_staff, referral) -> None:
    client.force_login(other_org_staff)
    url = reverse("referral:appointment", args=[referral.pk])
    assert client.post(url, {"version": 2, "day": "2030-01-15", "time": "10:30"}).status_code == 400
    for data in ({"version": "x"}, {"version": 2, "day": "soon", "time": "25:99"}, {"version": 2}):
        assert client.post(url, data).status_code == 400
    assert client.get(url).status_code == 405
