"""Overdue follow-up: a sent referral nobody answers reminds the receiver, then alerts the sender.

After `REFERRAL_NO_RESPONSE_DAYS` business days (Monday to Friday, counted in the site's
time zone from the day it was sent) still "requested" or "received", the receiving
organisation's partner staff get a reminder; after as many business days again, the
navigator who sent it gets an alert. Each stage goes out once per referral and recipient
(the outbox key), however often the hourly job runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonweal.referrals import notifications
from commonweal.referrals.models import Referral
from commonweal.referrals.models import ReferralStatus as S

AWAITING_REPLY = (S.REQUESTED, S.RECEIVED)
RECEIVER_STAGE, SENDER_STAGE = "receiver", "sender"


@dataclass
class Summary:
    receiver_reminders: int = 0
    sender_alerts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def no_response_days() -> int:
    return max(1, int(getattr(settings, "REFERRAL_NO_RESPONSE_DAYS", 3)))


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after `start` up to and including `end` (0 when end is not after start)."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    days = whole_weeks * 5
    for offset in range(1, extra + 1):
        if (start + dt.timedelta(days=offset)).weekday() < 5:
            days += 1
    return days


def stage_due(referral: Referral, now: dt.datetime) -> str | None:
    """Which stage this referral has reached now (the later one wins), if any."""
    if referral.status not in AWAITING_REPLY or referral.sent_at is None:
        return None
    zone = timezone.get_default_timezone()
    waited = business_days_between(
        referral.sent_at.astimezone(zone).date(), now.astimezone(zone).date()
    )
    if waited >= 2 * no_response_days():
        return SENDER_STAGE
    if waited >= no_response_days():
        return RECEIVER_STAGE
    return None


def check_overdue(*, now: dt.datetime | None = None) -> Summary:
    """The hourly job: queue each reminder and alert that is due and not yet queued."""
    now = now or timezone.now()
    summary = Summary()
    # Business days are at least calendar days, so older-than-N-days narrows the scan.
    waiting = Referral.objects.filter(
        status__in=AWAITING_REPLY,
        sent_at__lte=now - dt.timedelta(days=no_response_days()),
    ).select_related("service", "from_organization", "to_organization", "created_by")
    for referral in waiting:
        stage = stage_due(referral, now)
        if stage is None:
            continue
        # The receiver's reminder first, even when the job first sees the referral late.
        summary.receiver_reminders += _remind_receiver(referral)
        if stage == SENDER_STAGE:
            summary.sender_alerts += _alert_sender(referral)
    return summary


def _remind_receiver(referral: Referral) -> int:
    return notifications.queue_staff(
        referral,
        notifications.partner_staff_of(referral.to_organization_id),
        kind="overdue-receiver",
        template="referrals/messages/overdue_receiver.txt",
        subject=_("Waiting for your answer: a referral for %(service)s"),
        key=f"overdue:{referral.pk}:{RECEIVER_STAGE}",
    )


def _alert_sender(referral: Referral) -> int:
    return notifications.queue_staff(
        referral,
        notifications.sender_staff(referral),
        kind="overdue-sender",
        template="referrals/messages/overdue_sender.txt",
        subject=_("No answer yet: your referral to %(service)s"),
        key=f"overdue:{referral.pk}:{SENDER_STAGE}",
    )
