"""The outbox: every email and text message the referral work sends, written before it is sent.

A message is stored in the caller's transaction (so a rolled-back referral sends nothing)
and delivered later by the background worker (referrals/outbox.py). `to` is person data:
never logged, never copied into `last_error`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from commonweal.lib.encrypted_fields import EncryptedJSONField, EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("outbox channel", "Email")
    SMS = "sms", pgettext_lazy("outbox channel", "Text message")


class RecipientKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("outbox recipient", "Person served")
    STAFF = "staff", pgettext_lazy("outbox recipient", "Staff")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("outbox status", "Waiting to be sent")
    SENDING = "sending", pgettext_lazy("outbox status", "Being sent")
    SENT = "sent", pgettext_lazy("outbox status", "Sent")
    FAILED = "failed", pgettext_lazy("outbox status", "Failed")
    # The worker stopped between taking the message and recording the provider's answer:
    # it may or may not have gone out, and resending could send it twice. A person decides.
    UNKNOWN = "unknown", pgettext_lazy("outbox status", "Unknown: check before resending")
    CANCELLED = "cancelled", pgettext_lazy("outbox status", "Cancelled")


class OutboxMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)  # e.g. "referral-requested", "appointment-reminder"
    channel = models.CharField(max_length=8, choices=Channel)
    recipient_kind = models.CharField(max_length=8, choices=RecipientKind)
    to = models.CharField(max_length=254)
    language = models.CharField(max_length=8, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField()  # texts and emails to a person: encrypted at rest
    ics = EncryptedTextField(blank=True)  # an iCalendar attachment, rendered at enqueue time
    # Extra email headers ({"List-Unsubscribe": "<https://…>"}): encrypted, since an
    # unsubscribe link holds a private token as the body does.
    headers = EncryptedJSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    status = models.CharField(
        max_length=10, choices=OutboxStatus, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        # Never the recipient: __str__ ends up in logs and admin history.
        return f"Outbox {self.kind} {self.pk} ({self.status})"
