import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import commonweal.lib.encrypted_fields


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_personal_reminders"),
        ("directory", "0004_search_speed"),
        ("partnerships", "0005_resource_ledger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VolunteerRole",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("event_help", "Event help"),
                            ("peer_support", "Peer support"),
                            ("driver", "Driver"),
                            ("interpreter", "Interpreter"),
                            ("mentor", "Mentor"),
                            ("other", "Other"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(blank=True, verbose_name="what you will do")),
                (
                    "skills",
                    models.JSONField(blank=True, default=list, verbose_name="skills wanted"),
                ),
                ("languages", models.JSONField(blank=True, default=list, verbose_name="languages")),
                ("online", models.BooleanField(default=False, verbose_name="online")),
                (
                    "area",
                    models.CharField(
                        blank=True,
                        help_text="Where, when it is not one place: a neighbourhood, a city, a ZIP code.",
                        max_length=200,
                        verbose_name="area",
                    ),
                ),
                (
                    "schedule",
                    models.CharField(
                        choices=[
                            ("dates", "On set dates"),
                            ("weekly", "Every week"),
                            ("flexible", "Flexible: when it suits you"),
                        ],
                        default="flexible",
                        max_length=10,
                        verbose_name="when",
                    ),
                ),
                ("starts_on", models.DateField(blank=True, null=True, verbose_name="first day")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="last day")),
                (
                    "slots",
                    models.JSONField(blank=True, default=list, verbose_name="days and times"),
                ),
                (
                    "schedule_note",
                    models.CharField(
                        blank=True,
                        help_text="For example: 9 am to 12 noon, the first Saturday of the month.",
                        max_length=200,
                        verbose_name="more about the times",
                    ),
                ),
                (
                    "places",
                    models.PositiveIntegerField(default=1, verbose_name="volunteers needed"),
                ),
                (
                    "minimum_age",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="youngest age"
                    ),
                ),
                (
                    "training_required",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("mhfa", "Mental Health First Aid"),
                            ("pfa", "Psychological first aid"),
                            ("chw", "Community health worker certification"),
                            ("qpr", "QPR suicide prevention"),
                            ("trauma_informed", "Trauma-informed care"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="training required",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft (not shown)"),
                            ("open", "Open for sign-ups"),
                            ("closed", "Closed"),
                        ],
                        default="open",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "location",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="volunteer_roles",
                        to="directory.location",
                        verbose_name="place",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="volunteer_roles",
                        to="directory.organization",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="volunteer_roles",
                        to="programs.programme",
                        verbose_name="programme",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="volunteer_roles",
                        to="programs.session",
                        verbose_name="event session",
                    ),
                ),
            ],
            options={"ordering": ["title"]},
        ),
        migrations.CreateModel(
            name="VolunteerSignup",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("name", commonweal.lib.encrypted_fields.EncryptedTextField(verbose_name="name")),
                (
                    "contact",
                    commonweal.lib.encrypted_fields.EncryptedTextField(
                        verbose_name="phone or email"
                    ),
                ),
                ("channel", models.CharField(default="email", max_length=8)),
                ("language", models.CharField(blank=True, max_length=8)),
                ("languages", models.JSONField(blank=True, default=list)),
                ("skills", models.JSONField(blank=True, default=list)),
                (
                    "other_skills",
                    commonweal.lib.encrypted_fields.EncryptedTextField(
                        blank=True, verbose_name="other skills"
                    ),
                ),
                ("availability", models.JSONField(blank=True, default=list)),
                ("says_trained", models.BooleanField(default=False)),
                ("old_enough", models.BooleanField(default=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for an answer"),
                            ("confirmed", "Confirmed"),
                            ("declined", "Not this time"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signups",
                        to="programs.volunteerrole",
                    ),
                ),
            ],
            options={"ordering": ["created_at"]},
        ),
        migrations.CreateModel(
            name="VolunteerHours",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("on", models.DateField(verbose_name="date")),
                (
                    "hours",
                    models.DecimalField(decimal_places=2, max_digits=4, verbose_name="hours"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "logged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "signup",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hours",
                        to="programs.volunteersignup",
                    ),
                ),
            ],
            options={"ordering": ["on"]},
        ),
        migrations.CreateModel(
            name="VolunteerMonth",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("month", models.DateField()),
                (
                    "contribution",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="volunteer_month",
                        to="partnerships.contribution",
                    ),
                ),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="months",
                        to="programs.volunteerrole",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="volunteersignup",
            index=models.Index(fields=["role", "status"], name="programs_vo_role_id_9ac19b_idx"),
        ),
        migrations.AddConstraint(
            model_name="volunteerhours",
            constraint=models.UniqueConstraint(
                fields=("signup", "on"), name="volunteer_hours_once_a_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteerhours",
            constraint=models.CheckConstraint(
                condition=models.Q(("hours__gt", 0), ("hours__lte", 24)),
                name="volunteer_hours_in_a_day",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteermonth",
            constraint=models.UniqueConstraint(
                fields=("role", "month"), name="one_contribution_a_month"
            ),
        ),
    ]
