"""Awareness campaigns and the health education library.

Models of this part; imported by programs/models.py so Django finds them. An education page
is one subject with a version per language; a campaign gathers partners, activities and
pages, and its reach is counted from activities, sign-ups and anonymous page visits.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    PUBLISHED = "published", _("Published")


class EducationPageQuerySet(models.QuerySet):
    def published(self) -> EducationPageQuerySet:
        return self.filter(status=PageStatus.PUBLISHED)

    def about(self, topics: list[str]) -> EducationPageQuerySet:
        """Pages tagged with any of `topics` (taxonomy codes or screening domains)."""
        wanted = [t for t in dict.fromkeys(topics) if t]
        if not wanted:
            return self.none()
        return self.filter(id__in=PageTopic.objects.filter(code__in=wanted).values("page_id"))

    def with_versions(self) -> EducationPageQuerySet:
        return self.prefetch_related("versions")


class EducationPage(models.Model):
    """One subject of the library ("What is a support group"), whatever the language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="education_pages",
        verbose_name=_("written by"),
        help_text=_("Empty for the partnership's own pages."),
    )
    crisis_related = models.BooleanField(
        _("about a crisis"),
        default=False,
        help_text=_("The crisis lines are shown at the top of the page, in full."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PageStatus.choices, default=PageStatus.DRAFT
    )
    reviewed_by = models.CharField(_("reviewed by"), max_length=200, blank=True)
    reviewed_on = models.DateField(_("review date"), null=True, blank=True)
    programmes = models.ManyToManyField(
        "programs.Programme", blank=True, related_name="education_pages"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EducationPageQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("learn:page", kwargs={"slug": self.slug})


class PageVersion(models.Model):
    """A page in one language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    page = models.ForeignKey(EducationPage, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("short summary"), max_length=300)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="one_version_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.page.slug} ({self.language})"


class PageTopic(models.Model):
    """What a page is about: an Open Eligibility code ("1102") or a screening domain
    ("food", "loneliness"), so that search results and screening results find it."""

    page = models.ForeignKey(EducationPage, on_delete=models.CASCADE, related_name="topic_links")
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["page", "code"], name="one_topic_each")]

    def __str__(self) -> str:
        return self.code


class PageVisit(models.Model):
    """How many times a page was read on one day in one language. Nothing else: no address,
    no user, no session, no time of day (see education.count_visit)."""

    page = models.ForeignKey(EducationPage, on_delete=models.CASCADE, related_name="visits")
    day = models.DateField()
    language = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "day", "language"], name="one_visit_row_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day} {self.language}: {self.count}"


class Audience(models.TextChoices):
    FAITH = "faith", _("Faith communities")
    SCHOOLS = "schools", _("Schools")
    YOUTH = "youth", _("Young people")
    PARENTS = "parents", _("Parents and carers")
    OLDER_ADULTS = "older_adults", _("Older adults")
    VETERANS = "veterans", _("Veterans")
    WORKPLACES = "workplaces", _("Workplaces")
    LGBTQ = "lgbtq", _("LGBTQ+ people")
    NEWCOMERS = "newcomers", _("Immigrants and newcomers")
    GENERAL = "general", _("Everyone")


class CampaignQuerySet(models.QuerySet):
    def published(self) -> CampaignQuerySet:
        return self.filter(published=True)


class Campaign(models.Model):
    """An awareness or stigma-reduction campaign of the partnership."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    aim = models.TextField(_("aim"), help_text=_("What should change, for whom."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    partners = models.ManyToManyField(
        "partnerships.Partner", blank=True, related_name="campaigns", verbose_name=_("partners")
    )
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    goals = models.ManyToManyField(
        "partnerships.Goal", blank=True, related_name="campaigns", verbose_name=_("goals")
    )
    pages = models.ManyToManyField(
        EducationPage, blank=True, related_name="campaigns", verbose_name=_("education pages")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public campaign page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("learn:campaign", kwargs={"slug": self.slug})

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(code, code)) for code in self.audiences]


class ActivityKind(models.TextChoices):
    EVENT = "event", _("Event")
    WORKSHOP = "workshop", _("Workshop")
    MATERIALS = "materials", _("Materials")
    OUTREACH = "outreach", _("Outreach")
    MEDIA = "media", _("Media")


class Activity(models.Model):
    """Something done for a campaign, and how many it reached.

    `count` is what the kind counts: people at a workshop, materials handed out, contacts
    made in outreach, people a media piece reached (as its outlet reports). An event's
    attendance is counted from its linked programme's sign-ups and check-ins instead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    partner = models.ForeignKey(
        "partnerships.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_activities",
        verbose_name=_("partner"),
    )
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_activities",
        verbose_name=_("programme"),
    )
    session = models.ForeignKey(
        "programs.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_activities",
        verbose_name=_("session"),
    )
    count = models.PositiveIntegerField(_("number reached"), default=0)
    language = models.CharField(_("language"), max_length=8, blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "title"]

    def __str__(self) -> str:
        return self.title
