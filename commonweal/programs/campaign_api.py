"""/api/v1/learn/: the health education library and awareness campaigns, read-only.

Every operation is public (no token) and shows published pages and campaigns only: a draft
is 404 to everyone here, as on the public pages. `language` chooses the version ("es"); a
page without it comes in English, with `fell_back` true. Reads through the API are not
counted as page visits: apps may fetch a page once and show it many times, so the count
would mean something else (the web page's count is a reading).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from commonweal.accounts.api_auth import api_auth
from commonweal.programs import education, education_markup
from commonweal.programs.campaign_models import ActivityKind, Campaign, EducationPage

router = Router(tags=["learn"], auth=api_auth)


class LearnError(Schema):
    detail: str
    code: str = ""


class LearnPageOut(Schema):
    slug: str
    language: str
    fell_back: bool
    title: str
    summary: str
    topics: list[str]
    crisis_related: bool
    languages: list[str]
    reviewed_by: str
    reviewed_on: dt.date | None
    url: str


class LearnPageDetailOut(LearnPageOut):
    body: str  # the library's markup (programs/education_markup.py)
    body_html: str  # the same, rendered: safe HTML (every character escaped but the marks)


class LearnCampaignEventOut(Schema):
    programme_id: str
    name: str
    url: str


class LearnCampaignOut(Schema):
    slug: str
    name: str
    aim: str
    starts_on: dt.date
    ends_on: dt.date
    audiences: list[str]
    languages: list[str]
    partners: list[str]
    pages: list[str]  # slugs of its published education pages
    events: list[LearnCampaignEventOut]
    url: str


def _page_out(page: EducationPage, language: str, *, detail: bool = False) -> dict:
    reading = education.read(page, language)
    assert reading is not None  # a published page has its English version (education.publish)
    version = reading.version
    out = {
        "slug": page.slug,
        "language": version.language,
        "fell_back": reading.fell_back,
        "title": version.title,
        "summary": version.summary,
        "topics": [topic.code for topic in page.topic_links.all()],
        "crisis_related": page.crisis_related,
        "languages": sorted(v.language for v in page.versions.all()),
        "reviewed_by": page.reviewed_by,
        "reviewed_on": page.reviewed_on,
        "url": page.get_absolute_url(),
    }
    if detail:
        out["body"] = version.body
        out["body_html"] = str(education_markup.render(version.body))
    return out


def _pages() -> Any:
    return EducationPage.objects.published().prefetch_related("versions", "topic_links")


@router.get(
    "/pages",
    auth=None,
    response={200: list[LearnPageOut]},
    summary="Published education pages, in `language` where they have it (else English); "
    "`topic` keeps those about a category code or screening domain",
)
def list_pages(request: HttpRequest, language: str = "", topic: str = ""):
    wanted = education.reader_language(language or None)
    found = _pages()
    if topic:
        found = found.about([topic.strip().lower()])
    return Status(200, [_page_out(page, wanted) for page in found])


@router.get(
    "/pages/{slug}",
    auth=None,
    response={200: LearnPageDetailOut, 404: LearnError},
    summary="One published education page with its text",
)
def read_page(request: HttpRequest, slug: str, language: str = ""):
    page = _pages().filter(slug=slug).first()
    if page is None:
        return Status(404, {"detail": "no such page", "code": "not-found"})
    return Status(200, _page_out(page, education.reader_language(language or None), detail=True))


def _campaign_out(campaign: Campaign) -> dict:
    programmes = {
        a.programme_id: a.programme
        for a in campaign.activities.filter(
            kind=ActivityKind.EVENT, programme__published=True
        ).select_related("programme")
    }
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "aim": campaign.aim,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "audiences": campaign.audiences,
        "languages": campaign.languages,
        "partners": [p.organization.name for p in campaign.partners.select_related("organization")],
        "pages": [p.slug for p in campaign.pages.published()],
        "events": [
            {"programme_id": str(p.pk), "name": p.name, "url": p.get_absolute_url()}
            for p in programmes.values()
        ],
        "url": campaign.get_absolute_url(),
    }


@router.get(
    "/campaigns",
    auth=None,
    response={200: list[LearnCampaignOut]},
    summary="Published awareness campaigns",
)
def list_campaigns(request: HttpRequest):
    return Status(200, [_campaign_out(c) for c in Campaign.objects.published()])


@router.get(
    "/campaigns/{slug}",
    auth=None,
    response={200: LearnCampaignOut, 404: LearnError},
    summary="One published awareness campaign",
)
def read_campaign(request: HttpRequest, slug: str):
    campaign = Campaign.objects.published().filter(slug=slug).first()
    if campaign is None:
        return Status(404, {"detail": "no such campaign", "code": "not-found"})
    return Status(200, _campaign_out(campaign))
