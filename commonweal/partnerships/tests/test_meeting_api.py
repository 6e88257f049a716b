from __future__ import annotations

import pytest

from commonweal.partnerships.models import Meeting, PlanTask, Strategy
from commonweal.partnerships.tests.test_api import _bearer, _send

API = "/api/v1/partnership/meetings"
BODY = {
    "title": "Steering group",
    "day": "2026-11-02",
    "start_time": "10:00",
    "end_time": "11:30",
    "time_zone": "America/New_York",
    "video_url": "https://meet.example.org/steering",
}


@pytest.mark.django_db
def test_a_meeting_goes_out_on_its_own_wall_clock(client, coalition_admin, partner) -> None:
    created = _send(
        client, "POST", API, coalition_admin, {**BODY, "invited_partner_ids": [str(partner.pk)]}
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert meeting["starts_at"] == "2026-11-02T10:00:00-05:00"
    assert meeting["time_zone"] == "America/New_York"
    assert meeting["attendance"] == [
        {"partner_id": str(partner.pk), "partner_name": partner.name, "present": False}
    ]
    strategy = Strategy.objects.create(title="Rides")
    item = _send(
        client,
        "POST",
        f"{API}/{meeting['id']}/action-items",
        coalition_admin,
        {
            "strategy_id": str(strategy.pk),
            "title": "Ask the transit agency",
            "owner_id": str(partner.pk),
            "responsible": "Lena",
            "due_date": "2026-12-01",
        },
    )
    assert item.status_code == 201, item.content
    read = client.get(f"{API}/{meeting['id']}", **_bearer(coalition_admin)).json()
    assert read["action_item_ids"] == [item.json()["id"]]
    assert PlanTask.objects.get().meeting_id is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Atlantis/Capital"}, "time_zone"),
        ({"end_time": "09:59"}, "end_time"),
        ({"video_url": ""}, "place"),
        ({"start_time": "25:00"}, "start_time"),
        ({"invited_partner_ids": ["nobody"]}, "invited_partner_ids"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    client, coalition_admin, change, field
) -> None:
    response = _send(client, "POST", API, coalition_admin, {**BODY, **change})
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_members_read_and_only_coalition_admins_schedule(
    client, partner, partner_staff, other_org_staff
) -> None:
    assert client.get(API, **_bearer(partner_staff)).status_code == 200
    assert client.get(API, **_bearer(other_org_staff)).status_code == 403
    assert _send(client, "POST", API, partner_staff, BODY).status_code == 403
    assert not Meeting.objects.exists()
