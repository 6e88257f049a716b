"""/api/v1/referrals/: create with Idempotency-Key, read with ETag, move with If-Match."""

from __future__ import annotations

import json

import pytest

from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import ServiceIntake
from commonweal.referrals.models import Referral
from commonweal.referrals.tests.referral_fixtures import bearer

URL = "/api/v1/referrals/"


def _body(person, service, **values):
    return {
        "person_id": str(person.pk),
        "service_id": str(service.pk),
        "needs": ["food"],
        "shared_note": "Mornings are best.",
        "private_note": "Internal only.",
        **values,
    }


def _post(client, url, body, auth, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **auth, **headers)


def _move(client, referral_id, body, auth, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return _post(client, f"{URL}{referral_id}/transition", body, auth, **headers)


# --- create ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_then_retry_with_the_same_key(client, person, service, consent, navigator) -> None:
    auth = bearer(navigator)
    first = _post(client, URL, _body(person, service), auth, HTTP_IDEMPOTENCY_KEY="r-1")
    again = _post(client, URL, _body(person, service), auth, HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "requested"
    assert first["ETag"] == '"2"'
    assert first.json()["private_note"] == "Internal only."
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_conflict(
    client, person, service, consent, navigator
) -> None:
    auth = bearer(navigator)
    _post(client, URL, _body(person, service), auth, HTTP_IDEMPOTENCY_KEY="r-1")
    response = _post(
        client, URL, _body(person, service, urgency="urgent"), auth, HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency-key-reused"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "invalid-json"),
        ("[1, 2]", "invalid-json"),
        ({"person_id": "nope", "service_id": "nope", "needs": ["x"]}, "invalid"),
        ("EXTRA", "invalid"),
        ("NEEDS", "invalid"),
        ("NOTE", "invalid"),
        ("SEND", "invalid"),
        ("NUL", "invalid"),
    ],
)
def test_bad_input_is_a_400_with_a_message(
    client, person, service, consent, navigator, body, code
) -> None:
    shapes = {
        "EXTRA": _body(person, service, status="completed"),
        "NEEDS": _body(person, service, needs=[]),
        "NOTE": _body(person, service, shared_note=5),
        "SEND": _body(person, service, send="yes"),
        "NUL": _body(person, service, shared_note="a\x00b"),
    }
    payload = shapes.get(body, body) if isinstance(body, str) else body
    response = _post(client, URL, payload, bearer(navigator))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_bad_idempotency_key_is_a_400(client, person, service, consent, navigator) -> None:
    response = _post(
        client, URL, _body(person, service), bearer(navigator), HTTP_IDEMPOTENCY_KEY="k" * 81
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_without_consent_the_api_refuses(client, person, service, navigator) -> None:
    response = _post(client, URL, _body(person, service), bearer(navigator))
    assert response.status_code == 400
    assert response.json()["code"] == "consent-required"


@pytest.mark.django_db
def test_a_service_not_accepting_referrals_is_refused(
    client, person, service, consent, navigator
) -> None:
    ServiceIntake.objects.filter(service=service).update(accepting_referrals="no")
    response = _post(client, URL, _body(person, service), bearer(navigator))
    assert response.status_code == 400
    assert response.json()["code"] == "not-accepting-referrals"


@pytest.mark.django_db
def test_a_person_outside_the_care_team_is_not_found(
    client, other_person, service, navigator
) -> None:
    response = _post(client, URL, _body(other_person, service), bearer(navigator))
    assert response.status_code == 404


@pytest.mark.django_db
def test_anonymous_callers_are_refused(client, person, service, referral) -> None:
    assert _post(client, URL, _body(person, service), {}).status_code == 401
    assert client.get(f"{URL}{referral.pk}").status_code == 401
    assert client.get(URL).status_code == 401


# --- read and list ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_side_reads_its_view_and_the_read_is_logged(
    client, referral, navigator, other_org_staff
) -> None:
    sender = client.get(f"{URL}{referral.pk}", **bearer(navigator))
    receiver = client.get(f"{URL}{referral.pk}", **bearer(other_org_staff))
    assert sender.status_code == receiver.status_code == 200
    assert sender.json()["private_note"] == "Disclosed past eviction; do not share."
    assert receiver.json()["private_note"] is None
    assert receiver.json()["person_id"] is None
    assert b"Disclosed past eviction" not in receiver.content
    assert receiver["ETag"] == f'"{referral.version}"'
    reads = AuditEvent.objects.filter(action="view", object_id=str(referral.pk))
    assert set(reads.values_list("actor", flat=True)) == {navigator.pk, other_org_staff.pk}


@pytest.mark.django_db
def test_another_organisation_gets_404_everywhere(client, referral, third_staff) -> None:
    auth = bearer(third_staff)
    assert client.get(f"{URL}{referral.pk}", **auth).status_code == 404
    assert _move(client, referral.pk, {"status": "accepted"}, auth, '"2"').status_code == 404
    assert client.get(URL, **auth).json() == []
    assert client.get(f"{URL}?box=received", **auth).json() == []
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000", **auth).status_code == 404


@pytest.mark.django_db
def test_lists_by_box(client, referral, navigator, other_org_staff) -> None:
    sent = client.get(f"{URL}?box=sent", **bearer(navigator)).json()
    received = client.get(f"{URL}?box=received", **bearer(other_org_staff)).json()
    assert [r["id"] for r in sent] == [str(referral.pk)]
    assert [r["id"] for r in received] == [str(referral.pk)]
    assert "Disclosed past eviction" not in json.dumps(received)
    assert client.get(f"{URL}?box=received", **bearer(navigator)).json() == []
    assert client.get(f"{URL}?box=mine", **bearer(navigator)).status_code == 400
    assert client.get(f"{URL}?limit=0", **bearer(navigator)).status_code == 400


# --- transitions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_move_needs_if_match(client, referral, other_org_staff) -> None:
    response = _move(client, referral.pk, {"status": "accepted"}, bearer(other_org_staff))
    assert response.status_code == 428


@pytest.mark.django_db
def test_a_stale_if_match_is_412_and_changes_nothing(client, referral, other_org_staff) -> None:
    response = _move(client, referral.pk, {"status": "accepted"}, bearer(other_org_staff), '"1"')
    assert response.status_code == 412
    assert response.json()["code"] == "stale-version"
    referral.refresh_from_db()
    assert referral.status == "requested"


@pytest.mark.django_db
def test_an_illegal_move_is_409(client, referral, other_org_staff) -> None:
    response = _move(
        client,
        referral.pk,
        {"status": "completed", "outcome": "served"},
        bearer(other_org_staff),
        referral.etag,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal-transition"


@pytest.mark.django_db
def test_the_wrong_side_is_403(client, referral, navigator) -> None:
    response = _move(client, referral.pk, {"status": "accepted"}, bearer(navigator), referral.etag)
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "etag"),
    [
        ({"status": "rejected"}, '"2"'),
        ({"status": "rejected", "reason": "other"}, '"2"'),
        ({"status": "accepted", "colour": "red"}, '"2"'),
        ({"status": 3}, '"2"'),
        ("nope", '"2"'),
        ({"status": "accepted"}, "version two"),
        ({"status": "rejected", "reason": "other", "text": "a\x00b"}, '"2"'),
    ],
)
def test_a_bad_move_is_400(client, referral, other_org_staff, body, etag) -> None:
    response = _move(client, referral.pk, body, bearer(other_org_staff), etag)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.django_db
def test_accept_then_decline_race_and_the_loop_closes(client, referral, other_org_staff) -> None:
    auth = bearer(other_org_staff)
    accepted = _move(client, referral.pk, {"status": "accepted"}, auth, referral.etag)
    assert accepted.status_code == 200 and accepted["ETag"] == '"3"'
    # A colleague still holding version 2 tries to decline: refused, not overwritten.
    late = _move(client, referral.pk, {"status": "rejected", "reason": "no-capacity"}, auth, '"2"')
    assert late.status_code == 412
    appointment = _post(
        client,
        f"{URL}{referral.pk}/appointment",
        {"at": "2030-01-15T10:30:00-05:00"},
        auth,
        HTTP_IF_MATCH='W/"3"',
    )
    assert appointment.status_code == 200, appointment.content
    started = _move(client, referral.pk, {"status": "in-progress"}, auth, appointment["ETag"])
    done = _move(
        client,
        referral.pk,
        {"status": "completed", "outcome": "partially-served", "outcome_note": "Food only"},
        auth,
        started["ETag"],
    )
    assert done.status_code == 200
    assert done.json()["outcome"] == "partially-served"
    assert [e["to_status"] for e in done.json()["events"]][-3:] == [
        "accepted",
        "in-progress",
        "completed",
    ]


@pytest.mark.django_db
def test_a_bad_appointment_time_is_400(client, referral, other_org_staff) -> None:
    response = _post(
        client,
        f"{URL}{referral.pk}/appointment",
        {"at": "next tuesday"},
        bearer(other_org_staff),
        HTTP_IF_MATCH=referral.etag,
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_malformed_id_in_the_path_is_not_a_server_error(client, navigator) -> None:
    response = client.get(f"{URL}not-a-uuid", **bearer(navigator))
    # django-ninja's own validation answer, as for every /api/v1 path parameter.
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "referral_id"]
