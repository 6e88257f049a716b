"""The partnership workspace's tables: partner profiles and their contacts (more to come)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
