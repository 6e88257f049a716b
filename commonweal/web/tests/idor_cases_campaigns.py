"""IDOR and CSRF cases of programs: awareness campaigns and the health education library.
Merged in test_attack_idor.py (and test_attack_csrf.py).

The records worth attacking: a *draft* education page of `home` (unknown on the public side
to anyone who may not edit it), an *unpublished* campaign with `home` as its partner, and
an activity `home` recorded for it. Coalition admins of any organisation review pages and
run campaigns (policy), so the intruders are the other roles: another organisation's staff
and navigator, `home`'s own navigator, the receiving partner and a resident. The drafts'
words join the World's secrets so no refusal may show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonweal.web.tests.attack_world import World
from commonweal.web.tests.idor_cases_programs import DRAFT
from commonweal.web.tests.test_attack_idor import Case

NOT_WRITERS = ("intruder_staff", "intruder", "navigator", "receiver", "resident")
NOT_CAMPAIGN_ADMINS = ("partner_staff", *NOT_WRITERS)
SECRET_PAGE = "Learnwords unreviewed page"
SECRET_CAMPAIGN = "Campaignwords quiet month"


def _keep_secret(w: World, *words: str) -> None:
    w.secrets = (*w.secrets, *(word for word in words if word not in w.secrets))


def _page(w: World) -> Any:
    from commonweal.programs import education
    from commonweal.programs.campaign_models import EducationPage

    _keep_secret(w, SECRET_PAGE)
    found = EducationPage.objects.filter(slug="attack-draft").first()
    return found or education.create_page(
        by=w.partner_staff,
        organization=w.home,
        slug="attack-draft",
        topics=["food"],
        crisis_related=False,
        language="en",
        title=SECRET_PAGE,
        summary=SECRET_PAGE,
        body=SECRET_PAGE,
    )


def _campaign(w: World) -> Any:
    from commonweal.partnerships.models import Partner
    from commonweal.programs import campaigns
    from commonweal.programs.campaign_models import Campaign

    _keep_secret(w, SECRET_CAMPAIGN)
    found = Campaign.objects.filter(slug="attack-campaign").first()
    if found:
        return found
    partner, _ = Partner.objects.get_or_create(
        organization=w.home, defaults={"sector": "social_services"}
    )
    return campaigns.create_campaign(
        by=w.home_admin,
        name=SECRET_CAMPAIGN,
        slug="attack-campaign",
        aim=SECRET_CAMPAIGN,
        starts_on=dt.date(2030, 1, 1),
        ends_on=dt.date(2030, 3, 31),
        partners=[partner],
        published=False,
    )


def PAGE(w: World) -> dict[str, Any]:  # noqa: N802 - named like the shared PERSON, REFERRAL
    return {"page_id": _page(w).pk}


def PAGE_SLUG(w: World) -> dict[str, Any]:  # noqa: N802
    return {"slug": _page(w).slug}


def CAMPAIGN(w: World) -> dict[str, Any]:  # noqa: N802
    return {"campaign_id": _campaign(w).pk}


def CAMPAIGN_SLUG(w: World) -> dict[str, Any]:  # noqa: N802
    return {"slug": _campaign(w).slug}


def ACTIVITY(w: World) -> dict[str, Any]:  # noqa: N802
    from commonweal.programs.campaign_models import Activity

    campaign = _campaign(w)
    activity, _ = Activity.objects.get_or_create(
        campaign=campaign,
        title="Attack leaflets",
        defaults={
            "kind": "materials",
            "held_on": dt.date(2030, 1, 5),
            "count": 10,
            "partner": campaign.partners.get(),
        },
    )
    return {"activity_id": activity.pk}


VERSION_FORM = {"title": "Taken over", "summary": "Taken.", "body": "Taken."}
CAMPAIGN_FORM = {
    "name": "Taken over",
    "aim": "Taken.",
    "starts_on": "2030-01-01",
    "ends_on": "2030-01-31",
}
ACTIVITY_FORM = {"kind": "outreach", "title": "Planted", "held_on": "2030-01-10", "count": "9"}

PAGE_CASES: dict[str, Any] = {
    "learn:page": Case(PAGE_SLUG, "partner_staff", NOT_WRITERS),
    "learn:campaign": Case(CAMPAIGN_SLUG, "partner_staff", NOT_WRITERS),
    "programs:learn_page_manage": Case(PAGE, "partner_staff", NOT_WRITERS),
    "programs:learn_settings": Case(
        PAGE, "partner_staff", NOT_WRITERS, {"slug": "taken", "crisis_related": "on"}
    ),
    "programs:learn_version": Case(
        lambda w: {**PAGE(w), "language": "en"}, "partner_staff", NOT_WRITERS, VERSION_FORM
    ),
    "programs:learn_status": Case(PAGE, "partner_staff", NOT_WRITERS, {"action": "submit"}),
    "programs:learn_programme_pages": Case(DRAFT, "partner_staff", NOT_WRITERS, {"pages": ""}),
    "programs:campaign_manage": Case(CAMPAIGN, "partner_staff", NOT_WRITERS),
    "programs:campaign_edit": Case(CAMPAIGN, "home_admin", NOT_CAMPAIGN_ADMINS, CAMPAIGN_FORM),
    "programs:campaign_activity_create": Case(
        CAMPAIGN, "partner_staff", NOT_WRITERS, ACTIVITY_FORM
    ),
    "programs:campaign_activity_delete": Case(ACTIVITY, "partner_staff", NOT_WRITERS),
}
PUBLIC_PAGES: dict[str, str] = {}
API_CASES: dict[tuple[str, str], Any] = {}
PUBLIC_API: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/learn/pages/{slug}"): "a published education page, public (a draft is "
    "404 to everyone here)",
    ("GET", "/api/v1/learn/campaigns/{slug}"): "a published campaign, public (an unpublished "
    "one is 404 to everyone here)",
}
PUBLIC_IDS: dict[str, Any] = {}
POSTERS: dict[str, str | None] = {
    "learn:index": None,
    "programs:learn_manage_list": "partner_staff",
    "programs:learn_create": "partner_staff",
    "programs:campaign_list": "partner_staff",
    "programs:campaign_create": "home_admin",
}
