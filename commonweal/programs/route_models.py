"""Mobile services: a route of stops (location + schedule) and "the next stop near me".

Models of this part; imported by programs/models.py so Django finds them. A route belongs
to a directory Organization (and may name one of its Services); a stop is a directory
Location of that organisation, or an address placed on the map by the directory's
geocoder. A stop's schedule has the same meaning as a programme session's (recurrence.py):
a first visit, an optional RFC 5545 rule, dates with no visit, and cancelled visits.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commonweal.programs import recurrence


class RouteKind(models.TextChoices):
    MOBILE_CLINIC = "mobile_clinic", _("Mobile clinic")
    FOOD_TRUCK = "food_truck", _("Food truck")
    MOBILE_PANTRY = "mobile_pantry", _("Mobile food pantry")
    OUTREACH_VAN = "outreach_van", _("Outreach van")
    OTHER = "other", _("Other mobile service")


class RouteQuerySet(models.QuerySet):
    def published(self) -> RouteQuerySet:
        return self.filter(published=True)

    def of(self, organizations: models.QuerySet) -> RouteQuerySet:
        return self.filter(organization__in=organizations)

    def with_organization(self) -> RouteQuerySet:
        return self.select_related("organization", "service").order_by("name")


class Route(models.Model):
    """A vehicle's round: a mobile clinic, food truck, mobile pantry or outreach van."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="routes"
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mobile_routes",
        verbose_name=_("service"),
        help_text=_("The directory service this route delivers, if any."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=RouteKind.choices)
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("Stop times are in this zone, for example America/New_York."),
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Shown on the public pages and in search.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RouteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:route_detail", kwargs={"route_id": self.pk})


class Stop(models.Model):
    """Where and when the vehicle parks: one visit, or a repeating series of them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    name = models.CharField(
        _("stop name"),
        max_length=200,
        blank=True,
        help_text=_("What people know the place by, for example “Church parking lot”."),
    )
    location = models.ForeignKey(
        "directory.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="route_stops",
        verbose_name=_("place"),
        help_text=_("One of the organisation's places, or leave empty and give an address."),
    )
    address = models.CharField(_("street address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    # The point of an address stop: typed in, or placed by the directory's geocoder (a ZIP
    # code's or city's centre, so `approximate`). A Location stop uses the Location's point.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    approximate = models.BooleanField(default=False)
    # The first visit as wall-clock time in the route's zone (RFC 5545 DTSTART;TZID=…).
    starts_on = models.DateField(_("date"))
    arrives_at = models.TimeField(_("arrives at"))
    departs_at = models.TimeField(_("leaves at"))
    rule = models.CharField(
        _("repeat rule"),
        max_length=500,
        blank=True,
        help_text=_(
            "Leave empty for one visit. To repeat, an RFC 5545 rule with COUNT or UNTIL, "
            "for example FREQ=WEEKLY;BYDAY=TH;UNTIL=20261231."
        ),
    )
    # Original local starts ("2026-03-10T10:00:00") with no visit (RFC 5545 EXDATE).
    exdates = models.JSONField(default=list, blank=True)
    notes = models.CharField(
        _("notes"),
        max_length=300,
        blank=True,
        help_text=_("For example “Park behind the library”."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "arrives_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What the stop is called on a page: its name, its place's, or its street."""
        if self.name:
            return self.name
        if self.location_id and self.location.name:
            return self.location.name
        return ", ".join(part for part in [self.address, self.city] if part)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.location_id and self.location.latitude is not None:
            if self.location.longitude is not None:
                return (self.location.latitude, self.location.longitude)
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        return None

    @property
    def first_start(self) -> dt.datetime:
        return dt.datetime.combine(self.starts_on, self.arrives_at)

    @property
    def duration(self) -> dt.timedelta:
        return dt.datetime.combine(self.starts_on, self.departs_at) - self.first_start

    def excluded(self) -> list[dt.datetime]:
        return [dt.datetime.fromisoformat(text) for text in self.exdates]

    def occurrences(
        self,
        *,
        window_start: dt.datetime | None = None,
        window_end: dt.datetime | None = None,
        cancelled: list[str] | None = None,
    ) -> list[recurrence.Occurrence]:
        """The visits in the window; `cancelled` (keys) saves a query when already read."""
        if cancelled is None:
            cancelled = [c.occurrence for c in self.cancellations.all()]
        return recurrence.expand(
            first=self.first_start,
            duration=self.duration,
            time_zone=self.route.time_zone,
            rule=self.rule,
            exdates=self.excluded(),
            cancelled=[dt.datetime.fromisoformat(key) for key in cancelled],
            window_start=window_start,
            window_end=window_end,
        )


class StopCancellation(models.Model):
    """One visit that will not happen (it stays on the page, marked "Cancelled")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="cancellations")
    # The visit's original local start, naive ISO text (as programmes' Cancellation).
    occurrence = models.CharField(max_length=19)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stop", "occurrence"], name="one_stop_cancellation_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stop} cancelled at {self.occurrence}"
