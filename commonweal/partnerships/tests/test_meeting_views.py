from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from commonweal.partnerships.models import Meeting, PartnerContact, PlanTask, Strategy

NEW = {
    "title": "Steering group",
    "day": "2027-03-15",
    "start_time": "10:00",
    "end_time": "11:30",
    "time_zone": "America/Chicago",
    "place": "Northside Hall",
    "agenda": "Food security",
}


@pytest.mark.django_db
def test_a_coalition_admin_schedules_a_meeting_in_a_time_zone(
    client, coalition_admin, partner
) -> None:
    client.force_login(coalition_admin)
    response = client.post(
        reverse("partnerships:meeting_create"), {**NEW, "invited": [str(partner.pk)]}
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.starts_at == dt.datetime(2027, 3, 15, 15, tzinfo=dt.UTC)  # 10:00 CDT
    html = client.get(meeting.get_absolute_url()).content.decode()
    # Shown at the wall-clock time it was planned at, with its zone.
    assert "Mon 15 Mar 2027, 10:00" in html and "11:30" in html and "America/Chicago" in html
    assert partner.name in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "America/Springfield"}, "time_zone"),
        ({"end_time": "09:00"}, "end_time"),
        ({"place": ""}, "place"),
        ({"day": "2027-03-14", "start_time": "02:15", "end_time": "04:00"}, "start_time"),
    ],
)
def test_a_bad_meeting_names_its_field_and_saves_nothing(
    client, coalition_admin, change, field
) -> None:
    client.force_login(coalition_admin)
    response = client.post(reverse("partnerships:meeting_create"), {**NEW, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Meeting.objects.exists()


@pytest.fixture
def meeting(coalition_admin, partner):
    from commonweal.partnerships import meetings

    return meetings.schedule(
        by=coalition_admin,
        title="Steering group",
        day=dt.date(2026, 11, 2),
        start_time=dt.time(10),
        end_time=dt.time(11),
        time_zone="America/New_York",
        video_url="https://meet.example.org/steering",
        invited=[partner],
    )


@pytest.mark.django_db
def test_members_download_the_invitation(client, meeting, partner, navigator, resident) -> None:
    PartnerContact.objects.create(
        partner=partner, name="Lena Ortiz", email="lena@example.org", is_primary=True
    )
    url = reverse("partnerships:meeting_ics", args=[meeting.pk])
    client.force_login(navigator)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2026, 11, 2, 15, tzinfo=dt.UTC
    )
    assert str(event["attendee"]) == "mailto:lena@example.org"
    client.force_login(resident)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_minutes_attendance_decisions_and_action_items(
    client, coalition_admin, meeting, partner
) -> None:
    client.force_login(coalition_admin)
    client.post(
        reverse("partnerships:meeting_attendance", args=[meeting.pk]),
        {"present": [str(partner.pk)]},
    )
    client.post(
        reverse("partnerships:decision_create", args=[meeting.pk]),
        {"text": "Open a Saturday pantry"},
    )
    strategy = Strategy.objects.create(title="Weekend food")
    client.post(
        reverse("partnerships:action_item_create", args=[meeting.pk]),
        {
            "strategy": str(strategy.pk),
            "title": "Find volunteers",
            "owner": str(partner.pk),
            "responsible": "Lena",
            "due_date": "2026-12-01",
        },
    )
    edit = reverse("partnerships:meeting_edit", args=[meeting.pk])
    form = client.get(edit).context["form"]
    assert form.initial["start_time"] == dt.time(10)  # the wall clock, not UTC
    client.post(
        edit,
        {
            **{k: v for k, v in form.initial.items() if v is not None and k != "invited"},
            "invited": [str(partner.pk)],
            "day": "2026-11-02",
            "start_time": "10:00",
            "end_time": "11:00",
            "status": "held",
            "minutes": "Twelve partners came.",
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.minutes == "Twelve partners came."
    assert meeting.sequence == 1  # held: calendars are told
    task = PlanTask.objects.get()
    assert task.meeting == meeting and task.strategy == strategy
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "present" in html and "Open a Saturday pantry" in html and "Find volunteers" in html


@pytest.mark.django_db
def test_partner_staff_read_meetings_but_change_nothing(
    client, meeting, partner_staff, other_org_staff
) -> None:
    client.force_login(partner_staff)
    assert client.get(reverse("partnerships:meeting_list")).status_code == 200
    assert client.get(meeting.get_absolute_url()).status_code == 200
    for name in ("meeting_edit", "meeting_attendance", "decision_create", "action_item_create"):
        url = reverse(f"partnerships:{name}", args=[meeting.pk])
        assert client.post(url, {}).status_code == 403, name
    client.force_login(other_org_staff)
    assert client.get(meeting.get_absolute_url()).status_code == 403
