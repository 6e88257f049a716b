"""The health education library: public pages (/learn/) and the editor (/programs/learn/).

Who may do what is commonweal.policy's (`can_write_education`, `can_edit_education_page`,
`can_publish_education`). Published pages are public, so a refusal to edit is a 403; a
draft is unknown (404) on the public side to anyone who may not edit it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.programs import education, education_markup
from commonweal.programs.campaign_models import Campaign, EducationPage, PageStatus
from commonweal.programs.education_forms import (
    PageCreateForm,
    PageSettingsForm,
    ProgrammePagesForm,
    PublishForm,
    StatusForm,
    VersionForm,
)
from commonweal.programs.event_views import public_programme
from commonweal.programs.views import _apply_errors


def _language_names() -> dict[str, str]:
    from django.conf import settings

    return {code: str(name) for code, name in settings.LANGUAGES}


# --- public -----------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    language = education.reader_language()
    pages = EducationPage.objects.published().with_versions()
    entries = [(page, education.version_for(page, language)) for page in pages]
    entries = sorted(
        ((p, v) for p, v in entries if v is not None), key=lambda e: e[1].title.casefold()
    )
    return render(
        request,
        "programs/learn_index.html",
        {
            "entries": entries,
            "language": language,
            "campaigns": Campaign.objects.published().order_by("-starts_on")[:10],
            "writes": policy.can_write_education(request.user),
        },
    )


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(EducationPage.objects.with_versions(), slug=slug)
    editable = policy.can_edit_education_page(request.user, page)
    if page.status != PageStatus.PUBLISHED and not editable:
        raise Http404
    asked = request.GET.get("language", "")
    language = asked if asked in education.languages() else education.reader_language()
    reading = education.read(page, language)
    if reading is None:
        raise Http404
    if page.status == PageStatus.PUBLISHED:
        education.count_visit(page, language=reading.version.language)
    return render(
        request,
        "programs/learn_page.html",
        {
            "page": page,
            "reading": reading,
            "body": education_markup.render(reading.version.body),
            "language_names": _language_names(),
            "editable": editable,
            "campaigns": page.campaigns.filter(published=True),
        },
    )


# --- the editor -------------------------------------------------------------------------


def _editable(request: HttpRequest, page_id: Any) -> EducationPage:
    page = get_object_or_404(EducationPage.objects.with_versions(), pk=page_id)
    if not policy.can_edit_education_page(request.user, page):
        raise PermissionDenied
    return page


def _manage_url(page: EducationPage) -> str:
    return reverse("programs:learn_page_manage", kwargs={"page_id": page.pk})


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_write_education(request.user):
        raise PermissionDenied
    pages = EducationPage.objects.with_versions().select_related("organization")
    if not policy.can_publish_education(request.user):
        pages = pages.filter(organization__in=policy.education_organizations(request.user))
    rows = [(page, education.version_for(page)) for page in pages]
    return render(
        request,
        "programs/learn_manage_list.html",
        {"rows": rows, "publishes": policy.can_publish_education(request.user)},
    )


@login_required
def page_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_write_education(request.user):
        raise PermissionDenied
    publisher = policy.can_publish_education(request.user)
    form = PageCreateForm(
        request.POST or None,
        organizations=policy.education_organizations(request.user),
        may_leave_empty=publisher,
        initial={"language": education.reader_language()},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = education_markup.render(data["body"])
        else:
            try:
                page = education.create_page(
                    by=request.user,
                    organization=data["organization"],
                    slug=data["slug"],
                    topics=data["topics"],
                    crisis_related=data["crisis_related"],
                    language=data["language"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The page is saved as a draft."))
                return redirect(_manage_url(page))
    return render(request, "programs/learn_form.html", {"form": form, "preview": preview})


@login_required
def page_manage(request: HttpRequest, page_id: Any) -> HttpResponse:
    page = _editable(request, page_id)
    versions = {v.language: v for v in page.versions.all()}
    return render(
        request,
        "programs/learn_manage.html",
        {
            "page": page,
            "languages": [
                (code, name, versions.get(code)) for code, name in _language_names().items()
            ],
            "topics": list(page.topic_links.values_list("code", flat=True)),
            "publishes": policy.can_publish_education(request.user),
            "publish_form": PublishForm(
                initial={"reviewed_by": page.reviewed_by, "reviewed_on": page.reviewed_on}
            ),
            "visits": sum(page.visits.values_list("count", flat=True)),
        },
    )


@login_required
def page_settings(request: HttpRequest, page_id: Any) -> HttpResponse:
    page = _editable(request, page_id)
    form = PageSettingsForm(
        request.POST or None,
        initial={
            "slug": page.slug,
            "topics": list(page.topic_links.values_list("code", flat=True)),
            "crisis_related": page.crisis_related,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            education.update_page(
                page,
                by=request.user,
                slug=form.cleaned_data["slug"] or page.slug,
                topics=form.cleaned_data["topics"],
                crisis_related=form.cleaned_data["crisis_related"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_manage_url(page))
    return render(request, "programs/learn_settings.html", {"form": form, "page": page})


@login_required
def version_edit(request: HttpRequest, page_id: Any, language: str) -> HttpResponse:
    page = _editable(request, page_id)
    if language not in education.languages():
        raise Http404
    existing = next((v for v in page.versions.all() if v.language == language), None)
    initial = (
        {"title": existing.title, "summary": existing.summary, "body": existing.body}
        if existing
        else {}
    )
    form = VersionForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = education_markup.render(form.cleaned_data["body"])
        else:
            try:
                education.save_version(
                    page, by=request.user, language=language, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(_manage_url(page))
    english = next((v for v in page.versions.all() if v.language == "en"), None)
    return render(
        request,
        "programs/learn_version_form.html",
        {
            "form": form,
            "page": page,
            "language": language,
            "language_name": _language_names()[language],
            "preview": preview,
            "english": english if language != "en" else None,
        },
    )


@login_required
@require_POST
def page_status(request: HttpRequest, page_id: Any) -> HttpResponse:
    page = get_object_or_404(EducationPage, pk=page_id)
    if not policy.can_edit_education_page(request.user, page):
        raise PermissionDenied
    action = StatusForm(request.POST)
    if not action.is_valid():
        messages.error(request, _("Choose what to do with the page."))
        return redirect(_manage_url(page))
    chosen = action.cleaned_data["action"]
    if chosen != "submit" and not policy.can_publish_education(request.user):
        raise PermissionDenied
    if chosen == "submit":
        education.submit_for_review(page, by=request.user)
        messages.success(request, _("The page is waiting for a coalition admin's review."))
    elif chosen == "unpublish":
        education.unpublish(page, by=request.user)
        messages.success(request, _("The page is no longer public. It is a draft again."))
    else:
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                education.publish(page, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
        if form.errors:
            for field, problems in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for problem in problems:
                    messages.error(request, f"{label}: {problem}" if label else problem)
        else:
            messages.success(request, _("The page is published."))
    return redirect(_manage_url(page))


@login_required
def programme_pages(request: HttpRequest, programme_id: Any) -> HttpResponse:
    """The related pages a programme lists on its public page (its managers choose)."""
    programme = public_programme(request, programme_id)
    if not policy.can_manage_programme(request.user, programme.organization):
        raise PermissionDenied
    form = ProgrammePagesForm(
        request.POST or None,
        pages=EducationPage.objects.published().with_versions(),
        initial={"pages": list(programme.education_pages.all())},
    )
    if request.method == "POST" and form.is_valid():
        education.set_programme_pages(
            programme, by=request.user, pages=list(form.cleaned_data["pages"])
        )
        messages.success(request, _("Saved."))
        return redirect(programme.get_absolute_url())
    return render(
        request, "programs/learn_programme_pages.html", {"form": form, "programme": programme}
    )
