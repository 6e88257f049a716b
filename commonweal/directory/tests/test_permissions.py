from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Language, Metadata, Organization, Phone, Schedule, Service
from commonweal.policy import (
    can_edit_organization,
    can_edit_service,
    can_edit_some_listing,
    own_organizations,
)


@pytest.fixture
def own_service(organization) -> Service:
    service = Service.objects.create(organization=organization, name="Weekend Food Pantry")
    Phone.objects.create(service=service, number="305-555-0100")
    return service


@pytest.fixture
def other_service(other_organization) -> Service:
    service = Service.objects.create(organization=other_organization, name="Walk-in Clinic")
    Phone.objects.create(service=service, number="305-555-0200")
    return service


@pytest.mark.django_db
def test_it_lets_partner_staff_edit_only_their_own_organization(
    partner_staff, organization, other_organization, own_service, other_service
) -> None:
    assert can_edit_organization(partner_staff, organization)
    assert can_edit_service(partner_staff, own_service)
    assert not can_edit_organization(partner_staff, other_organization)
    assert not can_edit_service(partner_staff, other_service)


@pytest.mark.django_db
def test_it_lets_coalition_admins_and_superusers_edit_any_listing(
    coalition_admin, superuser, other_organization, other_service
) -> None:
    for user in (coalition_admin, superuser):
        assert can_edit_organization(user, other_organization)
        assert can_edit_service(user, other_service)
        assert can_edit_some_listing(user)


@pytest.mark.django_db
def test_it_never_lets_readers_edit(
    navigator, analyst, resident, organization, own_service
) -> None:
    for user in (navigator, analyst, resident, AnonymousUser(), None):
        assert not can_edit_organization(user, organization)
        assert not can_edit_service(user, own_service)
        assert not can_edit_some_listing(user)


@pytest.mark.django_db
def test_it_stops_a_deactivated_partner(partner_staff, organization) -> None:
    partner_staff.is_active = False
    partner_staff.save()
    assert not can_edit_organization(partner_staff, organization)


@pytest.mark.django_db
def test_it_lists_only_the_users_own_organizations(
    partner_staff, navigator, organization, other_organization
) -> None:
    assert list(own_organizations(partner_staff)) == [organization]
    assert (
        list(own_organizations(navigator)) == []
    )  # a navigator's membership is not an editing role


def edit_urls(service: Service, organization: Organization) -> list[str]:
    return [
        reverse("directory:service_edit", args=[service.id]),
        reverse("directory:service_edit_phones", args=[service.id]),
        reverse("directory:service_edit_hours", args=[service.id]),
        reverse("directory:service_edit_languages", args=[service.id]),
        reverse("directory:organization_edit", args=[organization.id]),
        reverse("directory:service_create", args=[organization.id]),
    ]


def hostile_posts(service: Service, organization: Organization) -> list[tuple[str, dict]]:
    phone = Phone.objects.get(service=service)
    return [
        (
            reverse("directory:service_edit", args=[service.id]),
            {"name": "Hijacked", "status": "defunct"},
        ),
        (
            reverse("directory:service_edit_phones", args=[service.id]),
            {
                "phones-TOTAL_FORMS": "1",
                "phones-INITIAL_FORMS": "1",
                "phones-0-id": str(phone.id),
                "phones-0-number": "1-900-555-0000",
            },
        ),
        (
            reverse("directory:service_edit_hours", args=[service.id]),
            {
                "hours-TOTAL_FORMS": "1",
                "hours-INITIAL_FORMS": "0",
                "hours-0-days": ["MO"],
                "hours-0-opens_at": "01:00",
                "hours-0-closes_at": "02:00",
            },
        ),
        (reverse("directory:service_edit_languages", args=[service.id]), {"languages": ["fr"]}),
        (reverse("directory:organization_edit", args=[organization.id]), {"name": "Hijacked"}),
        (
            reverse("directory:service_create", args=[organization.id]),
            {"name": "Hijacked", "status": "active"},
        ),
    ]


def assert_untouched(service: Service, organization: Organization) -> None:
    service.refresh_from_db()
    organization.refresh_from_db()
    assert service.name != "Hijacked" and service.status == "active"
    assert organization.name != "Hijacked"
    assert not Service.objects.filter(name="Hijacked").exists()
    assert list(Phone.objects.filter(service=service).values_list("number", flat=True)) != [
        "1-900-555-0000"
    ]
    assert not Schedule.objects.filter(service=service).exists()
    assert not Language.objects.filter(service=service).exists()
    assert not Metadata.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["create", "update"]).exists()


@pytest.mark.django_db
def test_it_forbids_partner_staff_from_another_organizations_edit_pages(
    client, partner_staff, other_service, other_organization
) -> None:
    client.force_login(partner_staff)
    for url in edit_urls(other_service, other_organization):
        assert client.get(url).status_code == 403, url
    for url, data in hostile_posts(other_service, other_organization):
        assert client.post(url, data).status_code == 403, url
    assert_untouched(other_service, other_organization)


@pytest.mark.django_db
def test_it_lets_partner_staff_use_their_own_edit_pages(
    client, partner_staff, own_service, organization
) -> None:
    client.force_login(partner_staff)
    for url in edit_urls(own_service, organization):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("directory:service_edit", args=[own_service.id]),
        {"name": "Saturday Pantry", "status": "active"},
    )
    assert response.status_code == 302
    own_service.refresh_from_db()
    assert own_service.name == "Saturday Pantry"
    assert Metadata.objects.filter(resource_id=own_service.id, field_name="name").exists()


@pytest.mark.django_db
def test_it_forbids_navigators_analysts_and_residents(
    client, navigator, analyst, resident, own_service, organization
) -> None:
    for user in (navigator, analyst, resident):
        client.force_login(user)
        for url in edit_urls(own_service, organization):
            assert client.get(url).status_code == 403, (user, url)
        for url, data in hostile_posts(own_service, organization):
            assert client.post(url, data).status_code == 403, (user, url)
        assert client.get(reverse("directory:my_organizations")).status_code == 403
    assert_untouched(own_service, organization)


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client, own_service, organization) -> None:
    for url in [*edit_urls(own_service, organization), reverse("directory:my_organizations")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        ), url
    for url, data in hostile_posts(own_service, organization):
        assert client.post(url, data).status_code == 302
    assert_untouched(own_service, organization)


@pytest.mark.django_db
def test_it_lets_a_coalition_admin_edit_another_organizations_service(
    client, coalition_admin, other_service
) -> None:
    client.force_login(coalition_admin)
    response = client.post(
        reverse("directory:service_edit", args=[other_service.id]),
        {"name": "Walk-in Clinic (Eastside)", "status": "active"},
    )
    assert response.status_code == 302
    other_service.refresh_from_db()
    assert other_service.name == "Walk-in Clinic (Eastside)"
    assert (
        Metadata.objects.get(resource_id=other_service.id).updated_by == "coalition administrator"
    )


@pytest.mark.django_db
def test_it_404s_before_checking_rights_for_unknown_services(client, partner_staff) -> None:
    client.force_login(partner_staff)
    assert client.get("/services/00000000-0000-0000-0000-000000000000/edit/").status_code == 404
