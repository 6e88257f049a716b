"""The health education library: writing, reviewing and reading pages, in every language.

Writes are keyword-only, validated and all-or-nothing: a problem raises ValidationError
naming the field (messages below, reused by the tests). The review rule (docs/programs-
campaigns-and-learning.md) is enforced here as well as on the pages: only a publisher
(commonweal.policy.can_publish_education) publishes, and only with a named reviewer and a
review date no later than today.

Reading: a resident sees the version in their language, or the English one with a note.
Visits are counted per day, page and language only (`count_visit`), like the search log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commonweal import policy
from commonweal.programs.campaign_models import (
    EducationPage,
    PageStatus,
    PageTopic,
    PageVersion,
    PageVisit,
)

logger = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"
LINKS_SHOWN = 3  # a "Learn more" box is a pointer, not a second page of results
TOPIC_PATTERN_MAX = 64
RESERVED_SLUGS = frozenset({"campaigns"})  # /learn/campaigns/ is the campaigns' own path

SLUG_TAKEN = _("Another page already uses this web address name.")
TITLE_NEEDED = _("Enter a title.")
SUMMARY_NEEDED = _("Enter a short summary.")
BODY_NEEDED = _("Enter the text of the page.")
UNKNOWN_LANGUAGE = _("Choose one of the site's languages.")
REVIEWER_NEEDED = _("Name who reviewed the page before it is published.")
REVIEW_DATE_NEEDED = _("Enter the date of the review (today or earlier).")
ENGLISH_NEEDED = _("A page needs its English version before it is published.")
NOT_A_PUBLISHER = _("Only a coalition admin publishes a page.")
NOT_AN_EDITOR = _("You may not change this page.")


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def reader_language(language: str | None = None) -> str:
    """The site language a reader reads in ("es-mx" and "es" are both "es")."""
    code = (language or get_language() or FALLBACK_LANGUAGE).lower().split("-")[0]
    return code if code in languages() else FALLBACK_LANGUAGE


@dataclass(frozen=True)
class Reading:
    """What a reader sees: the version, whether it is a fallback, and the other languages."""

    page: EducationPage
    version: PageVersion
    fell_back: bool
    others: tuple[PageVersion, ...]


def version_for(page: EducationPage, language: str | None = None) -> PageVersion | None:
    """The page in the reader's language, else in English, else in any language (uses the
    prefetched versions when there are)."""
    wanted = reader_language(language)
    by_language = {v.language: v for v in page.versions.all()}
    return (
        by_language.get(wanted)
        or by_language.get(FALLBACK_LANGUAGE)
        or next(iter(by_language.values()), None)
    )


def read(page: EducationPage, language: str | None = None) -> Reading | None:
    wanted = reader_language(language)
    version = version_for(page, wanted)
    if version is None:
        return None
    others = tuple(v for v in page.versions.all() if v.pk != version.pk)
    return Reading(page=page, version=version, fell_back=version.language != wanted, others=others)


@dataclass(frozen=True)
class Link:
    slug: str
    title: str
    summary: str
    language: str  # of the title and summary (a fallback is marked lang="en" on the page)
    crisis_related: bool


def links(pages: Any, language: str | None = None, limit: int = LINKS_SHOWN) -> list[Link]:
    """Links to the published ones of `pages`, titled in the reader's language or else in
    English: one query, whatever the number of pages (crisis pages first)."""
    wanted = reader_language(language)
    versions = (
        PageVersion.objects.filter(
            page__in=pages.published().values("pk"),
            language__in={wanted, FALLBACK_LANGUAGE},
        )
        .select_related("page")
        .order_by("-page__crisis_related", "page__slug")
    )
    chosen: dict[Any, PageVersion] = {}
    for version in versions:
        if version.page_id not in chosen or version.language == wanted:
            chosen[version.page_id] = version
    return [
        Link(v.page.slug, v.title, v.summary, v.language, v.page.crisis_related)
        for v in list(chosen.values())[:limit]
    ]


def links_for_topics(topics: list[str], language: str | None = None) -> list[Link]:
    return links(EducationPage.objects.about(topics), language)


def links_for_programme(programme: Any, language: str | None = None) -> list[Link]:
    return links(programme.education_pages.all(), language, limit=20)


# --- writing ----------------------------------------------------------------------------


def clean_topics(raw: list[str] | str) -> list[str]:
    """Topic codes from a list or from text separated by commas or spaces, deduplicated."""
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    return list(
        dict.fromkeys(
            str(item).strip().lower()[:TOPIC_PATTERN_MAX] for item in items if str(item).strip()
        )
    )


def _check_version(language: str, title: str, summary: str, body: str) -> None:
    errors: dict[str, list[Any]] = {}
    if language not in languages():
        errors["language"] = [UNKNOWN_LANGUAGE]
    if not title.strip():
        errors["title"] = [TITLE_NEEDED]
    if not summary.strip():
        errors["summary"] = [SUMMARY_NEEDED]
    if not body.strip():
        errors["body"] = [BODY_NEEDED]
    if errors:
        raise ValidationError(errors)


def _set_topics(page: EducationPage, topics: list[str]) -> None:
    page.topic_links.exclude(code__in=topics).delete()
    existing = set(page.topic_links.values_list("code", flat=True))
    PageTopic.objects.bulk_create(
        [PageTopic(page=page, code=code) for code in topics if code not in existing]
    )


@transaction.atomic
def create_page(
    *,
    by: Any,
    organization: Any,
    slug: str,
    topics: list[str],
    crisis_related: bool,
    language: str,
    title: str,
    summary: str,
    body: str,
) -> EducationPage:
    """A new draft page with its first version. The caller has checked `by` may write for
    `organization` (None: the partnership's own page, publishers only)."""
    slug = slugify(slug or title)[:80]
    errors: dict[str, list[Any]] = {}
    try:
        _check_version(language, title, summary, body)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not slug:
        errors.setdefault("slug", []).append(TITLE_NEEDED)
    elif slug in RESERVED_SLUGS or EducationPage.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(SLUG_TAKEN)
    if errors:
        raise ValidationError(errors)
    page = EducationPage.objects.create(
        slug=slug, organization=organization, crisis_related=crisis_related, created_by=by
    )
    _set_topics(page, clean_topics(topics))
    PageVersion.objects.create(
        page=page, language=language, title=title.strip(), summary=summary.strip(), body=body
    )
    return page


def _editable(page: EducationPage, by: Any) -> EducationPage:
    locked = EducationPage.objects.select_for_update().get(pk=page.pk)
    if not policy.can_edit_education_page(by, locked):
        raise PermissionDenied(NOT_AN_EDITOR)
    return locked


@transaction.atomic
def update_page(
    page: EducationPage, *, by: Any, slug: str, topics: list[str], crisis_related: bool
) -> EducationPage:
    page = _editable(page, by)
    slug = slugify(slug)[:80]
    if not slug:
        raise ValidationError({"slug": [TITLE_NEEDED]})
    if (
        slug in RESERVED_SLUGS
        or EducationPage.objects.filter(slug=slug).exclude(pk=page.pk).exists()
    ):
        raise ValidationError({"slug": [SLUG_TAKEN]})
    page.slug = slug
    page.crisis_related = crisis_related
    page.save(update_fields=["slug", "crisis_related", "updated_at"])
    _set_topics(page, clean_topics(topics))
    return page


@transaction.atomic
def save_version(
    page: EducationPage, *, by: Any, language: str, title: str, summary: str, body: str
) -> PageVersion:
    """Add or replace the page's version in `language`."""
    page = _editable(page, by)
    _check_version(language, title, summary, body)
    version, _created = PageVersion.objects.update_or_create(
        page=page,
        language=language,
        defaults={"title": title.strip(), "summary": summary.strip(), "body": body},
    )
    page.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def submit_for_review(page: EducationPage, *, by: Any) -> EducationPage:
    page = _editable(page, by)
    if page.status == PageStatus.DRAFT:
        page.status = PageStatus.IN_REVIEW
        page.save(update_fields=["status", "updated_at"])
    return page


@transaction.atomic
def publish(
    page: EducationPage, *, by: Any, reviewed_by: str, reviewed_on: dt.date | None
) -> EducationPage:
    """Publish after review. The rule: a publisher, a named reviewer, a review date."""
    if not policy.can_publish_education(by):
        raise PermissionDenied(NOT_A_PUBLISHER)
    page = EducationPage.objects.select_for_update().get(pk=page.pk)
    errors: dict[str, list[Any]] = {}
    if not reviewed_by.strip():
        errors["reviewed_by"] = [REVIEWER_NEEDED]
    if reviewed_on is None or reviewed_on > timezone.localdate():
        errors["reviewed_on"] = [REVIEW_DATE_NEEDED]
    if not page.versions.filter(language=FALLBACK_LANGUAGE).exists():
        errors["__all__"] = [ENGLISH_NEEDED]
    if errors:
        raise ValidationError(errors)
    page.status = PageStatus.PUBLISHED
    page.reviewed_by = reviewed_by.strip()
    page.reviewed_on = reviewed_on
    page.published_by = by
    page.published_at = timezone.now()
    page.save()
    return page


@transaction.atomic
def unpublish(page: EducationPage, *, by: Any) -> EducationPage:
    if not policy.can_publish_education(by):
        raise PermissionDenied(NOT_A_PUBLISHER)
    page = EducationPage.objects.select_for_update().get(pk=page.pk)
    page.status = PageStatus.DRAFT
    page.save(update_fields=["status", "updated_at"])
    return page


@transaction.atomic
def set_programme_pages(programme: Any, *, by: Any, pages: list[EducationPage]) -> None:
    """The related pages a programme lists (the caller checked `by` manages it). Only
    published pages: a programme's public page must not point at a draft."""
    chosen = [p for p in pages if p.status == PageStatus.PUBLISHED]
    programme.education_pages.set(chosen)


# --- counting visits --------------------------------------------------------------------


def count_visit(page: EducationPage, *, language: str, day: dt.date | None = None) -> None:
    """One more reading of `page` in `language` today. Never raises: a page must not fail
    because its count could not be kept. The row holds the day, the page and the language
    only, so a count can never be tied to a reader (no address, user, session or time)."""
    language = reader_language(language)
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            updated = PageVisit.objects.filter(page=page, day=day, language=language).update(
                count=F("count") + 1
            )
            if updated:
                return
            try:
                with transaction.atomic():
                    PageVisit.objects.create(page=page, day=day, language=language, count=1)
            except IntegrityError:
                # Another reader's first visit of the day was counted in between.
                PageVisit.objects.filter(page=page, day=day, language=language).update(
                    count=F("count") + 1
                )
    except Exception:
        logger.warning("a page visit could not be counted", exc_info=False)


# --- the starter library (data files in programs/data/education/) ------------------------

LIBRARY_DIR = Path(__file__).resolve().parent / "data" / "education"


@dataclass(frozen=True)
class StarterVersion:
    language: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class StarterPage:
    slug: str
    topics: tuple[str, ...]
    crisis_related: bool
    reviewed_by: str
    reviewed_on: dt.date
    versions: tuple[StarterVersion, ...]


def _read_version(path: Path, language: str) -> StarterVersion:
    head, _sep, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    missing = {"title", "summary"} - set(fields)
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(sorted(missing))} line")
    return StarterVersion(
        language, fields["title"].strip(), fields["summary"].strip(), body.strip()
    )


def read_starter_pages(directory: Path = LIBRARY_DIR) -> list[StarterPage]:
    """The starter pages as the files in `directory` describe them (no database)."""
    index = json.loads((directory / "pages.json").read_text(encoding="utf-8"))
    pages = []
    for entry in index["pages"]:
        versions = tuple(
            _read_version(path, path.name.split(".")[-2])
            for path in sorted(directory.glob(f"{entry['slug']}.*.md"))
        )
        if not any(v.language == FALLBACK_LANGUAGE for v in versions):
            raise ValueError(f"{entry['slug']}: no English version")
        pages.append(
            StarterPage(
                slug=entry["slug"],
                topics=tuple(clean_topics(entry["topics"])),
                crisis_related=bool(entry.get("crisis_related")),
                reviewed_by=entry.get("reviewed_by", index["reviewed_by"]),
                reviewed_on=dt.date.fromisoformat(entry.get("reviewed_on", index["reviewed_on"])),
                versions=versions,
            )
        )
    return pages


def load_starter_pages(
    *, page_model: Any = None, version_model: Any = None, topic_model: Any = None
) -> int:
    """Add the starter pages that are not in the database yet, published; returns how many
    were added. A page already there (by its slug) is left as its editors made it, so
    loading again changes nothing. The models are parameters for the data migration."""
    page_model = page_model or EducationPage
    version_model = version_model or PageVersion
    topic_model = topic_model or PageTopic
    added = 0
    with transaction.atomic():
        for starter in read_starter_pages():
            if page_model.objects.filter(slug=starter.slug).exists():
                continue
            page = page_model.objects.create(
                slug=starter.slug,
                crisis_related=starter.crisis_related,
                status=PageStatus.PUBLISHED,
                reviewed_by=starter.reviewed_by,
                reviewed_on=starter.reviewed_on,
                published_at=timezone.now(),
            )
            topic_model.objects.bulk_create(
                [topic_model(page=page, code=code) for code in starter.topics]
            )
            version_model.objects.bulk_create(
                [
                    version_model(
                        page=page,
                        language=v.language,
                        title=v.title,
                        summary=v.summary,
                        body=v.body,
                    )
                    for v in starter.versions
                ]
            )
            added += 1
    return added
