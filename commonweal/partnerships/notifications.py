"""E-mails of the partnership workspace, through the referrals outbox (sent by the worker,
once per key): agreement-expiry warnings to coalition admins, meeting invitations to the
invited partners' contacts. No person data: partners, agreements and meetings only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from commonweal import policy
from commonweal.partnerships import agreements, ical
from commonweal.partnerships.meetings import local_times
from commonweal.partnerships.models import Meeting, Partner, PartnerContact
from commonweal.referrals import outbox


def warn_of_expiring_agreements(today: dt.date | None = None) -> int:
    """The daily job: each expiring or expired agreement, e-mailed once to every coalition
    admin (again only if its expiry date changes). Returns how many e-mails were queued."""
    today = today or timezone.localdate()
    found = agreements.warnings(
        Partner.objects.active().with_organization(),
        today=today,
        horizon=agreements.horizon_days(),
    )
    queued = 0
    for warning in found:
        link = settings.COMMONWEAL_SITE_URL + warning.partner.get_absolute_url()
        for user in policy.workspace_managers():
            language = outbox.language_code(user.preferred_language)
            with override(language):
                subject = _("%(kind)s of %(partner)s: expires %(date)s") % {
                    "kind": warning.kind_label,
                    "partner": warning.partner.name,
                    "date": warning.state.expires_on.isoformat(),
                }
            context = {
                "warning": warning,
                "partner": warning.partner.name,
                "link": link,
                "site_name": settings.SITE_NAME,
            }
            _message, created = outbox.enqueue(
                kind="agreement-expiry",
                channel=outbox.Channel.EMAIL,
                recipient_kind=outbox.RecipientKind.STAFF,
                to=user.email,
                subject=subject,
                body=outbox.render("partnerships/messages/agreement_expiry.txt", context, language),
                language=language,
                key=(
                    f"agreement-expiry:{warning.partner.pk}:{warning.kind}:"
                    f"{warning.state.expires_on}:{warning.state.level.value}:user:{user.pk}"
                ),
            )
            queued += created
    return queued


def invitees(meeting: Meeting) -> list[PartnerContact]:
    """The contacts (with an e-mail) of the partners invited to `meeting`."""
    return list(
        PartnerContact.objects.filter(partner__attendance__meeting=meeting)
        .exclude(email="")
        .select_related("partner__organization")
        .order_by("partner__organization__name", "name")
    )


def send_invitations(meeting: Meeting, *, by: Any) -> int:
    """E-mail the invitation (an update once it changed, a cancellation once cancelled), with
    its .ics, to every invited partner's contacts; once per contact and SEQUENCE."""
    contacts = invitees(meeting)
    link = settings.COMMONWEAL_SITE_URL + meeting.get_absolute_url()
    calendar = ical.invitation(
        meeting, url=link, attendees=[(c.name, c.email) for c in contacts]
    ).decode()
    starts, ends = local_times(meeting)
    queued = 0
    for contact in contacts:
        language = outbox.language_code(getattr(contact.user, "preferred_language", ""))
        with override(language):
            subject = _("Meeting: %(title)s, %(when)s") % {
                "title": meeting.title,
                "when": starts.strftime("%Y-%m-%d %H:%M"),
            }
        context = {
            "meeting": meeting,
            "starts": starts,
            "ends": ends,
            "link": link,
            "site_name": settings.SITE_NAME,
        }
        _message, created = outbox.enqueue(
            kind="meeting-invitation",
            channel=outbox.Channel.EMAIL,
            recipient_kind=outbox.RecipientKind.STAFF,
            to=contact.email,
            subject=subject,
            body=outbox.render("partnerships/messages/meeting_invitation.txt", context, language),
            language=language,
            ics=calendar,
            key=f"meeting-invitation:{meeting.pk}:{meeting.sequence}:contact:{contact.pk}",
        )
        queued += created
    return queued


# How long before a meeting its reminder goes out. The job runs every 15 minutes and queues
# the reminders of meetings starting within this window, so a meeting moved or cancelled
# before then never has a stale reminder waiting.
REMINDER_AHEAD = dt.timedelta(hours=24)


def remind_of_meetings(now: dt.datetime | None = None) -> int:
    """The periodic job: the day-before reminder of each scheduled meeting, once per
    contact and version of the meeting. Returns how many e-mails were queued."""
    now = now or timezone.now()
    soon = Meeting.objects.filter(
        status="scheduled", starts_at__gt=now, starts_at__lte=now + REMINDER_AHEAD
    )
    queued = 0
    for meeting in soon:
        link = settings.COMMONWEAL_SITE_URL + meeting.get_absolute_url()
        starts, ends = local_times(meeting)
        for contact in invitees(meeting):
            language = outbox.language_code(getattr(contact.user, "preferred_language", ""))
            with override(language):
                subject = _("Reminder: %(title)s, %(when)s") % {
                    "title": meeting.title,
                    "when": starts.strftime("%Y-%m-%d %H:%M"),
                }
            context = {
                "meeting": meeting,
                "starts": starts,
                "ends": ends,
                "link": link,
                "site_name": settings.SITE_NAME,
                "reminder": True,
            }
            _message, created = outbox.enqueue(
                kind="meeting-reminder",
                channel=outbox.Channel.EMAIL,
                recipient_kind=outbox.RecipientKind.STAFF,
                to=contact.email,
                subject=subject,
                body=outbox.render(
                    "partnerships/messages/meeting_invitation.txt", context, language
                ),
                language=language,
                key=f"meeting-reminder:{meeting.pk}:{meeting.sequence}:contact:{contact.pk}",
            )
            queued += created
    return queued
