"""Personal reminders (appointments, medication, sessions) by text or email, with opt-out.

Models of this part; imported by programs/models.py so Django finds them. The rules are in
personal_reminders.py (plans and delivery) and opt_out.py (STOP, by address).

The address and the resident's own label are person data: encrypted at rest, never in
`__str__` or logs. Lookups by address use `address_hash` (a keyed hash, opt_out.py), and the
private manage link is stored only as a hash too.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.lib.encrypted_fields import EncryptedTextField


class ReminderKind(models.TextChoices):
    APPOINTMENT = "appointment", pgettext_lazy("reminder kind", "Appointment")
    MEDICATION = "medication", pgettext_lazy("reminder kind", "Medicine")
    SESSION = "session", pgettext_lazy("reminder kind", "Group or class")
    OTHER = "other", pgettext_lazy("reminder kind", "Something else")


class Repeat(models.TextChoices):
    ONCE = "once", pgettext_lazy("reminder repeat", "Once")
    DAILY = "daily", pgettext_lazy("reminder repeat", "Every day")
    WEEKLY = "weekly", pgettext_lazy("reminder repeat", "Every week")


class PlanStatus(models.TextChoices):
    # A resident's own plan waits here until the address is confirmed (double opt-in).
    UNCONFIRMED = "unconfirmed", pgettext_lazy("reminder status", "Waiting for you to confirm")
    ACTIVE = "active", pgettext_lazy("reminder status", "On")
    PAUSED = "paused", pgettext_lazy("reminder status", "Paused")
    STOPPED = "stopped", pgettext_lazy("reminder status", "Stopped")


class ReminderPlanQuerySet(models.QuerySet):
    def active(self) -> ReminderPlanQuerySet:
        return self.filter(status=PlanStatus.ACTIVE)

    def to_address(self, address_hash: str) -> ReminderPlanQuerySet:
        return self.filter(address_hash=address_hash)

    def of_person(self, person: object) -> ReminderPlanQuerySet:
        return self.filter(person=person).order_by("-created_at")


class ReminderPlan(models.Model):
    """What to remind of, when (once or repeating, in a time zone), how, and in which hours."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Set by a navigator for a person in their care (with consent), or null: a resident's own.
    person = models.ForeignKey(
        "referrals.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_plans",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("what for"), max_length=12, choices=ReminderKind)
    # The resident's own words ("blood pressure pill", "Dr Ruiz"): sensitive, so encrypted,
    # and left out of texts unless they ask for it (a lock screen is not private).
    label = EncryptedTextField(_("your note"), max_length=80, blank=True)
    show_label = models.BooleanField(_("show my note in the message"), default=False)
    starts_on = models.DateField(_("date"))
    times = models.JSONField(_("times"), default=list)  # ["08:00", "20:00"], wall clock
    repeat = models.CharField(_("repeat"), max_length=8, choices=Repeat, default=Repeat.ONCE)
    weekdays = models.JSONField(_("days"), default=list, blank=True)  # ["MO", "TH"]
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    lead_minutes = models.PositiveIntegerField(_("how early"), default=0)
    time_zone = models.CharField(_("time zone"), max_length=64)
    channel = models.CharField(_("send by"), max_length=8)  # outbox Channel: "sms" or "email"
    address = EncryptedTextField(_("phone number or email"), max_length=254)
    address_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(_("language"), max_length=8)
    window_start = models.TimeField(_("safe from"))
    window_end = models.TimeField(_("safe until"))
    status = models.CharField(
        max_length=12, choices=PlanStatus, default=PlanStatus.UNCONFIRMED, db_index=True
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Never the address or the label.
        return f"Reminder plan {self.pk} ({self.status})"


class OptOutSource(models.TextChoices):
    LINK = "link", pgettext_lazy("opt-out source", "Stop link")
    SMS = "sms", pgettext_lazy("opt-out source", "Text reply")
    STAFF = "staff", pgettext_lazy("opt-out source", "Staff, at the person's request")


class ReminderOptOut(models.Model):
    """An address that must get no reminders. Only a keyed hash: the address is not kept."""

    address_hash = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=8, choices=OptOutSource)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reminder opt-out {self.pk} ({self.source})"


@receiver(post_delete, sender=ReminderPlan)
def _forget_messages(sender: type, instance: ReminderPlan, **kwargs: object) -> None:
    """A deleted plan (the person's record erased) leaves no message, sent or waiting, that
    holds their address: outbox rows name the plan only in their key."""
    from commonweal.referrals.outbox_models import OutboxMessage

    OutboxMessage.objects.filter(
        kind__in=("personal-reminder", "personal-reminder-confirm"),
        idempotency_key__contains=f":{instance.pk}",
    ).delete()
