"""Stored screenings and the crisis safety protocol's follow-up work.

Answers are sensitive health data: they live in exactly one field (`answers`), encrypted at
rest (commonweal/lib/encrypted_fields.py); the scored result is kept beside them, in clear,
as `ScoreResult` serialised to JSON (commonweal.screening.results).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.lib.encrypted_fields import EncryptedJSONField, EncryptedTextField


class ScreeningQuerySet(models.QuerySet):
    def for_person(self, person: object) -> ScreeningQuerySet:
        return self.filter(person=person).order_by("-created_at", "-id")

    def of_user(self, user: object) -> ScreeningQuerySet:
        """A resident's own saved self-screenings."""
        return self.filter(user=user, person__isnull=True).order_by("-created_at", "-id")


class Screening(models.Model):
    """One completed questionnaire: about a person (navigator) or a resident's own (saved)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Exactly one of person (screened by a navigator) and user (a resident who chose to
    # save their own self-screen) is set; see the check constraint.
    person = models.ForeignKey(
        "referrals.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="screenings",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_screenings",
    )
    instrument = models.CharField(max_length=64)
    language = models.CharField(max_length=16, default="en")
    answers = EncryptedJSONField(default=dict)  # linkId → answer, encrypted at rest
    # ScoreResult as JSON (screening.results). In clear, unlike the answers: metrics and
    # history aggregate the scores, and a score without its answers is far less revealing.
    result = models.JSONField(default=dict)
    safety_triggered = models.BooleanField(default=False)
    safety_acute = models.BooleanField(default=False)
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # One submission, one screening: the form's (or API client's) token, unique, so a
    # double click or a resubmitted page finds the screening it already made.
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False) & models.Q(user__isnull=True))
                | (models.Q(person__isnull=True) & models.Q(user__isnull=False)),
                name="screening_of_person_or_user",
            )
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk} ({self.instrument})"

    def get_absolute_url(self) -> str:
        if self.person_id is None:
            return reverse("screening:own_detail", args=[self.pk])
        return reverse("screening:screening_detail", args=[self.pk])


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("follow-up status", "In progress")
    CLOSED = "closed", pgettext_lazy("follow-up status", "Closed")


class SafetyFollowUpQuerySet(models.QuerySet):
    def still_open(self) -> SafetyFollowUpQuerySet:
        return self.exclude(status=FollowUpStatus.CLOSED)

    def for_organizations(self, organization_ids: list) -> SafetyFollowUpQuerySet:
        return self.filter(organization_id__in=organization_ids)


class SafetyFollowUp(models.Model):
    """The urgent task the safety protocol creates when a screening signals suicide risk."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # One per screening (the constraint is what makes a resubmitted form safe).
    screening = models.OneToOneField(
        Screening, on_delete=models.CASCADE, related_name="safety_follow_up"
    )
    person = models.ForeignKey(
        "referrals.Person", on_delete=models.CASCADE, related_name="safety_follow_ups"
    )
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="+"
    )
    acute = models.BooleanField(default=False)
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who was told, so the page can say it ("notified: the safety contact" / "no safety
    # contact: the organisation's coalition admins and navigators").
    notified_user_ids = models.JSONField(default=list)
    notified_fallback = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SafetyFollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"Safety follow-up {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("screening:safety_checklist", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status != FollowUpStatus.CLOSED and self.due_at < timezone.now()


class SafetyStep(models.Model):
    """One step of the navigator's safety checklist, as recorded (appended, never edited)."""

    follow_up = models.ForeignKey(SafetyFollowUp, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=32)  # a key of screening.safety.CHECKLIST
    outcome = models.CharField(max_length=32)
    # Free text about a person in crisis: encrypted at rest, never in the audit log.
    note = EncryptedTextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.outcome}"


class SafetyContact(models.Model):
    """A user an organisation designates to be told at once when the safety protocol starts."""

    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="safety_contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_contact_for"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("safety contact")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_safety_contact")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.organization}"
