"""Volunteer roles, sign-ups, matching, confirmation and hours.

Models of this part; imported by programs/models.py so Django finds them. A role belongs to a
directory Organization like a programme; a volunteer's name, contact and free-text note are
person data of that organisation (encrypted at rest, read only by its partner staff).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.lib.encrypted_fields import EncryptedTextField
from commonweal.programs.models import TrainingKind

# Availability and a role's times are both a set of "day-part" slots ("tue-evening"): coarse
# enough that a resident can say it in one tick per box, fine enough to match on.
DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
PARTS = [
    ("morning", pgettext_lazy("part of the day", "morning")),
    ("afternoon", pgettext_lazy("part of the day", "afternoon")),
    ("evening", pgettext_lazy("part of the day", "evening")),
]
SLOTS = [f"{day}-{part}" for day, _day in DAYS for part, _part in PARTS]


class RoleKind(models.TextChoices):
    EVENT_HELP = "event_help", _("Event help")
    PEER_SUPPORT = "peer_support", _("Peer support")
    DRIVER = "driver", _("Driver")
    INTERPRETER = "interpreter", _("Interpreter")
    MENTOR = "mentor", _("Mentor")
    OTHER = "other", _("Other")


class RoleSchedule(models.TextChoices):
    DATES = "dates", _("On set dates")
    WEEKLY = "weekly", _("Every week")
    FLEXIBLE = "flexible", _("Flexible: when it suits you")


class RoleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (not shown)")
    OPEN = "open", _("Open for sign-ups")
    CLOSED = "closed", _("Closed")


class RoleQuerySet(models.QuerySet):
    def open(self) -> RoleQuerySet:
        return self.filter(status=RoleStatus.OPEN)

    def of(self, organizations: models.QuerySet) -> RoleQuerySet:
        return self.filter(organization__in=organizations)

    def with_organization(self) -> RoleQuerySet:
        return self.select_related("organization", "location", "programme").order_by("title")


class VolunteerRole(models.Model):
    """Help a partner asks for: event help, peer support, drivers, interpreters, mentors."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="volunteer_roles"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RoleKind.choices)
    description = models.TextField(_("what you will do"), blank=True)
    skills = models.JSONField(_("skills wanted"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ISO 639 codes
    location = models.ForeignKey(
        "directory.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_roles",
        verbose_name=_("place"),
    )
    online = models.BooleanField(_("online"), default=False)
    area = models.CharField(
        _("area"),
        max_length=200,
        blank=True,
        help_text=_("Where, when it is not one place: a neighbourhood, a city, a ZIP code."),
    )
    schedule = models.CharField(
        _("when"), max_length=10, choices=RoleSchedule.choices, default=RoleSchedule.FLEXIBLE
    )
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    slots = models.JSONField(_("days and times"), default=list, blank=True)
    schedule_note = models.CharField(
        _("more about the times"),
        max_length=200,
        blank=True,
        help_text=_("For example: 9 am to 12 noon, the first Saturday of the month."),
    )
    places = models.PositiveIntegerField(_("volunteers needed"), default=1)
    minimum_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    training_required = models.CharField(
        _("training required"),
        max_length=20,
        blank=True,
        # The training kinds of TrainingRecord, so a record can vouch for a volunteer.
        choices=TrainingKind.choices,
    )
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_roles",
        verbose_name=_("programme"),
    )
    session = models.ForeignKey(
        "programs.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_roles",
        verbose_name=_("event session"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RoleStatus.choices, default=RoleStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteer:role", kwargs={"role_id": self.pk})


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Not this time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SignupQuerySet(models.QuerySet):
    def active(self) -> SignupQuerySet:
        return self.filter(status__in=[SignupStatus.PENDING, SignupStatus.CONFIRMED])

    def confirmed(self) -> SignupQuerySet:
        return self.filter(status=SignupStatus.CONFIRMED)

    def with_hours(self) -> SignupQuerySet:
        return self.annotate(total_hours=Sum("hours__hours"))


class VolunteerSignup(models.Model):
    """A resident offering to fill a role. Name, contact and note are person data: the
    posting organisation's partner staff alone see them (commonweal.policy)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.ForeignKey(VolunteerRole, on_delete=models.CASCADE, related_name="signups")
    name = EncryptedTextField(_("name"))
    contact = EncryptedTextField(_("phone or email"))
    channel = models.CharField(max_length=8, default="email")  # outbox.Channel of `contact`
    language = models.CharField(max_length=8, blank=True)  # of the messages we send
    languages = models.JSONField(default=list, blank=True)  # ISO 639 codes spoken
    skills = models.JSONField(default=list, blank=True)  # from the role's list
    other_skills = EncryptedTextField(_("other skills"), blank=True)
    availability = models.JSONField(default=list, blank=True)  # SLOTS
    # What the volunteer says of themself; the coordinator checks (the training records too).
    says_trained = models.BooleanField(default=False)
    old_enough = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=SignupStatus.choices, default=SignupStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the private link's token: the link is sent once and never kept here, so a
    # copy of the database does not open anyone's sign-up.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self) -> str:
        return f"volunteer sign-up {self.pk}"  # never the name


class VolunteerHours(models.Model):
    """Hours one volunteer gave on one day (one row a day: a correction edits it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    signup = models.ForeignKey(VolunteerSignup, on_delete=models.CASCADE, related_name="hours")
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(fields=["signup", "on"], name="volunteer_hours_once_a_day"),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.on}"


class VolunteerMonth(models.Model):
    """The ledger contribution that carries a role's hours of one month: found again by
    (role, month), so changing hours updates it and never adds a second one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.ForeignKey(VolunteerRole, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()  # the first day of the month
    contribution = models.OneToOneField(
        "partnerships.Contribution",
        on_delete=models.CASCADE,
        related_name="volunteer_month",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "month"], name="one_contribution_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.month:%Y-%m}"
