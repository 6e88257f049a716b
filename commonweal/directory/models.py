"""The directory on Open Referral HSDS 3.0: one model per HSDS table, HSDS field names.

Ids are UUIDs as HSDS 3.0 requires. Optional HSDS text fields are stored as "" when
absent (Django's convention) and exported as absent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

CASCADE = models.CASCADE


def _uuid() -> uuid.UUID:
    return uuid.uuid4()


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=_uuid, editable=False)

    class Meta:
        abstract = True


class Organization(HsdsModel):
    name = models.TextField()
    alternate_name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    email = models.TextField(blank=True)
    website = models.TextField(blank=True)
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = models.TextField(blank=True)
    logo = models.TextField(blank=True)
    uri = models.TextField(blank=True)
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    tax_status = models.TextField(blank=True)
    tax_id = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organization_detail", args=[self.id])


class OrganizationIdentifier(HsdsModel):
    organization = models.ForeignKey(
        Organization, on_delete=CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.TextField(blank=True)
    identifier_type = models.TextField()
    identifier = models.TextField()

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


class Program(HsdsModel):
    organization = models.ForeignKey(Organization, on_delete=CASCADE, related_name="programs")
    name = models.TextField()
    alternate_name = models.TextField(blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet):
    def active(self) -> ServiceQuerySet:
        return self.filter(status="active")

    def for_organization(self, organization: Organization) -> ServiceQuerySet:
        return self.filter(organization=organization)

    def in_category(self, term: TaxonomyTerm) -> ServiceQuerySet:
        """Services tagged with the term or any of its descendants."""
        ids = term.descendant_ids()
        return self.filter(
            id__in=Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=ids).values(
                "link_id"
            )
        )


class Service(HsdsModel):
    STATUS_CHOICES = [
        ("active", "active"),
        ("inactive", "inactive"),
        ("defunct", "defunct"),
        ("temporarily closed", "temporarily closed"),
    ]
    organization = models.ForeignKey(Organization, on_delete=CASCADE, related_name="services")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.TextField()
    alternate_name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    url = models.TextField(blank=True)
    email = models.TextField(blank=True)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES, default="active")
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.TextField(blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    maximum_age = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.TextField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    # HSDS `last_modified`: kept as given by an import; set to now by edits here.
    last_modified = models.DateTimeField(default=timezone.now)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["last_modified"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service_detail", args=[self.id])

    def attributes(self) -> models.QuerySet[Attribute]:
        return Attribute.objects.filter(link_entity="service", link_id=self.id).select_related(
            "taxonomy_term__taxonomy"
        )


class Location(HsdsModel):
    TYPE_CHOICES = [("physical", "physical"), ("postal", "postal"), ("virtual", "virtual")]
    location_type = models.CharField(max_length=16, choices=TYPE_CHOICES, default="physical")
    url = models.TextField(blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=CASCADE, related_name="locations"
    )
    name = models.TextField(blank=True)
    alternate_name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.TextField(blank=True)
    external_identifier_type = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HsdsModel):
    service = models.ForeignKey(Service, on_delete=CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Address(HsdsModel):
    TYPE_CHOICES = Location.TYPE_CHOICES
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=CASCADE, related_name="addresses"
    )
    attention = models.TextField(blank=True)
    address_1 = models.TextField()
    address_2 = models.TextField(blank=True)
    city = models.TextField()
    region = models.TextField(blank=True)
    state_province = models.TextField()
    postal_code = models.TextField()
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=16, choices=TYPE_CHOICES, default="physical")

    class Meta:
        indexes = [models.Index(fields=["postal_code"])]

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        parts = [
            self.address_1,
            self.address_2,
            self.city,
            f"{self.state_province} {self.postal_code}".strip(),
        ]
        return ", ".join(p for p in parts if p)


class Contact(HsdsModel):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=CASCADE, related_name="contacts"
    )
    name = models.TextField(blank=True)
    title = models.TextField(blank=True)
    department = models.TextField(blank=True)
    email = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or self.email or str(self.id)


class Phone(HsdsModel):
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=CASCADE, related_name="phones"
    )
    number = models.TextField()
    extension = models.TextField(blank=True)
    type = models.TextField(blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.number

    def tel_href(self) -> str:
        digits = "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
        if self.extension:
            digits += f",{self.extension}"
        return f"tel:{digits}"


class Schedule(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=3, blank=True)
    freq = models.CharField(max_length=8, blank=True)
    interval = models.IntegerField(null=True, blank=True)
    byday = models.TextField(blank=True)
    byweekno = models.TextField(blank=True)
    bymonthday = models.TextField(blank=True)
    byyearday = models.TextField(blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.TextField(blank=True)
    attending_type = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.description or f"{self.byday} {self.opens_at}–{self.closes_at}"


class ServiceArea(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="service_areas"
    )
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.TextField(blank=True)
    uri = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Language(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=CASCADE, related_name="languages"
    )
    name = models.TextField(blank=True)
    code = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.name or self.code


class Accessibility(HsdsModel):
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=CASCADE, related_name="accessibility"
    )
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description or str(self.id)


class CostOption(HsdsModel):
    service = models.ForeignKey(Service, on_delete=CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.option or self.amount_description or str(self.id)


class RequiredDocument(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="required_documents"
    )
    document = models.TextField(blank=True)
    uri = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.document


class Funding(HsdsModel):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=CASCADE, related_name="fundings"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="fundings"
    )
    source = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.source


class Url(HsdsModel):
    """Extra links for an organization or service (HSDS 3.1 `url`; 3.0.0 has no table for it,
    so these are shown on pages but not exported)."""

    label = models.TextField(blank=True)
    url = models.TextField()
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=CASCADE, related_name="additional_urls"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=CASCADE, related_name="additional_urls"
    )

    def __str__(self) -> str:
        return self.url


class Taxonomy(HsdsModel):
    name = models.TextField()
    description = models.TextField(blank=True)
    uri = models.TextField(blank=True)
    version = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsModel):
    code = models.TextField(blank=True)
    name = models.TextField()
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=CASCADE, related_name="terms"
    )
    # HSDS also has a free-text `taxonomy` column (the taxonomy's name); kept when given
    # without a taxonomy_id.
    taxonomy_name = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    term_uri = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["taxonomy", "code"])]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> list[uuid.UUID]:
        """This term's id and all its descendants' ids (breadth-first, cycle-safe)."""
        seen: list[uuid.UUID] = [self.id]
        frontier = [self.id]
        while frontier:
            frontier = [
                i
                for i in TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list(
                    "id", flat=True
                )
                if i not in seen
            ]
            seen.extend(frontier)
        return seen


class Attribute(HsdsModel):
    """Links a taxonomy term to any HSDS record (link_entity names its table)."""

    link_id = models.UUIDField()
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=CASCADE, related_name="attributes")
    link_type = models.TextField(blank=True)
    link_entity = models.CharField(max_length=32)
    value = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["link_entity", "link_id"]),
            models.Index(fields=["taxonomy_term", "link_entity"]),
        ]

    def __str__(self) -> str:
        return f"{self.link_entity} {self.link_id} → {self.taxonomy_term_id}"


class Metadata(HsdsModel):
    """HSDS change log: one row per changed field of a record."""

    resource_id = models.UUIDField()
    resource_type = models.CharField(max_length=32)
    last_action_date = models.DateField()
    last_action_type = models.CharField(max_length=32)
    field_name = models.TextField()
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.TextField()

    class Meta:
        verbose_name_plural = "metadata"
        indexes = [models.Index(fields=["resource_type", "resource_id"])]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.resource_id}: {self.last_action_type} {self.field_name}"


class MetaTableDescription(HsdsModel):
    name = models.TextField(blank=True)
    language = models.TextField(blank=True)
    character_set = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class SavedService(models.Model):
    """A service a signed-in person saved to come back to (not part of HSDS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE, related_name="saved_services"
    )
    service = models.ForeignKey(Service, on_delete=CASCADE, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="unique_saved_service")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.service_id}"


class ServiceIntake(models.Model):
    """Whether a service takes new clients now, and how long people wait (not part of HSDS).

    Partner staff keep it current on the service's edit pages; search filters on
    `accepting_new_clients` and referrals read it. One row per service, optional: no row
    means nobody has said ("unknown").
    """

    YES, NO, UNKNOWN = "yes", "no", "unknown"
    ANSWERS = [
        (YES, pgettext_lazy("intake answer", "Yes")),
        (NO, pgettext_lazy("intake answer", "No")),
        (UNKNOWN, pgettext_lazy("intake answer", "Not known")),
    ]

    id = models.UUIDField(primary_key=True, default=_uuid, editable=False)
    service = models.OneToOneField(Service, on_delete=CASCADE, related_name="intake")
    accepting_new_clients = models.CharField(max_length=8, choices=ANSWERS, default=UNKNOWN)
    waitlist = models.CharField(max_length=200, blank=True)
    typical_response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    accepting_referrals = models.CharField(max_length=8, choices=ANSWERS, default=UNKNOWN)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["accepting_new_clients"])]

    def __str__(self) -> str:
        return f"{self.service_id}: new clients {self.accepting_new_clients}"
