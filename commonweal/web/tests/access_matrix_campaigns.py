"""Access-matrix rows of programs: awareness campaigns and the health education library.
Merged in access_matrix.py.

The rule (commonweal/policy.py, "health education and awareness campaigns";
docs/programs-campaigns-and-learning.md): published pages, published campaigns and the
/api/v1/learn/ reads are public. Pages are written by partner staff (for their own
organisation) and by coalition admins; a draft of `home` is changed by `home`'s partner
staff, coalition admins and superusers (LISTING); publishing is for coalition admins and
superusers. Campaigns are run by coalition admins and superusers; partner staff of a
campaign's partners (`home` here) open it and record activities (LISTING). Both are no
secret once public, so a refusal says so (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.access_matrix import (
    LISTING,
    PUBLIC,
    SIGNED_POST,
    Operation,
    Page,
    row,
)
from commonweal.web.tests.matrix_cast import Cast

#                      anon   res  nav  staff out  admin anal super recv
WRITERS = row("        login  403  403  ok    ok   ok    403  ok    ok")
CAMPAIGN_ADMIN = row(" login  403  403  403   403  ok    403  ok    403")
API_PUBLIC = row("     ok     ok   ok   ok    ok   ok    ok   ok    ok")


def _starter(cast: Cast) -> dict[str, Any]:
    """A published starter page. Loaded by a migration, but a live-server test (the
    accessibility sweep) starts from an emptied database: loading again adds what is gone."""
    from commonweal.programs import education

    education.load_starter_pages()
    return {"slug": "getting-food-help"}


def _draft(cast: Cast) -> Any:
    """A draft education page of `home` (made once per cast)."""
    from commonweal.programs import education
    from commonweal.programs.campaign_models import EducationPage

    found = EducationPage.objects.filter(slug="matrix-draft").first()
    if found:
        return found
    return education.create_page(
        by=None,
        organization=cast.world.home,
        slug="matrix-draft",
        topics=["food"],
        crisis_related=False,
        language="en",
        title="Matrix draft",
        summary="Not yet reviewed.",
        body="Text.",
    )


def _page_id(cast: Cast) -> dict[str, Any]:
    return {"page_id": _draft(cast).pk}


def _campaign(cast: Cast) -> Any:
    """A published campaign with `home` as its partner (made once per cast)."""
    from commonweal.partnerships.models import Partner
    from commonweal.programs import campaigns
    from commonweal.programs.campaign_models import Campaign

    found = Campaign.objects.filter(slug="matrix-campaign").first()
    if found:
        return found
    partner, _ = Partner.objects.get_or_create(
        organization=cast.world.home, defaults={"sector": "social_services"}
    )
    return campaigns.create_campaign(
        by=None,
        name="Matrix campaign",
        slug="matrix-campaign",
        aim="Talk about mental health.",
        starts_on=dt.date(2030, 1, 1),
        ends_on=dt.date(2030, 3, 31),
        partners=[partner],
        published=True,
    )


def _campaign_id(cast: Cast) -> dict[str, Any]:
    return {"campaign_id": _campaign(cast).pk}


def _activity(cast: Cast) -> dict[str, Any]:
    from commonweal.programs.campaign_models import Activity

    campaign = _campaign(cast)
    activity, _ = Activity.objects.get_or_create(
        campaign=campaign,
        title="Matrix leaflets",
        defaults={
            "kind": "materials",
            "held_on": dt.date(2030, 1, 5),
            "count": 10,
            "partner": campaign.partners.get(),
        },
    )
    return {"activity_id": activity.pk}


def _programme_id(cast: Cast) -> dict[str, Any]:
    from commonweal.web.tests.access_matrix_programs import _programme

    return {"programme_id": _programme(cast).pk}


def _page_form(cast: Cast) -> dict[str, Any]:
    return {
        "organization": str(cast.world.home.pk),
        "language": "en",
        "title": "Cooling centers",
        "summary": "Where to stay cool.",
        "body": "Libraries are open.",
    }


def _campaign_form(cast: Cast) -> dict[str, Any]:
    return {
        "name": "Faith and mental health",
        "aim": "Talk in faith communities.",
        "starts_on": "2030-05-01",
        "ends_on": "2030-05-31",
    }


def _activity_form(cast: Cast) -> dict[str, Any]:
    return {
        "kind": "outreach",
        "title": "Door knocking",
        "held_on": "2030-01-10",
        "partner": str(_campaign(cast).partners.get().pk),
        "count": "12",
    }


PAGES: dict[str, Page] = {
    "learn:index": Page(PUBLIC),
    "learn:page": Page(PUBLIC, params=_starter),
    "learn:campaign": Page(PUBLIC, params=lambda c: {"slug": _campaign(c).slug}),
    # Writing: partner staff of any organisation (for their own), coalition admins and
    # superusers; staff of another organisation meet their own organisations only (the form
    # refuses `home`, and re-shows the form with that error).
    "programs:learn_manage_list": Page(WRITERS),
    "programs:learn_create": Page(WRITERS, WRITERS, form=_page_form),
    "programs:learn_page_manage": Page(LISTING, params=_page_id),
    "programs:learn_settings": Page(
        LISTING, LISTING, params=_page_id, form=lambda c: {"slug": "matrix-draft", "topics": "food"}
    ),
    "programs:learn_version": Page(
        LISTING,
        LISTING,
        params=lambda c: {**_page_id(c), "language": "es"},
        form=lambda c: {"title": "Borrador", "summary": "Aún no.", "body": "Texto."},
    ),
    "programs:learn_status": Page(
        SIGNED_POST, LISTING, params=_page_id, form=lambda c: {"action": "submit"}
    ),
    # A programme's related pages: whoever manages the programme (as its other pages).
    "programs:learn_programme_pages": Page(LISTING, LISTING, params=_programme_id),
    "programs:campaign_list": Page(WRITERS),
    "programs:campaign_create": Page(CAMPAIGN_ADMIN, CAMPAIGN_ADMIN, form=_campaign_form),
    "programs:campaign_manage": Page(LISTING, params=_campaign_id),
    "programs:campaign_edit": Page(
        CAMPAIGN_ADMIN, CAMPAIGN_ADMIN, params=_campaign_id, form=_campaign_form
    ),
    "programs:campaign_activity_create": Page(
        LISTING, LISTING, params=_campaign_id, form=_activity_form
    ),
    "programs:campaign_activity_delete": Page(SIGNED_POST, LISTING, params=_activity),
}

P = "commonweal_programs_campaign_api_"
OPERATIONS: dict[str, Operation] = {
    f"{P}list_pages": Operation(API_PUBLIC),
    f"{P}read_page": Operation(API_PUBLIC, params=_starter),
    f"{P}list_campaigns": Operation(API_PUBLIC),
    f"{P}read_campaign": Operation(API_PUBLIC, params=lambda c: {"slug": _campaign(c).slug}),
}
