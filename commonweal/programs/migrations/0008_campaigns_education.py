import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_search_speed"),
        ("partnerships", "0007_surveys"),
        ("programs", "0007_volunteers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Campaign",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "slug",
                    models.SlugField(max_length=80, unique=True, verbose_name="web address name"),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "aim",
                    models.TextField(help_text="What should change, for whom.", verbose_name="aim"),
                ),
                ("starts_on", models.DateField(verbose_name="starts on")),
                ("ends_on", models.DateField(verbose_name="ends on")),
                ("audiences", models.JSONField(blank=True, default=list, verbose_name="audiences")),
                ("languages", models.JSONField(blank=True, default=list, verbose_name="languages")),
                (
                    "published",
                    models.BooleanField(
                        default=False,
                        help_text="Shown on the public campaign page.",
                        verbose_name="published",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "goals",
                    models.ManyToManyField(
                        blank=True,
                        related_name="campaigns",
                        to="partnerships.goal",
                        verbose_name="goals",
                    ),
                ),
                (
                    "partners",
                    models.ManyToManyField(
                        blank=True,
                        related_name="campaigns",
                        to="partnerships.partner",
                        verbose_name="partners",
                    ),
                ),
            ],
            options={
                "ordering": ["-starts_on", "name"],
            },
        ),
        migrations.CreateModel(
            name="Activity",
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
                            ("event", "Event"),
                            ("workshop", "Workshop"),
                            ("materials", "Materials"),
                            ("outreach", "Outreach"),
                            ("media", "Media"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("held_on", models.DateField(verbose_name="date")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="number reached")),
                ("language", models.CharField(blank=True, max_length=8, verbose_name="language")),
                (
                    "audience",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("faith", "Faith communities"),
                            ("schools", "Schools"),
                            ("youth", "Young people"),
                            ("parents", "Parents and carers"),
                            ("older_adults", "Older adults"),
                            ("veterans", "Veterans"),
                            ("workplaces", "Workplaces"),
                            ("lgbtq", "LGBTQ+ people"),
                            ("newcomers", "Immigrants and newcomers"),
                            ("general", "Everyone"),
                        ],
                        max_length=16,
                        verbose_name="audience",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                    "partner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="campaign_activities",
                        to="partnerships.partner",
                        verbose_name="partner",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="campaign_activities",
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
                        related_name="campaign_activities",
                        to="programs.session",
                        verbose_name="session",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="programs.campaign",
                    ),
                ),
            ],
            options={
                "ordering": ["held_on", "title"],
            },
        ),
        migrations.CreateModel(
            name="EducationPage",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "slug",
                    models.SlugField(max_length=80, unique=True, verbose_name="web address name"),
                ),
                (
                    "crisis_related",
                    models.BooleanField(
                        default=False,
                        help_text="The crisis lines are shown at the top of the page, in full.",
                        verbose_name="about a crisis",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "Waiting for review"),
                            ("published", "Published"),
                        ],
                        default="draft",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "reviewed_by",
                    models.CharField(blank=True, max_length=200, verbose_name="reviewed by"),
                ),
                (
                    "reviewed_on",
                    models.DateField(blank=True, null=True, verbose_name="review date"),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                        help_text="Empty for the partnership's own pages.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="education_pages",
                        to="directory.organization",
                        verbose_name="written by",
                    ),
                ),
                (
                    "programmes",
                    models.ManyToManyField(
                        blank=True, related_name="education_pages", to="programs.programme"
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["slug"],
            },
        ),
        migrations.AddField(
            model_name="campaign",
            name="pages",
            field=models.ManyToManyField(
                blank=True,
                related_name="campaigns",
                to="programs.educationpage",
                verbose_name="education pages",
            ),
        ),
        migrations.CreateModel(
            name="PageTopic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(db_index=True, max_length=64)),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="topic_links",
                        to="programs.educationpage",
                    ),
                ),
            ],
            options={
                "ordering": ["code"],
                "constraints": [
                    models.UniqueConstraint(fields=("page", "code"), name="one_topic_each")
                ],
            },
        ),
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("language", models.CharField(max_length=8, verbose_name="language")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("summary", models.CharField(max_length=300, verbose_name="short summary")),
                ("body", models.TextField(verbose_name="text")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="programs.educationpage",
                    ),
                ),
            ],
            options={
                "ordering": ["language"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("page", "language"), name="one_version_per_language"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PageVisit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("language", models.CharField(max_length=8)),
                ("count", models.PositiveIntegerField(default=0)),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="visits",
                        to="programs.educationpage",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("page", "day", "language"), name="one_visit_row_a_day"
                    )
                ],
            },
        ),
    ]
