"""Programmes and their sessions: what a partner runs, when and where.

A programme belongs to a directory Organization (and may name one of its Services); a
session's place is a directory Location. Nothing of the directory is copied here.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commonweal.lib.encrypted_fields import EncryptedTextField
from commonweal.programs import recurrence


class Kind(models.TextChoices):
    AFTER_SCHOOL = "after_school", _("After-school activity")
    SUPPORT_GROUP = "support_group", _("Support group")
    WORKSHOP_SERIES = "workshop_series", _("Workshop series")
    COOKING_CLASS = "cooking_class", _("Cooking class")
    HEALTH_FAIR = "health_fair", _("Health fair")
    VACCINATION_DAY = "vaccination_day", _("Vaccination day")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class ProgrammeQuerySet(models.QuerySet):
    def published(self) -> ProgrammeQuerySet:
        return self.filter(published=True)

    def of(self, organizations: models.QuerySet) -> ProgrammeQuerySet:
        return self.filter(organization__in=organizations)

    def with_organization(self) -> ProgrammeQuerySet:
        return self.select_related("organization", "service").order_by("name")


class Programme(models.Model):
    """Something a partner runs for residents: a group, a class series, a fair."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="programmes"
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("service"),
        help_text=_("The directory service this programme is part of, if any."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(
        _("starts on"), help_text=_("No session may start before this day.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("Session times are in this zone, for example America/New_York."),
    )
    # ISO 639 codes, the directory's own convention (Language.code).
    languages = models.JSONField(_("languages"), default=list, blank=True)
    is_free = models.BooleanField(_("free"), default=True)
    fee = models.CharField(
        _("fee"), max_length=200, blank=True, help_text=_("What it costs, when it is not free.")
    )
    minimum_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Shown on the public calendar.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:programme_detail", kwargs={"programme_id": self.pk})


class Session(models.Model):
    """One meeting, or a recurring series of them (RRULE), of a programme."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    # The first start as wall-clock time in the programme's zone (RFC 5545 DTSTART;TZID=…).
    starts_on = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(_("length in minutes"), default=60)
    rule = models.CharField(
        _("repeat rule"),
        max_length=500,
        blank=True,
        help_text=_(
            "Leave empty for one session. To repeat, an RFC 5545 rule with COUNT or UNTIL, "
            "for example FREQ=WEEKLY;BYDAY=TU;COUNT=10."
        ),
    )
    # Original local starts ("2026-03-10T18:00:00") that do not happen (RFC 5545 EXDATE).
    exdates = models.JSONField(default=list, blank=True)
    location = models.ForeignKey(
        "directory.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_sessions",
        verbose_name=_("place"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "start_time"]

    def __str__(self) -> str:
        return self.title or self.programme.name

    @property
    def first_start(self) -> dt.datetime:
        """The first start, naive wall-clock time in the programme's zone."""
        return dt.datetime.combine(self.starts_on, self.start_time)

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    def excluded(self) -> list[dt.datetime]:
        return [dt.datetime.fromisoformat(text) for text in self.exdates]

    def occurrences(
        self, *, window_start: dt.datetime | None = None, window_end: dt.datetime | None = None
    ) -> list[recurrence.Occurrence]:
        cancelled = [dt.datetime.fromisoformat(c.occurrence) for c in self.cancellations.all()]
        return recurrence.expand(
            first=self.first_start,
            duration=self.duration,
            time_zone=self.programme.time_zone,
            rule=self.rule,
            exdates=self.excluded(),
            cancelled=cancelled,
            window_start=window_start,
            window_end=window_end,
        )


class Cancellation(models.Model):
    """One occurrence of a session that will not take place (shown as cancelled)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="cancellations")
    # The occurrence's original local start, ISO text of recurrence.Occurrence.key (naive
    # wall-clock time: a DateTimeField would make it aware and move it with the zone).
    occurrence = models.CharField(max_length=19)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "occurrence"], name="one_cancellation_each")
        ]

    def __str__(self) -> str:
        return f"{self.session} cancelled at {self.occurrence}"


def unissued_token_hash() -> str:
    """A placeholder no token hashes to (random, not a SHA-256 of anything known): a row made
    without `registration.register` gets its real link the first time one is asked for."""
    return secrets.token_hex(32)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """A resident's place at one occurrence of a session. Name and contact are person data:
    the organising partner's staff alone see them (commonweal.policy)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    occurrence = models.CharField(max_length=19)  # as Cancellation.occurrence
    # Person data, encrypted at rest like every message to a person.
    name = EncryptedTextField(_("name or initials"))
    contact = EncryptedTextField(_("phone or email"))
    channel = models.CharField(max_length=8, default="email")  # outbox.Channel of `contact`
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    attended = models.BooleanField(default=False)
    # The private link (cancel without an account) is never stored: its token is an HMAC of
    # the id and this nonce, keyed from SECRET_KEY, so later messages can carry it again, and
    # only its SHA-256 is kept (registration.py). `previous_token_hash` keeps the link of
    # before a re-key (a retired SECRET_KEY, or a token of before migration 0010) working.
    token_hash = models.CharField(max_length=64, unique=True, default=unissued_token_hash)
    token_nonce = models.CharField(max_length=32, blank=True)
    previous_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["session", "occurrence", "status"])]

    def __str__(self) -> str:
        # Never the name or contact: this string may reach logs and the admin's history.
        return f"registration {self.pk}"


class TrainingKind(models.TextChoices):
    MHFA = "mhfa", _("Mental Health First Aid")
    PFA = "pfa", _("Psychological first aid")
    CHW = "chw", _("Community health worker certification")
    QPR = "qpr", _("QPR suicide prevention")
    TRAUMA = "trauma_informed", _("Trauma-informed care")
    OTHER = "other", _("Other")


class TraineeRole(models.TextChoices):
    LAY_LEADER = "lay_leader", _("Lay leader")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    MENTOR = "mentor", _("Mentor")
    STAFF = "staff", _("Staff")
    VOLUNTEER = "volunteer", _("Volunteer")


class TrainingRecord(models.Model):
    """Someone a partner trained: who, in what, when, until when. The name and email are
    person data of the recording organisation (encrypted, its partner staff alone read them)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="training_records"
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(
        _("email"), blank=True, help_text=_("For a reminder before the certificate expires.")
    )
    role = models.CharField(_("role"), max_length=20, choices=TraineeRole.choices)
    training = models.CharField(_("training"), max_length=20, choices=TrainingKind.choices)
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # A ZIP code, not an address: enough to see where trained people are lacking.
    zip_code = models.CharField(_("ZIP code"), max_length=5)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_on", "completed_on"]

    def __str__(self) -> str:
        return f"training record {self.pk}"  # never the name


# The later parts of this app keep their models in modules of their own.
from commonweal.programs import (  # noqa: E402, F401
    campaign_models,
    reminder_models,
    route_models,
    volunteer_models,
)
