from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.directory import intake
from commonweal.directory.intake import IntakeInput
from commonweal.directory.models import Metadata, Service, ServiceIntake
from commonweal.directory.tests.listing_builder import Listings, build_listings


@pytest.fixture
def listings(organization, other_organization) -> Listings:
    return build_listings(organization, other_organization)


def url(service: Service) -> str:
    return reverse("directory:service_edit_intake", args=[service.id])


FULL = {
    "accepting_new_clients": "no",
    "waitlist": "About 3 weeks",
    "typical_response_days": "2",
    "accepting_referrals": "yes",
}


@pytest.mark.django_db
def test_partner_staff_record_that_the_service_is_full(client, listings, partner_staff) -> None:
    service = listings.pantry_service
    before = Service.objects.get(pk=service.pk).last_modified
    client.force_login(partner_staff)
    response = client.post(url(service), FULL, follow=True)
    assert "Your changes are saved" in response.content.decode()
    row = ServiceIntake.objects.get(service=service)
    assert (row.accepting_new_clients, row.waitlist, row.typical_response_days) == (
        "no",
        "About 3 weeks",
        2,
    )
    assert row.accepting_referrals == "yes" and row.updated_by == partner_staff
    logged = set(
        Metadata.objects.filter(resource_id=row.id, resource_type="serviceintake").values_list(
            "field_name", "replacement_value"
        )
    )
    assert logged == {
        ("accepting_new_clients", "no"),
        ("waitlist", "About 3 weeks"),
        ("typical_response_days", "2"),
        ("accepting_referrals", "yes"),
    }
    # Public metadata names the organisation, never the staff member.
    assert set(Metadata.objects.values_list("updated_by", flat=True)) == {
        "Northside Food Bank staff"
    }
    event = AuditEvent.objects.get(object_id=str(service.pk))
    assert event.actor == partner_staff and event.detail == {"fields": ["intake"]}
    assert Service.objects.get(pk=service.pk).last_modified > before


@pytest.mark.django_db
def test_a_change_logs_only_the_changed_field(listings, partner_staff) -> None:
    service = listings.pantry_service
    intake.set_intake(service, by=partner_staff, values=IntakeInput(accepting_new_clients="no"))
    Metadata.objects.all().delete()
    changed = intake.set_intake(
        service, by=partner_staff, values=IntakeInput(accepting_new_clients="yes")
    )
    assert changed is True
    assert list(
        Metadata.objects.values_list("field_name", "previous_value", "replacement_value")
    ) == [("accepting_new_clients", "no", "yes")]


@pytest.mark.django_db
def test_saving_the_form_unchanged_changes_nothing(client, listings, partner_staff) -> None:
    client.force_login(partner_staff)
    page = client.get(url(listings.pantry_service)).content.decode()
    assert 'value="unknown"' in page and "checked" in page
    response = client.post(
        url(listings.pantry_service),
        {"accepting_new_clients": "unknown", "accepting_referrals": "unknown"},
        follow=True,
    )
    assert "Nothing changed." in response.content.decode()
    assert not ServiceIntake.objects.exists() and not Metadata.objects.exists()
    assert not AuditEvent.objects.filter(object_id=str(listings.pantry_service.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("typical_response_days", "-1", "greater than or equal to 0"),
        ("typical_response_days", "400", "less than or equal to 365"),
        ("typical_response_days", "soon", "Enter a whole number"),
        ("accepting_new_clients", "maybe", "Select a valid choice"),
        ("waitlist", "x" * 201, "at most 200 characters"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_stored(
    client, listings, partner_staff, field, value, message
) -> None:
    client.force_login(partner_staff)
    response = client.post(url(listings.pantry_service), {**FULL, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page and message in page
    assert not ServiceIntake.objects.exists()


@pytest.mark.django_db
def test_domain_rules_hold_without_the_form(listings, partner_staff) -> None:
    service = listings.pantry_service
    with pytest.raises(ValidationError):
        intake.set_intake(service, by=partner_staff, values=IntakeInput(accepting_referrals="?"))
    with pytest.raises(ValidationError):
        intake.set_intake(service, by=partner_staff, values=IntakeInput(typical_response_days=999))
    assert not ServiceIntake.objects.exists()


@pytest.mark.django_db
def test_only_editors_of_the_organisation_may_change_it(
    client, listings, navigator, other_org_staff, resident
) -> None:
    service = listings.pantry_service
    for user in (navigator, other_org_staff, resident):
        client.force_login(user)
        assert client.get(url(service)).status_code == 403
        assert client.post(url(service), FULL).status_code == 403
        with pytest.raises(PermissionDenied):
            intake.set_intake(service, by=user, values=IntakeInput(accepting_new_clients="no"))
    client.logout()
    assert client.get(url(service)).status_code == 302  # to the login page
    assert not ServiceIntake.objects.exists()


@pytest.mark.django_db
def test_a_coalition_admin_may_change_any_service(client, listings, coalition_admin) -> None:
    client.force_login(coalition_admin)
    assert client.post(url(listings.clinic_service), FULL).status_code == 302
    assert ServiceIntake.objects.get(service=listings.clinic_service).accepting_new_clients == "no"


@pytest.mark.django_db
def test_the_edit_pages_link_to_it(client, listings, partner_staff) -> None:
    client.force_login(partner_staff)
    page = client.get(
        reverse("directory:service_edit", args=[listings.pantry_service.id])
    ).content.decode()
    assert url(listings.pantry_service) in page
    page = client.get(url(listings.pantry_service)).content.decode()
    assert 'aria-current="page">New clients<' in page
    assert "<legend" in page  # the yes/no/not known choices are a labelled group
