"""The people a partnership serves (a client record) and the organisations caring for them.

Minimum necessary: only a given name is required; everything else is asked when it helps
someone reach the person safely. Issue 5 (consent, referrals) and issue 8 (encryption at
rest, erasure) extend these models rather than replace them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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

    phone = models.CharField(_("phone"), max_length=32, blank=True)
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
    safe_times = models.CharField(_("safe times to contact"), max_length=200, blank=True)

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
