from __future__ import annotations

import pytest
from django.urls import reverse

from commonweal.directory import saved
from commonweal.directory.models import SavedService, Service


@pytest.fixture
def service(organization) -> Service:
    return Service.objects.create(organization=organization, name="Weekend groceries")


@pytest.mark.django_db
def test_it_saves_a_service_once(resident, service) -> None:
    assert saved.save(user=resident, service=service) is True
    assert saved.save(user=resident, service=service) is False
    assert SavedService.objects.filter(user=resident).count() == 1
    assert saved.is_saved(user=resident, service=service)


@pytest.mark.django_db
def test_it_lists_only_the_users_own_saved_services(client, resident, navigator, service) -> None:
    saved.save(user=navigator, service=service)
    client.force_login(resident)
    response = client.get(reverse("directory:saved_services"))
    assert response.status_code == 200
    assert "Weekend groceries" not in response.content.decode()
    saved.save(user=resident, service=service)
    response = client.get(reverse("directory:saved_services"))
    assert "Weekend groceries" in response.content.decode()


@pytest.mark.django_db
def test_it_saves_and_removes_from_the_service_page(client, resident, service) -> None:
    client.force_login(resident)
    page = client.get(service.get_absolute_url()).content.decode()
    assert reverse("directory:service_save", args=[service.id]) in page

    response = client.post(reverse("directory:service_save", args=[service.id]))
    assert response.status_code == 302
    assert saved.is_saved(user=resident, service=service)
    page = client.get(service.get_absolute_url()).content.decode()
    assert reverse("directory:service_unsave", args=[service.id]) in page

    client.post(reverse("directory:service_unsave", args=[service.id]))
    assert not saved.is_saved(user=resident, service=service)


@pytest.mark.django_db
def test_it_asks_anonymous_people_to_sign_in_before_saving(client, service) -> None:
    page = client.get(service.get_absolute_url()).content.decode()
    assert reverse("accounts:login") in page
    response = client.post(reverse("directory:service_save", args=[service.id]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert SavedService.objects.count() == 0
    response = client.get(reverse("directory:saved_services"))
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_it_refuses_to_save_by_get(client, resident, service) -> None:
    client.force_login(resident)
    response = client.get(reverse("directory:service_save", args=[service.id]))
    assert response.status_code == 405
    assert SavedService.objects.count() == 0
