import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("programs", "0004_encrypt_registrations"),
    ]

    operations = [
        migrations.CreateModel(
            name="Route",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("mobile_clinic", "Mobile clinic"),
                            ("food_truck", "Food truck"),
                            ("mobile_pantry", "Mobile food pantry"),
                            ("outreach_van", "Outreach van"),
                            ("other", "Other mobile service"),
                        ],
                        max_length=32,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "time_zone",
                    models.CharField(
                        default="America/New_York",
                        help_text="Stop times are in this zone, for example America/New_York.",
                        max_length=64,
                        verbose_name="time zone",
                    ),
                ),
                (
                    "published",
                    models.BooleanField(
                        default=True,
                        help_text="Shown on the public pages and in search.",
                        verbose_name="published",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="routes",
                        to="directory.organization",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        blank=True,
                        help_text="The directory service this route delivers, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="mobile_routes",
                        to="directory.service",
                        verbose_name="service",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Stop",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        blank=True,
                        help_text="What people know the place by, for example “Church parking lot”.",
                        max_length=200,
                        verbose_name="stop name",
                    ),
                ),
                (
                    "address",
                    models.CharField(blank=True, max_length=300, verbose_name="street address"),
                ),
                ("city", models.CharField(blank=True, max_length=100, verbose_name="city")),
                (
                    "postal_code",
                    models.CharField(blank=True, max_length=10, verbose_name="ZIP code"),
                ),
                ("latitude", models.FloatField(blank=True, null=True, verbose_name="latitude")),
                ("longitude", models.FloatField(blank=True, null=True, verbose_name="longitude")),
                ("approximate", models.BooleanField(default=False)),
                ("starts_on", models.DateField(verbose_name="date")),
                ("arrives_at", models.TimeField(verbose_name="arrives at")),
                ("departs_at", models.TimeField(verbose_name="leaves at")),
                (
                    "rule",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty for one visit. To repeat, an RFC 5545 rule with COUNT or UNTIL, for example FREQ=WEEKLY;BYDAY=TH;UNTIL=20261231.",
                        max_length=500,
                        verbose_name="repeat rule",
                    ),
                ),
                ("exdates", models.JSONField(blank=True, default=list)),
                (
                    "notes",
                    models.CharField(
                        blank=True,
                        help_text="For example “Park behind the library”.",
                        max_length=300,
                        verbose_name="notes",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "location",
                    models.ForeignKey(
                        blank=True,
                        help_text="One of the organisation's places, or leave empty and give an address.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="route_stops",
                        to="directory.location",
                        verbose_name="place",
                    ),
                ),
                (
                    "route",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stops",
                        to="programs.route",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_on", "arrives_at"],
            },
        ),
        migrations.CreateModel(
            name="StopCancellation",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("occurrence", models.CharField(max_length=19)),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="reason")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "stop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cancellations",
                        to="programs.stop",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("stop", "occurrence"), name="one_stop_cancellation_each"
                    )
                ],
            },
        ),
    ]
