"""The people a partnership serves (a client record) and the organisations caring for them.

Minimum necessary: only a given name is required; everything else is asked when it helps
someone reach the person safely. Issue 5 (consent, referrals) and issue 8 (encryption at
rest, erasure) extend these models rather than replace them.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal.lib.encrypted_fields import EncryptedJSONField, EncryptedTextField
from commonweal.referrals import phones


class ContactMethod(models.TextChoices):
    PHONE = "phone", pgettext_lazy("contact method", "Phone call")
    TEXT = "text", pgettext_lazy("contact method", "Text message")
    EMAIL = "email", pgettext_lazy("contact method", "Email")
    NONE = "none", pgettext_lazy("contact method", "Do not contact")


class PersonQuerySet(models.QuerySet):
    def in_care_of(self, organization_ids: list) -> PersonQuerySet:
        """People whose care team includes any of these organisations."""
        return self.filter(care_team__organization_id__in=organization_ids).distinct()

    def named(self, text: str) -> PersonQuerySet:
        """People whose given, family or preferred name contains every word of `text`."""
        people = self
        for word in text.split()[:5]:
            people = people.filter(
                models.Q(given_name__icontains=word)
                | models.Q(family_name__icontains=word)
                | models.Q(preferred_name__icontains=word)
            )
        return people


class Person(models.Model):
    """A person served by the partnership (FHIR Patient; an HSDS-independent client record)."""

    # A UUID, not a counter: ids appear in URLs and must not be guessable or countable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=16, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)

    phone = models.CharField(
        _("phone"), max_length=32, blank=True, validators=[phones.validate_phone]
    )
    email = models.EmailField(_("email"), blank=True)
    preferred_contact_method = models.CharField(
        _("preferred contact method"),
        max_length=8,
        choices=ContactMethod.choices,
        blank=True,
    )
    # Safe-to-contact flags default to "no": leaving a voicemail or a text on a shared
    # phone can put someone at risk (domestic violence, a household that must not know).
    voicemail_ok = models.BooleanField(_("voicemail is OK"), default=False)
    text_ok = models.BooleanField(_("text messages are OK"), default=False)
    email_ok = models.BooleanField(_("email is OK"), default=False)
    # "Not when he is home" can reveal a dangerous situation: encrypted like notes are.
    safe_times = EncryptedTextField(_("safe times to contact"), max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [models.Index(fields=["family_name", "given_name", "date_of_birth"])]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin history and error reports.
        return f"Person {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:person_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name to call the person by: their preferred name first."""
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class CareTeamMember(models.Model):
    """An organisation caring for a person; its navigators and partner staff may see them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_team")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="care_team_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"], name="unique_care_team_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} cares for person {self.person_id}"


# --- consent -----------------------------------------------------------------------------------


class DataCategory(models.TextChoices):
    """What a consent lets the partnership share with another organisation."""

    CONTACT = "contact", pgettext_lazy("shared data", "Name and contact details")
    NEEDS = "needs", pgettext_lazy("shared data", "Needs to be addressed")
    SCREENING = "screening", pgettext_lazy("shared data", "Screening results")
    NOTES = "notes", pgettext_lazy("shared data", "Notes from the navigator")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", pgettext_lazy("consent method", "Verbal")
    SIGNED = "signed", pgettext_lazy("consent method", "Signed")


class Consent(models.Model):
    """A person's permission to share some of their data with some organisations (FHIR Consent).

    Never edited after it is recorded except to revoke it; a changed scope is a new consent.
    The rules that use it are in referrals/consent.py and docs/referrals.md.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    organizations = models.ManyToManyField(
        "directory.Organization", related_name="+", verbose_name=_("organisations")
    )
    # A list of DataCategory values; a JSON list rather than a table because the set is
    # small, fixed and always read whole.
    categories = models.JSONField(_("data shared"), default=list)
    purpose = models.CharField(_("purpose"), max_length=200)
    method = models.CharField(_("how consent was given"), max_length=8, choices=ConsentMethod)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = EncryptedTextField(_("why it was revoked"), max_length=200, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.pk} of person {self.person_id}"

    def is_active(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at


# --- referrals ---------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    """FHIR R4 Task.status values, as the SDOH Clinical Care guide uses them."""

    DRAFT = "draft", pgettext_lazy("referral status", "Draft")
    REQUESTED = "requested", pgettext_lazy("referral status", "Sent")
    RECEIVED = "received", pgettext_lazy("referral status", "Received")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("referral status", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "Cancelled")
    ON_HOLD = "on-hold", pgettext_lazy("referral status", "On hold")
    IN_PROGRESS = "in-progress", pgettext_lazy("referral status", "In progress")
    FAILED = "failed", pgettext_lazy("referral status", "Could not be completed")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")


class Urgency(models.TextChoices):
    ROUTINE = "routine", pgettext_lazy("urgency", "Routine")
    SOON = "soon", pgettext_lazy("urgency", "Within a few days")
    URGENT = "urgent", pgettext_lazy("urgency", "Urgent")


class ReasonCode(models.TextChoices):
    """Why a referral was declined, cancelled, put on hold or could not be completed."""

    NO_CAPACITY = "no-capacity", pgettext_lazy("referral reason", "No capacity")
    NOT_ELIGIBLE = "not-eligible", pgettext_lazy("referral reason", "Not eligible")
    COULD_NOT_CONTACT = (
        "could-not-contact",
        pgettext_lazy("referral reason", "Could not contact the person"),
    )
    PERSON_DECLINED = "person-declined", pgettext_lazy("referral reason", "The person declined")
    DUPLICATE = "duplicate", pgettext_lazy("referral reason", "Duplicate referral")
    CONSENT_REVOKED = "consent-revoked", pgettext_lazy("referral reason", "Consent was revoked")
    OTHER = "other", pgettext_lazy("referral reason", "Other")


class Outcome(models.TextChoices):
    SERVED = "served", pgettext_lazy("referral outcome", "Served")
    PARTIALLY_SERVED = "partially-served", pgettext_lazy("referral outcome", "Partially served")
    NOT_SERVED = "not-served", pgettext_lazy("referral outcome", "Not served")


# No 0/O, 1/I/L, U: a code read out on the phone or copied from paper must not be misread.
STATUS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
STATUS_CODE_LENGTH = 12  # 30**12 ≈ 2**59: unguessable, given the lookup is rate-limited


def new_status_code() -> str:
    """A random code for the person's status page (the private link and the short code)."""
    return "".join(secrets.choice(STATUS_CODE_ALPHABET) for _ in range(STATUS_CODE_LENGTH))


class Referral(models.Model):
    """A referral of a person to a service, tracked until the loop is closed (FHIR Task).

    `status` and `version` change only through referrals/lifecycle.py; the receiver reads
    the person only through `shared_person` (a snapshot taken when it was made), never the
    person's record.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    from_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    # The service's organisation, copied so "addressed to my organisation" is one indexed
    # column in every permission query.
    to_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="referrals_received"
    )
    needs = models.JSONField(_("needs addressed"), default=list)
    shared_note = EncryptedTextField(_("note for the receiving organisation"), blank=True)
    private_note = EncryptedTextField(_("private note (your organisation only)"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency, default=Urgency.ROUTINE)
    # What the receiver may know of the person, taken when the referral is made
    # (referring.shared_person): later changes to the person's record never reach them.
    # The contact snapshot the receiver sees (name, phone, safe times): encrypted at rest.
    shared_person = EncryptedJSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=ReferralStatus, default=ReferralStatus.DRAFT, db_index=True
    )
    status_reason = models.CharField(max_length=24, choices=ReasonCode, blank=True)
    version = models.PositiveIntegerField(default=1)
    # NULL, not "": the unique constraint must ignore referrals made without a key.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)
    consent = models.ForeignKey(
        Consent, null=True, on_delete=models.PROTECT, related_name="referrals"
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    outcome_note = EncryptedTextField(_("why"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The person checks their referral with this code (or a link holding it), no account.
    status_code = models.CharField(  # noqa: DJ001 - NULL for none, so "unique" ignores it
        max_length=STATUS_CODE_LENGTH,
        unique=True,
        null=True,
        default=new_status_code,
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="unique_referral_key_per_creator",
            )
        ]
        indexes = [
            models.Index(fields=["to_organization", "status"]),
            models.Index(fields=["from_organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class ReferralEvent(models.Model):
    """One step in a referral's life: who moved it from which status to which, when and why.

    Append-only, like the audit log: history is never rewritten.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=24, blank=True)
    text = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Referral events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        raise PermissionError("Referral events are append-only.")


# The outbox and care plans live in their own modules; imported here so Django registers
# them with this app.
from commonweal.referrals.care_plan_models import (  # noqa: E402, F401
    CarePlan,
    CarePlanGoal,
    CarePlanNote,
)
from commonweal.referrals.outbox_models import OutboxMessage  # noqa: E402, F401
