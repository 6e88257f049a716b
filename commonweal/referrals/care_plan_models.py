"""A person's care plan: goals in their own words, what serves each goal, and review notes.

Imported by referrals/models.py so Django registers these models with the referrals app.
The rules that change them live in referrals/care_plans.py; FHIR in care_plan_fhir.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.lib.encrypted_fields import EncryptedTextField


class PlanStatus(models.TextChoices):
    """FHIR CarePlan.status values (a subset: the ones a plan here can be in)."""

    ACTIVE = "active", pgettext_lazy("care plan status", "Active")
    COMPLETED = "completed", pgettext_lazy("care plan status", "Completed")
    REVOKED = "revoked", pgettext_lazy("care plan status", "Stopped")


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("goal status", "Proposed")
    ACTIVE = "active", pgettext_lazy("goal status", "Working on it")
    ACHIEVED = "achieved", pgettext_lazy("goal status", "Achieved")
    CANCELLED = "cancelled", pgettext_lazy("goal status", "No longer a goal")


class Achievement(models.TextChoices):
    """FHIR goal-achievement codes (the four a navigator records at a review)."""

    IN_PROGRESS = "in-progress", pgettext_lazy("goal progress", "In progress")
    IMPROVING = "improving", pgettext_lazy("goal progress", "Improving")
    ACHIEVED = "achieved", pgettext_lazy("goal progress", "Achieved")
    NOT_ACHIEVED = "not-achieved", pgettext_lazy("goal progress", "Not achieved")


class CarePlan(models.Model):
    """One person's plan, held by one organisation of their care team (FHIR CarePlan)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "referrals.Person", on_delete=models.CASCADE, related_name="care_plans"
    )
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus, default=PlanStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One plan at a time: two active plans would split the person's goals.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="one_active_care_plan_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Care plan {self.pk} of person {self.person_id}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:care_plan", args=[self.person_id])


class CarePlanGoal(models.Model):
    """A goal in the person's own words, the needs behind it, and what serves it (FHIR Goal)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    # The person's words ("stable housing by spring"): sensitive free text, encrypted at rest.
    description = EncryptedTextField(_("goal, in the person's words"))
    # Screening domain codes ("food", "loneliness") and free need labels, as one list.
    needs = models.JSONField(_("needs behind it"), default=list)
    screenings = models.ManyToManyField(
        "screening.Screening", blank=True, related_name="care_plan_goals"
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus, default=GoalStatus.ACTIVE
    )
    achievement = models.CharField(
        _("progress"),
        max_length=16,
        choices=Achievement,
        default=Achievement.IN_PROGRESS,
    )
    referrals = models.ManyToManyField(
        "referrals.Referral", blank=True, related_name="care_plan_goals"
    )
    # Programmes and community resources: services of the directory (not referrals).
    services = models.ManyToManyField("directory.Service", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # Never the description: it is the person's words and __str__ reaches logs.
        return f"Goal {self.pk}"


class CarePlanNote(models.Model):
    """A progress note written at a review, with the goal statuses it changed."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("progress note"))
    # [{"goal": id, "status": [old, new], "achievement": [old, new]}] for each goal changed.
    goal_changes = models.JSONField(default=list)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on care plan {self.plan_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A review note is a record of what was said then: appended, never rewritten.
        if self.pk is not None:
            raise PermissionError("Care plan notes are append-only.")
        super().save(*args, **kwargs)
