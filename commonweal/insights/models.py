"""Counts that outlive the rows they counted.

When a person's data is erased on request, or closed referrals and old screenings pass
their retention period, the rows go but the partnership still needs to know how many
referrals it made and how they ended. These tallies keep exactly that and nothing that
points back to a person: a month, the organisations and service, the status or result —
and a count. Analysts read them only through the de-identification layer (cells under
11 suppressed).
"""

from __future__ import annotations

from django.db import models


class RemovalReason(models.TextChoices):
    ERASURE = "erasure", "erased on the person's request"
    RETENTION = "retention", "past its retention period"


class ReferralTally(models.Model):
    month = models.DateField()  # the first day of the month the referral was made
    from_organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16)
    outcome = models.CharField(max_length=20, blank=True)
    removed_for = models.CharField(max_length=16, choices=RemovalReason)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "from_organization",
                    "to_organization",
                    "service",
                    "status",
                    "outcome",
                    "removed_for",
                ],
                name="one_referral_tally_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status} {self.outcome or '-'}: {self.count}"


class ScreeningTally(models.Model):
    month = models.DateField()
    organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    instrument = models.CharField(max_length=64)
    positive = models.BooleanField(null=True)  # None: the instrument has no positive/negative
    safety_triggered = models.BooleanField(default=False)
    removed_for = models.CharField(max_length=16, choices=RemovalReason)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "organization",
                    "instrument",
                    "positive",
                    "safety_triggered",
                    "removed_for",
                ],
                name="one_screening_tally_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.instrument}: {self.count}"
