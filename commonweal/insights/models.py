"""Counts that outlive the rows they counted.

When a person's data is erased on request, or closed referrals and old screenings pass
their retention period, the rows go but the partnership still needs to know how many
referrals it made and how they ended. These tallies keep exactly that and nothing that
points back to a person: a month, the organisations and service, the status or result —
and a count. Analysts read them only through the de-identification layer (cells under
11 suppressed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class SearchEvent(models.Model):
    """One resident or navigator search, kept without anything that could point to a person.

    Written by insights/search_log.py for the unmet-need page and early warning. What is
    never stored, by design: the words typed (free text can hold a name or a crisis
    disclosure), coordinates, the exact time, a user, a session, an IP address, and the
    values of filters that could single someone out (an age, a language) — only that a
    filter was used.
    """

    day = models.DateField(db_index=True)  # the site's local date of the search
    area_kind = models.CharField(max_length=8, blank=True)  # "zip", "place" or "" (none)
    area = models.CharField(max_length=80, blank=True)  # a ZIP code or a gazetteer place name
    categories = models.JSONField(default=list)  # taxonomy codes the query was read as
    filters = models.JSONField(default=list)  # names of the filters used, e.g. ["free"]
    results = models.PositiveIntegerField()
    crisis = models.CharField(max_length=10)  # search.types.CrisisLevel value
    channel = models.CharField(max_length=4)  # "page" or "api"

    def __str__(self) -> str:
        return f"{self.day} {self.area or '-'}: {self.results} results"


class StoryKind(models.TextChoices):
    STORY = "story", _("Story")
    QUOTE = "quote", _("Quote")


class ReportStory(models.Model):
    """A story or quote that coalition admins set beside the numbers of one quarter's report.

    Written by staff for funders and the public: the form asks them to confirm that the
    person agreed and that nobody is named who did not, and the text is shown as written.
    """

    quarter = models.CharField(max_length=7, db_index=True)  # "2026-Q3"
    kind = models.CharField(_("kind"), max_length=8, choices=StoryKind, default=StoryKind.STORY)
    title = models.CharField(_("title"), max_length=120, blank=True)
    text = models.TextField(_("text"), max_length=2000)
    attribution = models.CharField(_("attribution"), max_length=120, blank=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.quarter} {self.kind}: {self.title or self.text[:40]}"
