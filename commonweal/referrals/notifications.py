"""Emails to staff about a referral: the receiver on send, the sender on the answer.

A message carries only what its reader may see of the referral and no more than it needs:
the service, the organisations, the status (with its reason code or outcome) and a link.
No person's name, no notes (the private note can never be in one), no free text: email
is read on shared screens and forwarded, and the page behind the link checks who is asking
and audit-logs the read. Messages go through the outbox, rendered in each reader's language.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from commonweal.accounts.models import Role
from commonweal.referrals import outbox
from commonweal.referrals.models import Outcome, ReasonCode, Referral
from commonweal.referrals.models import ReferralStatus as S

logger = logging.getLogger(__name__)

# The answers a sender hears about; "received" is only an acknowledgement.
ANSWERS = frozenset({S.ACCEPTED, S.REJECTED, S.COMPLETED})


def site_url() -> str:
    """The address links in messages start with (COMMONWEAL_SITE_URL; the demo's by default)."""
    return str(getattr(settings, "COMMONWEAL_SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def referral_link(referral: Referral) -> str:
    return site_url() + reverse("referral:detail", args=[referral.pk])


def partner_staff_of(organization_id: Any) -> list[Any]:
    """Active partner staff of an organisation who have an email address."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role=Role.PARTNER_STAFF,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def navigators_of(organization_id: Any) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role=Role.NAVIGATOR,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def sender_staff(referral: Referral) -> list[Any]:
    """The navigator who made the referral; their organisation's navigators if they cannot be reached."""
    maker = referral.created_by
    if maker is not None and maker.is_active and maker.email:
        return [maker]
    return navigators_of(referral.from_organization_id)


def on_transition(referral: Referral, from_status: str) -> int:
    """Called by lifecycle after a move's event is written (same transaction); returns how many
    messages were queued."""
    if referral.status == S.REQUESTED:
        return notify_receiver(referral)
    if referral.status in ANSWERS:
        return notify_sender(referral)
    return 0


def _context(referral: Referral) -> dict[str, Any]:
    return {
        "service": referral.service.name,
        "from_organization": referral.from_organization.name,
        "to_organization": referral.to_organization.name,
        "urgency": referral.get_urgency_display(),
        "status": S(referral.status).label,
        "reason": ReasonCode(referral.status_reason).label if referral.status_reason else "",
        "outcome": Outcome(referral.outcome).label if referral.outcome else "",
        "link": referral_link(referral),
        "site_name": getattr(settings, "SITE_NAME", "commonweal"),
    }


def queue_staff(
    referral: Referral, users: list[Any], *, kind: str, template: str, subject: Any, key: str
) -> int:
    queued = 0
    context = _context(referral)
    for user in users:
        language = outbox.language_code(getattr(user, "preferred_language", ""))
        with translation.override(language):
            title = str(subject) % context
        _message, created = outbox.enqueue(
            kind=kind,
            channel=outbox.Channel.EMAIL,
            recipient_kind=outbox.RecipientKind.STAFF,
            to=user.email,
            subject=title,
            body=outbox.render(template, context, language),
            language=language,
            key=f"{key}:user:{user.pk}",
            referral=referral,
        )
        queued += created
    if not users:
        logger.warning(
            "referral %s: nobody to notify for %s (no staff with email)", referral.pk, kind
        )
    return queued


def notify_receiver(referral: Referral) -> int:
    """A new referral arrived: tell the receiving organisation's partner staff."""
    return queue_staff(
        referral,
        partner_staff_of(referral.to_organization_id),
        kind="referral-requested",
        template="referrals/messages/referral_requested.txt",
        subject=_("New referral for %(service)s"),
        key=f"referral:{referral.pk}:requested:v{referral.version}",
    )


def notify_sender(referral: Referral) -> int:
    """The receiver accepted, declined or completed it: tell whoever sent it."""
    return queue_staff(
        referral,
        sender_staff(referral),
        kind=f"referral-{referral.status}",
        template="referrals/messages/referral_answered.txt",
        subject=_("Referral to %(service)s: %(status)s"),
        key=f"referral:{referral.pk}:{referral.status}:v{referral.version}",
    )
