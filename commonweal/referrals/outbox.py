"""The outbox: store a message in the caller's transaction, deliver it later from the worker.

`enqueue` writes an OutboxMessage (rendered already, in the recipient's language) and, once
the caller's transaction commits, asks the task worker to deliver. `deliver_due` is what the
worker runs: it claims due rows, sends each through Django's email backend or lib/sms.py,
and records the answer.

**At most one send per message.** A row is claimed (status "sending", `claimed_at`) before
the provider is called and marked "sent" right after. If the worker dies in between, the
row stays "sending"; once its lease (`OUTBOX_LEASE_SECONDS`) has passed it becomes
"unknown" and is **never resent automatically**: neither SMTP nor Twilio's Messages API
lets a client send "the same message again" without it arriving twice, so a person checks
the provider's log and calls `resend` if it did not go out. A provider that *refuses* or
cannot be reached did not take the message: that row is retried with exponential backoff
(`OUTBOX_RETRY_BASE_SECONDS` doubled each time, at most `OUTBOX_MAX_ATTEMPTS` attempts).

Recipients are person data: logs and `last_error` name the message id and kind, never `to`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from commonweal.lib import sms
from commonweal.referrals.outbox_models import (
    Channel,
    OutboxMessage,
    OutboxStatus,
    RecipientKind,
)

logger = logging.getLogger(__name__)

EMAIL_TIMEOUT_SECONDS = 10  # Django's SMTP default is no timeout: a hung server would hang us
MAX_BACKOFF = dt.timedelta(hours=6)
ICS_FILENAME = "appointment.ics"

__all__ = [
    "Channel",
    "OutboxMessage",
    "OutboxStatus",
    "RecipientKind",
    "Report",
    "deliver_due",
    "enqueue",
    "render",
    "resend",
    "unsubscribe_headers",
]


def _int_setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def lease() -> dt.timedelta:
    """How long a claimed row may stay "sending" before it is presumed dead (> send timeout)."""
    return dt.timedelta(seconds=_int_setting("OUTBOX_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return max(1, _int_setting("OUTBOX_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2×base, 4×base … (capped)."""
    base = _int_setting("OUTBOX_RETRY_BASE_SECONDS", 60)
    return min(dt.timedelta(seconds=base * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def language_code(value: str | None) -> str:
    """One of settings.LANGUAGES for a stored preference ("es", "es-MX", "Spanish"), else the default."""
    known = {code for code, _name in settings.LANGUAGES}
    text = (value or "").strip().lower().replace("_", "-")
    names = {"english": "en", "spanish": "es", "español": "es", "espanol": "es"}
    code = names.get(text, text.split("-")[0])
    return code if code in known else settings.LANGUAGE_CODE


def render(template: str, context: dict[str, Any], language: str) -> str:
    """A message template rendered in `language` (dates and numbers too)."""
    with translation.override(language):
        return render_to_string(template, context).strip()


def enqueue(
    *,
    kind: str,
    channel: str,
    recipient_kind: str,
    to: str,
    body: str,
    key: str,
    subject: str = "",
    language: str = "",
    ics: str = "",
    headers: dict[str, str] | None = None,
    referral: Any = None,
    send_after: dt.datetime | None = None,
) -> tuple[OutboxMessage, bool]:
    """Store a message to send (once per `key`); returns (message, created).

    Call it inside the transaction that makes the change the message is about: if that
    rolls back, nothing is sent. The worker is asked to deliver after the commit."""
    if channel not in Channel.values or recipient_kind not in RecipientKind.values:
        raise ValueError(f"unknown channel or recipient kind: {channel}/{recipient_kind}")
    due = send_after or timezone.now()
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.status == OutboxStatus.CANCELLED:
            # Never sent, so the same key may live again (an appointment moved back).
            revived = OutboxMessage.objects.filter(
                pk=existing.pk, status=OutboxStatus.CANCELLED
            ).update(
                status=OutboxStatus.PENDING,
                to=to,
                subject=subject[:200],
                body=body,
                language=language,
                ics=ics,
                headers=headers or {},
                attempts=0,
                next_attempt_at=due,
            )
            if revived:
                existing.refresh_from_db()
                return existing, True
        return existing, False
    try:
        with transaction.atomic():  # a savepoint: a racing duplicate must not spoil the caller
            message = OutboxMessage.objects.create(
                kind=kind,
                channel=channel,
                recipient_kind=recipient_kind,
                to=to,
                subject=subject[:200],
                body=body,
                language=language,
                ics=ics,
                headers=headers or {},
                idempotency_key=key,
                referral=referral,
                next_attempt_at=due,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(idempotency_key=key), False
    if due <= timezone.now():
        # Later rows are picked up by the every-minute delivery job instead.
        transaction.on_commit(_ask_worker)
    return message, True


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers of an email one can leave in one click (RFC 2369 List-Unsubscribe, RFC 8058
    List-Unsubscribe-Post): mail apps show an "Unsubscribe" button that POSTs to `url` with
    the body "List-Unsubscribe=One-Click", without a cookie or a CSRF token. `url` must be
    https in production, act on that POST at once and only on a POST (a GET must change
    nothing: scanners open links)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _ask_worker() -> None:
    from commonweal.referrals import tasks

    try:
        tasks.deliver_outbox.enqueue()
    except Exception:  # the periodic job delivers it anyway; the change itself is committed
        logger.exception("could not enqueue the outbox delivery task")


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unknown: int = 0
    cancelled: int = 0
    ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def deliver_due(*, now: dt.datetime | None = None, limit: int = 50) -> Report:
    """Send what is due: presume dead claims unknown, then claim and send one row at a time.

    One at a time, so that a worker killed mid-batch leaves only the message it was sending
    in doubt ("unknown"); the rest are still pending for the next worker. Claiming the
    whole batch first would leave every one of them "sending", then "unknown", never sent
    (tests/system/test_faults_worker.py)."""
    now = now or timezone.now()
    report = Report(unknown=_expire_stale_claims(now))
    for _ in range(limit):
        taken = claim(now=now, limit=1)
        if not taken:
            break
        message = taken[0]
        outcome = _deliver(message, now)
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.ids.append(str(message.pk))
    return report


def _expire_stale_claims(now: dt.datetime) -> int:
    stale = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - lease())
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    count = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.UNKNOWN,
        last_error="The worker stopped while sending; it may have gone out. Check before resending.",
    )
    logger.warning(
        "outbox: %d message(s) were mid-send when a worker stopped; marked unknown: %s",
        count,
        ", ".join(str(pk) for pk in ids),
    )
    return count


def claim(*, now: dt.datetime, limit: int = 50) -> list[OutboxMessage]:
    """Take due pending rows for this worker: no other worker can take the same row."""
    due = OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "created_at")
    taken = {"status": OutboxStatus.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another worker is claiming right now are skipped, not waited on.
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(**taken)
    else:
        # SQLite: a conditional UPDATE per row; only one worker's UPDATE can match "pending".
        ids = [
            pk
            for pk in due.values_list("pk", flat=True)[:limit]
            if OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(**taken)
        ]
    return list(OutboxMessage.objects.filter(pk__in=ids).order_by("next_attempt_at"))


def _deliver(message: OutboxMessage, now: dt.datetime) -> str:
    if _withdrawn(message):
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.CANCELLED, claimed_at=None
        )
        logger.info("outbox: %s %s withdrawn before sending", message.kind, message.pk)
        return "cancelled"
    try:
        send_now(message)
    except Exception as error:  # the provider refused or was unreachable: not sent
        return _record_failure(message, error, now)
    mark_sent(message)
    logger.info("outbox: sent %s %s by %s", message.kind, message.pk, message.channel)
    return "sent"


# Personal reminders (programs/personal_reminders.py) are checked once more just before
# sending: a STOP, a pause or a lapsed consent since the row was queued must win.
WITHDRAWABLE_KINDS = frozenset({"personal-reminder", "personal-reminder-confirm"})


def _withdrawn(message: OutboxMessage) -> bool:
    if message.kind not in WITHDRAWABLE_KINDS:
        return False
    from commonweal.programs import personal_reminders

    return not personal_reminders.still_wanted(message)


def send_now(message: OutboxMessage) -> None:
    """Hand one message to its provider; raises when the provider did not take it."""
    if message.channel == Channel.SMS:
        sms.send(message.to, message.body)
        return
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=message.headers or None,
        connection=get_connection(fail_silently=False, timeout=EMAIL_TIMEOUT_SECONDS),
    )
    if message.ics:
        email.attach(ICS_FILENAME, message.ics, "text/calendar; method=PUBLISH; charset=utf-8")
    email.send(fail_silently=False)


def mark_sent(message: OutboxMessage) -> None:
    # "unknown" too: a slow provider can answer after the lease ran out, and now we know.
    OutboxMessage.objects.filter(
        pk=message.pk, status__in=[OutboxStatus.SENDING, OutboxStatus.UNKNOWN]
    ).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")


def _safe_error(error: Exception) -> str:
    # SmsError messages are written to be shown (no number); any other exception text
    # (SMTPRecipientsRefused, for one) can repeat the address, so only its type is kept.
    if isinstance(error, sms.SmsError):
        return str(error)[:300]
    return type(error).__name__


def _record_failure(message: OutboxMessage, error: Exception, now: dt.datetime) -> str:
    attempts = message.attempts  # already counted by the claim
    reason = _safe_error(error)
    if attempts >= max_attempts():
        values: dict[str, Any] = {"status": OutboxStatus.FAILED}
        outcome = "failed"
    else:
        values = {"status": OutboxStatus.PENDING, "next_attempt_at": now + backoff(attempts)}
        outcome = "retrying"
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
        last_error=reason, claimed_at=None, **values
    )
    logger.warning(
        "outbox: %s %s attempt %d failed (%s); %s",
        message.kind,
        message.pk,
        attempts,
        reason,
        outcome,
    )
    return outcome


def resend(message: OutboxMessage) -> bool:
    """Put an "unknown" or "failed" message back in the queue, after a person checked that
    it did not go out. Returns False when it was in any other state."""
    updated = OutboxMessage.objects.filter(
        pk=message.pk, status__in=[OutboxStatus.UNKNOWN, OutboxStatus.FAILED]
    ).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        claimed_at=None,
        next_attempt_at=timezone.now(),
    )
    if updated:
        transaction.on_commit(_ask_worker)
    return bool(updated)


def cancel_pending(*, referral: Any, kind: str, keep_key: str | None = None) -> int:
    """Cancel messages of this kind still waiting for this referral (e.g. a moved appointment)."""
    pending = OutboxMessage.objects.filter(
        referral=referral, kind=kind, status=OutboxStatus.PENDING
    )
    if keep_key:
        pending = pending.exclude(idempotency_key=keep_key)
    return pending.update(status=OutboxStatus.CANCELLED)
