"""/api/v1/learn/: public reads of published pages (with language) and campaigns."""

from __future__ import annotations

import datetime as dt

import pytest

from commonweal.programs import campaigns, education
from commonweal.programs.campaign_models import EducationPage, PageVisit

pytestmark = pytest.mark.django_db
API = "/api/v1/learn"


def test_it_lists_published_pages_in_the_language_asked(client) -> None:
    pages = client.get(f"{API}/pages", {"language": "es"}).json()
    assert len(pages) == 6
    food = next(p for p in pages if p["slug"] == "getting-food-help")
    assert (food["language"], food["fell_back"]) == ("es", False)
    assert food["title"] == "Cómo conseguir ayuda con la comida"
    assert food["languages"] == ["en", "es"]
    assert "food" in food["topics"]


def test_it_filters_pages_by_topic(client) -> None:
    pages = client.get(f"{API}/pages", {"topic": "suicide-risk"}).json()
    assert [p["slug"] for p in pages] == ["help-a-friend-who-is-struggling"]


def test_a_page_comes_with_its_text_and_safe_html_and_is_not_counted(client) -> None:
    page = client.get(f"{API}/pages/help-a-friend-who-is-struggling").json()
    assert page["crisis_related"]
    assert "**988**" in page["body"]
    assert "<strong>988</strong>" in page["body_html"]
    assert not PageVisit.objects.exists()


def test_a_page_without_the_language_falls_back_to_english(
    client, partner_staff, coalition_admin, organization
) -> None:
    page = education.create_page(
        by=partner_staff,
        organization=organization,
        slug="heat",
        topics=[],
        crisis_related=False,
        language="en",
        title="Staying cool",
        summary="s",
        body="<script>x</script>",
    )
    education.publish(page, by=coalition_admin, reviewed_by="R", reviewed_on=dt.date(2026, 1, 1))
    found = client.get(f"{API}/pages/heat", {"language": "es"}).json()
    assert (found["language"], found["fell_back"]) == ("en", True)
    assert "<script>" not in found["body_html"]


def test_a_draft_page_is_not_found(client, partner_staff, organization) -> None:
    education.create_page(
        by=partner_staff,
        organization=organization,
        slug="draft",
        topics=[],
        crisis_related=False,
        language="en",
        title="Draft",
        summary="s",
        body="b",
    )
    assert client.get(f"{API}/pages/draft").status_code == 404
    assert "draft" not in {p["slug"] for p in client.get(f"{API}/pages").json()}
    EducationPage.objects.filter(slug="getting-food-help").update(status="draft")
    assert client.get(f"{API}/pages/getting-food-help").status_code == 404


def test_campaigns_are_public_once_published(client, coalition_admin) -> None:
    campaign = campaigns.create_campaign(
        by=coalition_admin,
        name="Talk month",
        aim="Talk.",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        pages=list(EducationPage.objects.filter(slug="after-a-referral")),
    )
    assert client.get(f"{API}/campaigns").json() == []
    assert client.get(f"{API}/campaigns/talk-month").status_code == 404
    campaign.published = True
    campaign.save()
    found = client.get(f"{API}/campaigns/talk-month").json()
    assert found["pages"] == ["after-a-referral"]
    assert found["url"] == "/learn/campaigns/talk-month/"
