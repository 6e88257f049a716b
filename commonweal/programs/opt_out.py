"""The reminder opt-out list: an address that said STOP gets no reminder, from that moment.

By address, not by plan: "STOP" to a text means *no more texts from us*, whichever plan
sent it (CTIA's Messaging Principles and Best Practices: an opt-out ends every message of
the program). Addresses are kept as a keyed hash (HMAC-SHA256 with a key derived from
SECRET_KEY), so the list can be checked without holding anyone's number or email.

Opting out cancels, in the same transaction, every reminder already waiting in the outbox
for that address; the outbox checks the list again just before it sends (outbox.py), so a
message the worker has not yet claimed never goes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from commonweal.programs.reminder_models import OptOutSource, ReminderOptOut, ReminderPlan
from commonweal.referrals.outbox_models import OutboxMessage, OutboxStatus

HASH_SALT = "commonweal.programs.reminders.address"
KIND = "personal-reminder"
CONFIRM_KIND = "personal-reminder-confirm"
KINDS = (KIND, CONFIRM_KIND)


def address_hash(address: str) -> str:
    """The lookup key of a normalised address (E.164 number, lower-case email)."""
    text = (address or "").strip().lower()
    return salted_hmac(HASH_SALT, text, algorithm="sha256").hexdigest()


def is_opted_out(address: str) -> bool:
    return ReminderOptOut.objects.filter(address_hash=address_hash(address)).exists()


def plan_key_prefix(plan: ReminderPlan) -> str:
    return f"{KIND}:{plan.pk}:"


def cancel_queued(plans: list[ReminderPlan], *, address: str = "") -> int:
    """Cancel the reminders of these plans (and any to `address`) not yet sent."""
    cancelled = 0
    for plan in plans:
        cancelled += OutboxMessage.objects.filter(
            kind=KIND,
            idempotency_key__startswith=plan_key_prefix(plan),
            status=OutboxStatus.PENDING,
        ).update(status=OutboxStatus.CANCELLED)
    if address:
        cancelled += OutboxMessage.objects.filter(
            kind=KIND, to=address, status=OutboxStatus.PENDING
        ).update(status=OutboxStatus.CANCELLED)
    return cancelled


@transaction.atomic
def opt_out(*, address: str, source: str) -> int:
    """Put `address` on the list (once) and cancel its queued reminders; returns how many."""
    if source not in OptOutSource.values:
        raise ValueError(f"unknown opt-out source: {source}")
    hashed = address_hash(address)
    ReminderOptOut.objects.get_or_create(
        address_hash=hashed, defaults={"source": source, "created_at": timezone.now()}
    )
    plans = list(ReminderPlan.objects.to_address(hashed))
    return cancel_queued(plans, address=address.strip())


@transaction.atomic
def opt_in(*, address: str) -> bool:
    """Take `address` off the list (START, or a confirmed new sign-up); True if it was on it.

    Reminders still due are queued again by the next run of the reminders job."""
    deleted, _ = ReminderOptOut.objects.filter(address_hash=address_hash(address)).delete()
    return bool(deleted)
