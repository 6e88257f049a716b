"""The programme manager's pages and the public programme page and calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from commonweal.programs import recurrence
from commonweal.programs.models import Cancellation, Programme, Session

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _future_programme(organization, partner_staff):
    from commonweal.programs import schedule

    today = dt.date.today()
    programme = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Health fair",
        kind="health_fair",
        starts_on=today,
        languages=["es"],
    )
    schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=today + dt.timedelta(days=2),
        start_time=dt.time(10, 0),
    )
    return programme


def test_it_lets_partner_staff_publish_a_programme(partner_staff, organization) -> None:
    response = _client(partner_staff).post(
        reverse("programs:programme_create"),
        {
            "organization": str(organization.pk),
            "name": "Family cooking",
            "kind": "cooking_class",
            "starts_on": "2026-03-01",
            "time_zone": "America/New_York",
            "languages": "en, es",
            "is_free": "on",
            "published": "on",
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:programme_manage", args=[programme.pk])
    assert programme.languages == ["en", "es"]


def test_it_refuses_the_programme_form_to_staff_of_no_organisation(navigator) -> None:
    assert _client(navigator).get(reverse("programs:programme_create")).status_code == 403


def test_it_refuses_another_organisations_programme_to_its_staff(
    programme, other_org_staff
) -> None:
    url = reverse("programs:programme_edit", args=[programme.pk])
    response = _client(other_org_staff).post(url, {"name": "Hijacked"})
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.name == "Tuesday support group"


def test_it_shows_a_never_ending_rule_as_an_error_on_its_field(programme, partner_staff) -> None:
    response = _client(partner_staff).post(
        reverse("programs:session_create", args=[programme.pk]),
        {
            "starts_on": "2026-03-03",
            "start_time": "18:00",
            "duration_minutes": "60",
            "rule": "FREQ=WEEKLY",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rule"] == [recurrence.UNBOUNDED]
    assert not Session.objects.exists()


def test_it_cancels_a_meeting_from_the_manager_page(weekly, partner_staff) -> None:
    response = _client(partner_staff).post(
        reverse("programs:occurrence_cancel", args=[weekly.pk]),
        {"occurrence": "2026-03-10T18:00:00"},
    )
    assert response.status_code == 302
    assert Cancellation.objects.get().occurrence == "2026-03-10T18:00:00"


def test_it_refuses_cancelling_to_staff_of_another_organisation(weekly, other_org_staff) -> None:
    response = _client(other_org_staff).post(
        reverse("programs:occurrence_cancel", args=[weekly.pk]),
        {"occurrence": "2026-03-10T18:00:00"},
    )
    assert response.status_code == 403
    assert not Cancellation.objects.exists()


def test_it_shows_the_public_programme_page_in_the_programmes_zone(
    organization, partner_staff, settings
) -> None:
    programme = _future_programme(organization, partner_staff)
    settings.TIME_ZONE = "America/Los_Angeles"  # the site's zone must not move the time
    page = Client().get(reverse("events:programme_detail", args=[programme.pk]))
    assert page.status_code == 200
    assert len(page.context["events"]) == 1
    assert "10:00 AM" in page.content.decode()
    assert "Spanish" in page.content.decode()  # the language's name, not its code


def test_it_hides_an_unpublished_programme_from_the_public(
    programme, partner_staff, other_org_staff
) -> None:
    Programme.objects.filter(pk=programme.pk).update(published=False)
    url = reverse("events:programme_detail", args=[programme.pk])
    assert Client().get(url).status_code == 404
    assert _client(other_org_staff).get(url).status_code == 404
    assert _client(partner_staff).get(url).status_code == 200


def test_the_calendar_lists_and_filters_events(organization, partner_staff) -> None:
    _future_programme(organization, partner_staff)
    url = reverse("events:calendar")
    assert Client().get(url).context["event_count"] == 1
    assert Client().get(url, {"language": "es"}).context["event_count"] == 1
    assert Client().get(url, {"language": "en"}).context["event_count"] == 0
    assert Client().get(url, {"kind": "support_group"}).context["event_count"] == 0
    assert Client().get(url, {"place": "online"}).context["event_count"] == 0
    month = Client().get(url, {"view": "month"})
    assert month.context["weeks"] and month.context["span"].view == "month"


def test_the_calendar_names_a_bad_filter_and_never_fails(organization) -> None:
    response = Client().get(reverse("events:calendar"), {"start": "soon", "kind": "party"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"start", "kind"}


def test_next_events_finds_a_services_next_meetings_skipping_cancelled(
    organization, partner_staff
) -> None:
    from django.utils import timezone

    from commonweal.directory.models import Service
    from commonweal.programs import calendar, schedule

    service = Service.objects.create(organization=organization, name="Parenting help")
    first = dt.date.today() + dt.timedelta(days=1)
    programme = schedule.create_programme(
        organization=organization,
        by=partner_staff,
        name="Parents' circle",
        kind="support_group",
        starts_on=first,
        service=service,
    )
    session = schedule.add_session(
        programme,
        by=partner_staff,
        starts_on=first,
        start_time=dt.time(18, 0),
        rule="FREQ=WEEKLY;COUNT=5",
    )
    schedule.cancel_occurrence(session, occurrence=session.occurrences()[0].key, by=partner_staff)
    found = calendar.next_events(now=timezone.now(), service=service, limit=2)
    assert [e.occurrence.key for e in found] == [o.key for o in session.occurrences()[1:3]]
    other = Service.objects.create(organization=organization, name="Other")
    assert calendar.next_events(now=timezone.now(), service=other) == []


def test_a_meeting_offers_a_reminder_form_filled_with_its_day_and_time(
    organization, partner_staff
) -> None:
    import re

    programme = _future_programme(organization, partner_staff)
    page = Client().get(reverse("events:programme_detail", args=[programme.pk])).content.decode()
    (link,) = re.findall(r'href="(/reminders/\?[^"]+)">Remind me<', page)
    form = Client().get(link.replace("&amp;", "&")).context["form"]
    (event,) = (
        Client().get(reverse("events:programme_detail", args=[programme.pk])).context["events"]
    )
    start = event.occurrence.key
    assert form.initial["kind"] == "session"
    assert form.initial["starts_on"] == start.date()
    assert form.initial["times"] == [start.time()]
