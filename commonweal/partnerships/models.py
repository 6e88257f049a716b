"""The partnership workspace's tables: partners, community needs, goals and indicators."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commonweal.lib.encrypted_fields import EncryptedTextField
from commonweal.partnerships import units
from commonweal.partnerships.measures import MEASURES


class Sector(models.TextChoices):
    """The sectors of a community health partnership (issue 7's list)."""

    HEALTH_CARE = "health_care", _("Health care")
    BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioural health")
    SOCIAL_SERVICES = "social_services", _("Social services")
    FAITH = "faith", _("Faith")
    SCHOOL = "school", _("School")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    BUSINESS = "business", _("Business")
    RESIDENT_GROUP = "resident_group", _("Resident group")


class AgreementStatus(models.TextChoices):
    NONE = "none", _("None")
    DRAFT = "draft", _("Being negotiated")
    SIGNED = "signed", _("Signed")
    ENDED = "ended", _("Ended")


class PartnerQuerySet(models.QuerySet):
    def active(self) -> PartnerQuerySet:
        return self.filter(active=True)

    def with_organization(self) -> PartnerQuerySet:
        return self.select_related("organization").order_by("organization__name")


class Partner(models.Model):
    """A member organisation of the partnership: a profile beside its directory entry.

    Name, description, website and e-mail stay on the directory's Organization; this holds
    only what membership adds (sector, agreements, partnership contacts)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.OneToOneField(
        "directory.Organization", on_delete=models.CASCADE, related_name="partner_profile"
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    active = models.BooleanField(
        _("active member"),
        default=True,
        help_text=_("Untick when the organisation leaves the partnership; its history stays."),
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    agreement_status = models.CharField(
        _("partnership agreement"),
        max_length=16,
        choices=AgreementStatus.choices,
        default=AgreementStatus.NONE,
    )
    agreement_expires_on = models.DateField(
        _("partnership agreement expires on"), null=True, blank=True
    )
    data_sharing_status = models.CharField(
        _("data-sharing agreement"),
        max_length=16,
        choices=AgreementStatus.choices,
        default=AgreementStatus.NONE,
    )
    data_sharing_expires_on = models.DateField(
        _("data-sharing agreement expires on"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partner_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for status, expires in (
            ("agreement_status", "agreement_expires_on"),
            ("data_sharing_status", "data_sharing_expires_on"),
        ):
            expires_on = getattr(self, expires)
            if expires_on is None:
                continue
            if getattr(self, status) == AgreementStatus.NONE:
                errors[expires] = _("There is no agreement to expire: choose its status first.")
            elif self.joined_on is not None and expires_on < self.joined_on:
                errors[expires] = _("The agreement cannot expire before the partner joined.")
        if errors:
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return self.organization.name


class PartnerContact(models.Model):
    """Someone who speaks for a partner in the partnership (not a client: staff contact)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role in the partnership"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_contacts",
    )
    is_primary = models.BooleanField(_("main contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


# --- community needs and shared goals (Results-Based Accountability) ----------------------


class NeedStatus(models.TextChoices):
    ACTIVE = "active", _("Being worked on")
    RETIRED = "retired", _("No longer a priority")


class EvidenceKind(models.TextChoices):
    INSIGHTS = "insights", _("Data from the insights area")
    RESIDENT_INPUT = "resident_input", _("Resident input")
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment document")
    OTHER = "other", _("Other evidence")


class CommunityNeed(models.Model):
    """A need the partnership chose to work on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("need"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.ACTIVE
    )
    chosen_on = models.DateField(_("chosen on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "title"]

    def __str__(self) -> str:
        return self.title


class NeedEvidence(models.Model):
    """Why the partnership believes in a need: data, residents' words, an assessment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need = models.ForeignKey(CommunityNeed, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=32, choices=EvidenceKind.choices)
    summary = models.TextField(_("what it shows"))
    source_url = models.URLField(_("link to the source"), blank=True)
    recorded_on = models.DateField(_("date of the evidence"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_on", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary[:40]}"


class Goal(models.Model):
    """A shared goal: in RBA terms a population result ("All children in Northside are
    ready for school"), measured by population indicators and performance measures."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("goal"), max_length=200)
    population_result = models.TextField(
        _("population result"),
        help_text=_("The condition of well-being wanted for a whole population, in plain words."),
    )
    population = models.CharField(
        _("population"), max_length=200, blank=True, help_text=_("Who and where.")
    )
    needs = models.ManyToManyField(
        CommunityNeed, blank=True, related_name="goals", verbose_name=_("needs it answers")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:goal_detail", args=[self.pk])


class IndicatorKind(models.TextChoices):
    POPULATION = "population", _("Population indicator")
    PERFORMANCE = "performance", _("Performance measure")


class RbaQuestion(models.TextChoices):
    """The three performance-measure questions of Results-Based Accountability
    (Friedman, "Trying Hard Is Not Good Enough", 2005)."""

    HOW_MUCH = "how_much", _("How much did we do?")
    HOW_WELL = "how_well", _("How well did we do it?")
    BETTER_OFF = "better_off", _("Is anyone better off?")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Indicator(models.Model):
    """A population indicator or a performance measure of a goal, with baseline and target."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    rba_question = models.CharField(
        _("RBA question"),
        max_length=16,
        choices=RbaQuestion.choices,
        blank=True,
        help_text=_("Performance measures only."),
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, choices=units.Unit.choices)
    direction = models.CharField(
        _("better is"), max_length=8, choices=Direction.choices, default=Direction.UP
    )
    measure = models.CharField(
        _("computed by the system from"),
        max_length=40,
        blank=True,
        choices=[("", _("Nothing: values are entered by hand"))]
        + [(m.code, m.label) for m in MEASURES.values()],
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        verbose_name=_("partner responsible"),
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "rba_question", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:indicator_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == IndicatorKind.PERFORMANCE and not self.rba_question:
            errors["rba_question"] = _("Say which of the three questions this measure answers.")
        if self.kind == IndicatorKind.POPULATION and self.rba_question:
            errors["rba_question"] = _(
                "Only performance measures answer an RBA question; leave it empty."
            )
        if self.measure and self.measure in MEASURES and self.unit:
            wanted = MEASURES[self.measure].unit
            if self.unit != wanted:
                errors["unit"] = _("“%(measure)s” is counted in %(unit)s: choose that unit.") % {
                    "measure": MEASURES[self.measure].label,
                    "unit": units.Unit(wanted).label,
                }
        if self.unit in units.Unit.values:
            for field in ("baseline_value", "target_value"):
                problem = units.problem(self.unit, getattr(self, field))
                if problem and field not in errors:
                    errors[field] = problem
        if self.baseline_date and self.target_date and self.target_date < self.baseline_date:
            errors["target_date"] = _("The target date must be after the baseline date.")
        if errors:
            raise ValidationError(errors)


class ValueSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    COMPUTED = "computed", _("Computed by the system")


class IndicatorValue(models.Model):
    """An indicator's value for one period. A computed value that would show a count of 1 to
    10 people is stored as suppressed, with no value: what may not be shown is not kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    suppressed = models.CharField(max_length=16, blank=True)  # a deidentify.Suppressed value
    source = models.CharField(max_length=16, choices=ValueSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["period_end", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"], name="one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.period_start}–{self.period_end}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period must end on or after the day it starts.")
        # A computed share of nobody has no value (nothing was sent); a hand entry must.
        if self.value is None and not self.suppressed and self.source != ValueSource.COMPUTED:
            errors["value"] = _("Enter the value.")
        problem = units.problem(self.indicator.unit, self.value) if self.indicator_id else None
        if problem:
            errors["value"] = problem
        if errors:
            raise ValidationError(errors)


# --- the action plan ------------------------------------------------------------------------


class Strategy(models.Model):
    """A line of work the partnership agreed on, towards a goal, broken into tasks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("strategy"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategies",
        verbose_name=_("goal it serves"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)


class TaskQuerySet(models.QuerySet):
    def open(self) -> TaskQuerySet:
        return self.exclude(status__in=CLOSED_TASK_STATUSES)

    def overdue(self, today: Any) -> TaskQuerySet:
        """Open tasks whose due date has passed (a task due today is not yet overdue)."""
        return self.open().filter(due_date__lt=today)

    def with_related(self) -> TaskQuerySet:
        return self.select_related("strategy", "owner__organization").order_by("due_date", "title")


class PlanTask(models.Model):
    """One task of the action plan: owned by a partner, with a responsible person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owning partner"),
    )
    responsible = models.CharField(
        _("responsible person"), max_length=200, help_text=_("Who at the partner does it.")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    notes = models.TextField(_("progress notes"), blank=True)
    # Set when the task is an action item agreed at a meeting.
    meeting = models.ForeignKey(
        "Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("agreed at"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": _("The due date must be on or after the start date.")}
            )

    def is_overdue(self, today: Any) -> bool:
        return self.status not in CLOSED_TASK_STATUSES and self.due_date < today


# --- meetings -------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now: Any) -> MeetingQuerySet:
        return self.filter(ends_at__gte=now).exclude(status=MeetingStatus.CANCELLED)


class Meeting(models.Model):
    """A partnership meeting. Its times are stored as instants (UTC) with the IANA time zone
    it was planned in, so it shows, and goes into calendars, at the wall-clock time chosen —
    on either side of a daylight-saving change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # RFC 5545 SEQUENCE: raised on every change calendars must notice (time, place, status).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:meeting_detail", args=[self.pk])


class Attendance(models.Model):
    """A partner invited to a meeting, and whether it was there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=False)

    class Meta:
        ordering = ["partner__organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "partner"], name="one_attendance_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} at {self.meeting}"


class Decision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


# --- the resource ledger ----------------------------------------------------------------------


class ContributionKind(models.TextChoices):
    FUNDS = "funds", _("Funds")
    STAFF_HOURS = "staff_hours", _("Staff hours")
    SPACE = "space", _("Space")
    EQUIPMENT = "equipment", _("Equipment")
    IN_KIND = "in_kind", _("Other in-kind")


class Contribution(models.Model):
    """What a partner brings to a programme: money, staff time, a room, equipment, goods —
    with its value in US dollars, so contributions of every kind add up."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("partner")
    )
    programme = models.ForeignKey(
        "programs.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("programme"),
        help_text=_("Leave empty for the partnership as a whole."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContributionKind.choices)
    description = models.CharField(_("what"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Hours, square feet, items … as the description says."),
    )
    value = models.DecimalField(_("value (US dollars)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "description"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.value is not None and self.value < 0:
            errors["value"] = _("A contribution's value cannot be negative.")
        if self.quantity is not None and self.quantity < 0:
            errors["quantity"] = _("A quantity cannot be negative.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end must be on or after the start.")
        if errors:
            raise ValidationError(errors)


class FundingStream(models.Model):
    """Money that keeps a programme going (a grant, a contract), with the day it ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.CASCADE,
        related_name="funding_streams",
        verbose_name=_("programme"),
    )
    funder = models.CharField(_("funder"), max_length=200)
    amount = models.DecimalField(_("amount (US dollars)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["ends_on", "funder"]

    def __str__(self) -> str:
        return f"{self.funder} → {self.programme}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.amount is not None and self.amount < 0:
            errors["amount"] = _("An amount cannot be negative.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end must be on or after the start.")
        if errors:
            raise ValidationError(errors)


# --- community voice --------------------------------------------------------------------------


class FeedbackTopic(models.TextChoices):
    SERVICES = "services", _("Finding or using services")
    ACCESS = "access", _("Getting there, opening hours or language")
    HEALTH = "health", _("Health and wellbeing")
    SAFETY = "safety", _("Safety in the neighbourhood")
    IDEA = "idea", _("An idea for the partnership")
    OTHER = "other", _("Something else")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    ACTED = "acted", _("Acted on")
    CLOSED = "closed", _("Closed without action")


class Feedback(models.Model):
    """What a resident told the partnership, anonymously: no account, name or contact is
    asked for or kept. The words are encrypted at rest and read only by coalition admins;
    the public "you said, we did" page shows the admins' own summary, never the words."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(_("topic"), max_length=16, choices=FeedbackTopic.choices)
    text = EncryptedTextField(_("what you want to tell us"))
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    you_said = models.CharField(
        _("you said (a summary, in your own words)"),
        max_length=300,
        blank=True,
        help_text=_("What the public page shows. Leave out anything that could identify anyone."),
    )
    we_did = models.TextField(_("we did"), blank=True)
    published = models.BooleanField(_("show on the “You said, we did” page"), default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.created_at:%Y-%m-%d})"

    def clean(self) -> None:
        if self.published:
            errors = {}
            if not self.you_said.strip():
                errors["you_said"] = _("Write the summary the public page will show.")
            if not self.we_did.strip():
                errors["we_did"] = _("Say what the partnership did.")
            if errors:
                raise ValidationError(errors)


class Survey(models.Model):
    """A short survey for residents: a few questions, each with choices; anonymous."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:survey_answer", args=[self.pk])


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.text


class SurveyChoice(models.Model):
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="choices")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    # How many residents chose it: a counter, not a row per answer, so no answer can be
    # linked with the others a resident gave.
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.label
