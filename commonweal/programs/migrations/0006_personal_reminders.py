# Personal reminders (programs/reminder_models.py): plans and the opt-out list.
import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import commonweal.lib.encrypted_fields


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_routes"),
        ("directory", "0004_search_speed"),
        ("referrals", "0007_encrypt_contact_details"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderOptOut",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address_hash", models.CharField(max_length=64, unique=True)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("link", "Stop link"),
                            ("sms", "Text reply"),
                            ("staff", "Staff, at the person's request"),
                        ],
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name="ReminderPlan",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("appointment", "Appointment"),
                            ("medication", "Medicine"),
                            ("session", "Group or class"),
                            ("other", "Something else"),
                        ],
                        max_length=12,
                        verbose_name="what for",
                    ),
                ),
                (
                    "label",
                    commonweal.lib.encrypted_fields.EncryptedTextField(
                        blank=True, max_length=80, verbose_name="your note"
                    ),
                ),
                (
                    "show_label",
                    models.BooleanField(default=False, verbose_name="show my note in the message"),
                ),
                ("starts_on", models.DateField(verbose_name="date")),
                ("times", models.JSONField(default=list, verbose_name="times")),
                (
                    "repeat",
                    models.CharField(
                        choices=[
                            ("once", "Once"),
                            ("daily", "Every day"),
                            ("weekly", "Every week"),
                        ],
                        default="once",
                        max_length=8,
                        verbose_name="repeat",
                    ),
                ),
                ("weekdays", models.JSONField(blank=True, default=list, verbose_name="days")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="last day")),
                ("lead_minutes", models.PositiveIntegerField(default=0, verbose_name="how early")),
                ("time_zone", models.CharField(max_length=64, verbose_name="time zone")),
                ("channel", models.CharField(max_length=8, verbose_name="send by")),
                (
                    "address",
                    commonweal.lib.encrypted_fields.EncryptedTextField(
                        max_length=254, verbose_name="phone number or email"
                    ),
                ),
                ("address_hash", models.CharField(db_index=True, max_length=64)),
                ("language", models.CharField(max_length=8, verbose_name="language")),
                ("window_start", models.TimeField(verbose_name="safe from")),
                ("window_end", models.TimeField(verbose_name="safe until")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("unconfirmed", "Waiting for you to confirm"),
                            ("active", "On"),
                            ("paused", "Paused"),
                            ("stopped", "Stopped"),
                        ],
                        db_index=True,
                        default="unconfirmed",
                        max_length=12,
                    ),
                ),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("token_nonce", models.CharField(max_length=32)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("stopped_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="directory.organization",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_plans",
                        to="referrals.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
    ]
