from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from commonweal.partnerships import meetings, notifications
from commonweal.partnerships.models import PartnerContact
from commonweal.referrals.outbox_models import OutboxMessage

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def admin_with_email(coalition_admin):
    coalition_admin.email = "cora@example.org"
    coalition_admin.save()
    return coalition_admin


@pytest.mark.django_db
def test_coalition_admins_hear_of_an_expiring_agreement_once(
    partner, admin_with_email, partner_staff, settings
) -> None:
    settings.COMMONWEAL_AGREEMENT_WARNING_DAYS = 30
    partner_staff.email = "pat@example.org"
    partner_staff.save()
    partner.agreement_expires_on = TODAY + dt.timedelta(days=20)
    partner.save()
    assert notifications.warn_of_expiring_agreements(TODAY) == 1
    assert notifications.warn_of_expiring_agreements(TODAY) == 0  # the next day's run
    (message,) = OutboxMessage.objects.all()
    assert message.to == "cora@example.org"  # not partner staff
    assert partner.name in message.subject and "in 20 days" in message.body
    # Renewed, then about to lapse again: a new warning.
    partner.agreement_expires_on = TODAY + dt.timedelta(days=10)
    partner.save()
    assert notifications.warn_of_expiring_agreements(TODAY) == 1


@pytest.mark.django_db
def test_no_warning_outside_the_horizon(partner, admin_with_email) -> None:
    assert notifications.warn_of_expiring_agreements(TODAY) == 0  # expires 2030
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_daily_job_is_registered(partner, admin_with_email) -> None:
    import io

    partner.agreement_expires_on = dt.date.today() + dt.timedelta(days=5)
    partner.save()
    call_command("run_periodic", "agreement-expiry", stdout=io.StringIO())
    assert OutboxMessage.objects.filter(kind="agreement-expiry").count() == 1


@pytest.mark.django_db
def test_invitations_go_to_the_invited_partners_contacts_with_the_ics(
    client, partner, other_organization, admin_with_email
) -> None:
    from commonweal.partnerships.models import Partner

    clinic = Partner.objects.create(organization=other_organization, sector="health_care")
    PartnerContact.objects.create(partner=partner, name="Lena", email="lena@example.org")
    PartnerContact.objects.create(partner=partner, name="No mail")
    PartnerContact.objects.create(partner=clinic, name="Not invited", email="x@example.org")
    meeting = meetings.schedule(
        by=admin_with_email,
        title="Steering group",
        day=dt.date(2026, 11, 2),
        start_time=dt.time(10),
        end_time=dt.time(11),
        time_zone="America/New_York",
        place="Northside Hall",
        invited=[partner],
    )
    client.force_login(admin_with_email)
    url = reverse("partnerships:meeting_invite", args=[meeting.pk])
    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)  # twice: still one e-mail
    (message,) = OutboxMessage.objects.all()
    assert message.to == "lena@example.org" and "10:00" in message.body
    (event,) = Calendar.from_ical(message.ics).walk("VEVENT")
    assert event.decoded("sequence") == 0
    # Moved: the update goes out too.
    meetings.update(
        meeting,
        by=admin_with_email,
        title="Steering group",
        day=dt.date(2026, 11, 3),
        start_time=dt.time(10),
        end_time=dt.time(11),
        time_zone="America/New_York",
        place="Northside Hall",
    )
    client.post(url)
    assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_partner_staff_cannot_send_invitations(client, partner, partner_staff) -> None:
    meeting = meetings.schedule(
        by=None,
        title="Steering group",
        day=dt.date(2026, 11, 2),
        start_time=dt.time(10),
        end_time=dt.time(11),
        time_zone="UTC",
        place="Hall",
        invited=[partner],
    )
    PartnerContact.objects.create(partner=partner, name="Lena", email="lena@example.org")
    client.force_login(partner_staff)
    assert client.post(reverse("partnerships:meeting_invite", args=[meeting.pk])).status_code == 403
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_day_before_reminder_goes_once_to_each_invited_contact(
    partner, admin_with_email
) -> None:
    from django.utils import timezone

    PartnerContact.objects.create(partner=partner, name="Lena", email="lena@example.org")
    from commonweal.partnerships.models import Attendance, Meeting

    soon = timezone.now() + dt.timedelta(hours=20)
    meeting = Meeting.objects.create(
        title="Steering group",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=1),
        time_zone="UTC",
        place="Hall",
    )
    Attendance.objects.create(meeting=meeting, partner=partner)
    later = meetings.schedule(
        by=admin_with_email,
        title="Next month",
        day=(timezone.now() + dt.timedelta(days=30)).date(),
        start_time=dt.time(10),
        end_time=dt.time(11),
        time_zone="UTC",
        place="Hall",
        invited=[partner],
    )
    assert notifications.remind_of_meetings() == 1
    assert notifications.remind_of_meetings() == 0  # the next run, fifteen minutes on
    (message,) = OutboxMessage.objects.all()
    assert message.kind == "meeting-reminder" and message.body.startswith("Reminder: Steering")
    assert str(meeting.pk) in message.idempotency_key and str(later.pk) not in message.body
