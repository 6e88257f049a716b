"""The campaign pages: the coalition's manager, partners recording activities, and the
public campaign page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from commonweal.partnerships.models import Partner
from commonweal.programs import campaigns
from commonweal.programs.campaign_models import Activity, Campaign, EducationPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(coalition_admin, organization):
    partner = Partner.objects.create(organization=organization, sector="social_services")
    return campaigns.create_campaign(
        by=coalition_admin,
        name="Talk about it month",
        aim="More people talk about mental health.",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        partners=[partner],
        pages=list(EducationPage.objects.filter(slug="what-is-a-support-group")),
        published=False,
    )


def _manage(campaign) -> str:
    return reverse("programs:campaign_manage", kwargs={"campaign_id": campaign.pk})


def test_a_coalition_admin_starts_a_campaign(client, coalition_admin) -> None:
    client.force_login(coalition_admin)
    response = client.post(
        reverse("programs:campaign_create"),
        {
            "name": "Faith and mental health",
            "aim": "Talk in faith communities.",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-31",
            "audiences": ["faith"],
            "languages": "en, es",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.slug, campaign.audiences, campaign.languages) == (
        "faith-and-mental-health",
        ["faith"],
        ["en", "es"],
    )


def test_a_bad_date_is_named_and_nothing_is_saved(client, coalition_admin) -> None:
    client.force_login(coalition_admin)
    response = client.post(
        reverse("programs:campaign_create"),
        {"name": "X", "aim": "Y", "starts_on": "2026-05-31", "ends_on": "2026-05-01"},
    )
    assert response.context["form"].errors["ends_on"] == [str(campaigns.ENDS_BEFORE_START)]
    assert not Campaign.objects.exists()


def test_partner_staff_may_not_start_or_change_a_campaign(client, partner_staff, campaign) -> None:
    client.force_login(partner_staff)
    assert client.get(reverse("programs:campaign_create")).status_code == 403
    edit = reverse("programs:campaign_edit", kwargs={"campaign_id": campaign.pk})
    assert (
        client.post(
            edit, {"name": "Taken", "aim": "x", "starts_on": "2026-03-01", "ends_on": "2026-03-02"}
        ).status_code
        == 403
    )
    campaign.refresh_from_db()
    assert campaign.name == "Talk about it month"


def test_partner_staff_of_a_partner_see_the_reach_and_record_an_activity(
    client, partner_staff, campaign
) -> None:
    client.force_login(partner_staff)
    page = client.get(_manage(campaign))
    assert page.status_code == 200
    assert "Reach by month" in page.content.decode()
    partner = campaign.partners.get()
    response = client.post(
        reverse("programs:campaign_activity_create", kwargs={"campaign_id": campaign.pk}),
        {
            "kind": "materials",
            "title": "Leaflets at mass",
            "held_on": "2026-03-08",
            "partner": str(partner.pk),
            "count": "200",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get().count == 200
    assert campaigns.reach(campaign).total.materials == 200


def test_staff_of_other_organisations_and_navigators_are_refused(
    client, other_org_staff, navigator, campaign
) -> None:
    partner = campaign.partners.get()
    for user in (other_org_staff, navigator):
        client.force_login(user)
        assert client.get(_manage(campaign)).status_code == 403
        response = client.post(
            reverse("programs:campaign_activity_create", kwargs={"campaign_id": campaign.pk}),
            {
                "kind": "materials",
                "title": "Planted",
                "held_on": "2026-03-08",
                "partner": str(partner.pk),
                "count": "9",
            },
        )
        assert response.status_code == 403
    assert not Activity.objects.exists()


def test_an_activity_is_removed_by_its_partner_and_not_by_others(
    client, partner_staff, other_org_staff, coalition_admin, campaign
) -> None:
    partner = campaign.partners.get()
    activity = campaigns.add_activity(
        campaign,
        by=coalition_admin,
        allowed_partners=campaign.partners.all(),
        kind="outreach",
        title="Door knocking",
        held_on=dt.date(2026, 3, 3),
        partner=partner,
        count=12,
    )
    url = reverse("programs:campaign_activity_delete", kwargs={"activity_id": activity.pk})
    client.force_login(other_org_staff)
    assert client.post(url).status_code == 403
    assert Activity.objects.exists()
    client.force_login(partner_staff)
    assert client.post(url).status_code == 302
    assert not Activity.objects.exists()


def test_an_unpublished_campaign_page_is_unknown_to_the_public(
    client, partner_staff, campaign
) -> None:
    url = reverse("learn:campaign", kwargs={"slug": campaign.slug})
    assert client.get(url).status_code == 404
    client.force_login(partner_staff)
    assert "Preview: this campaign page is not public yet." in client.get(url).content.decode()


def test_the_public_campaign_page_lists_its_pages_and_events(
    client, coalition_admin, campaign, programme, weekly
) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(published=True, ends_on=dt.date(2099, 1, 1))
    campaign.refresh_from_db()
    campaigns.add_activity(
        campaign,
        by=coalition_admin,
        allowed_partners=campaign.partners.all(),
        kind="event",
        title="Support group",
        held_on=dt.date(2026, 3, 3),
        partner=campaign.partners.get(),
        programme=programme,
    )
    html = client.get(reverse("learn:campaign", kwargs={"slug": campaign.slug})).content.decode()
    assert "What is a support group?" in html
    assert "Tuesday support group" in html
    assert "Northside Food Bank" in html
