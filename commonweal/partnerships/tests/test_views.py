from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from commonweal.partnerships.models import Partner, PartnerContact


@pytest.mark.django_db
def test_the_partner_list_warns_of_an_agreement_expiring_within_the_horizon(
    client, partner, partner_staff, settings
) -> None:
    settings.COMMONWEAL_AGREEMENT_WARNING_DAYS = 30
    partner.data_sharing_status = "signed"
    partner.data_sharing_expires_on = timezone.localdate() + dt.timedelta(days=10)
    partner.save()
    client.force_login(partner_staff)
    html = client.get(reverse("partnerships:partner_list")).content.decode()
    assert "in 10 days" in html and "Social services" in html
    home = client.get(reverse("partnerships:index")).content.decode()
    assert "Data-sharing agreement" in home and "in 10 days" in home
    settings.COMMONWEAL_AGREEMENT_WARNING_DAYS = 5
    assert "in 10 days" not in client.get(reverse("partnerships:index")).content.decode()


@pytest.mark.django_db
def test_partner_staff_read_but_do_not_manage(client, partner, partner_staff) -> None:
    client.force_login(partner_staff)
    html = client.get(partner.get_absolute_url()).content.decode()
    assert partner.name in html and "Edit the profile" not in html
    assert client.get(reverse("partnerships:partner_create")).status_code == 403
    edit = reverse("partnerships:partner_edit", args=[partner.pk])
    assert client.post(edit, {"sector": "faith"}).status_code == 403
    partner.refresh_from_db()
    assert partner.sector == "social_services"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "other_org_staff"])
def test_the_workspace_is_refused_to_non_members(client, request, partner, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("partnerships:index")).status_code == 403
    assert client.get(partner.get_absolute_url()).status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(client, partner) -> None:
    response = client.get(reverse("partnerships:partner_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_coalition_admin_adds_a_partner(client, coalition_admin, other_organization) -> None:
    client.force_login(coalition_admin)
    response = client.post(
        reverse("partnerships:partner_create"),
        {
            "organization": str(other_organization.pk),
            "sector": "health_care",
            "active": "on",
            "agreement_status": "signed",
            "agreement_expires_on": "2031-03-31",
            "data_sharing_status": "draft",
        },
    )
    partner = Partner.objects.get(organization=other_organization)
    assert response.status_code == 302 and response["Location"] == partner.get_absolute_url()
    assert partner.agreement_expires_on == dt.date(2031, 3, 31)


@pytest.mark.django_db
def test_the_form_names_the_field_that_is_wrong(client, coalition_admin, partner) -> None:
    client.force_login(coalition_admin)
    response = client.post(
        reverse("partnerships:partner_edit", args=[partner.pk]),
        {
            "sector": "social_services",
            "joined_on": "2026-06-01",
            "agreement_status": "signed",
            "agreement_expires_on": "2026-01-01",
            "data_sharing_status": "none",
        },
    )
    assert response.status_code == 200
    assert "agreement_expires_on" in response.context["form"].errors
    assert "cannot expire before the partner joined" in response.content.decode()
    partner.refresh_from_db()
    assert partner.joined_on is None


@pytest.mark.django_db
def test_a_coalition_admin_adds_and_removes_a_contact(client, coalition_admin, partner) -> None:
    client.force_login(coalition_admin)
    client.post(
        reverse("partnerships:contact_create", args=[partner.pk]),
        {"name": "Lena Ortiz", "role": "Board liaison", "email": "lena@example.org"},
    )
    contact = PartnerContact.objects.get(partner=partner)
    assert "Lena Ortiz" in client.get(partner.get_absolute_url()).content.decode()
    remove = reverse("partnerships:contact_remove", args=[partner.pk, contact.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not PartnerContact.objects.exists()


@pytest.mark.django_db
def test_the_nav_offers_the_workspace_to_members_only(
    client, partner, partner_staff, resident
) -> None:
    link = reverse("partnerships:index")
    client.force_login(partner_staff)
    assert f'href="{link}"' in client.get(reverse("web:home")).content.decode()
    client.force_login(resident)
    assert f'href="{link}"' not in client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db
def test_the_dashboard_brings_the_workspace_together(client, partner, analyst) -> None:
    from decimal import Decimal

    from commonweal.partnerships.models import (
        FundingStream,
        Goal,
        Indicator,
        IndicatorValue,
        Meeting,
        PlanTask,
        Strategy,
    )
    from commonweal.programs.models import Programme

    today = timezone.localdate()
    goal = Goal.objects.create(title="Fed", population_result="Enough to eat.")
    indicator = Indicator.objects.create(
        goal=goal,
        kind="population",
        name="Short of food",
        unit="percent",
        direction="down",
        baseline_value=Decimal("18"),
        target_value=Decimal("12"),
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        value=Decimal("15"),
        source="manual",
    )
    PlanTask.objects.create(
        strategy=Strategy.objects.create(title="Rides"),
        title="Drivers",
        owner=partner,
        responsible="Ben",
        due_date=today - dt.timedelta(days=1),
    )
    Meeting.objects.create(
        title="Steering group",
        time_zone="UTC",
        place="Hall",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=1),
    )
    programme = Programme.objects.create(
        organization=partner.organization, name="Saturday pantry", kind="other", starts_on=today
    )
    FundingStream.objects.create(
        programme=programme,
        funder="County",
        amount=1,
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
    )
    client.force_login(analyst)
    main = client.get(reverse("partnerships:index")).content.decode()
    assert "Short of food" in main and "better than the baseline" in main
    assert "1 task is overdue." in main and "Steering group" in main
    assert "Saturday pantry" in main
