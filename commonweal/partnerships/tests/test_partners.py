from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commonweal.partnerships import partners
from commonweal.partnerships.models import Partner, PartnerContact


@pytest.mark.django_db
def test_it_makes_an_organisation_a_partner_once(organization, coalition_admin) -> None:
    partner = partners.create_partner(organization=organization, by=coalition_admin, sector="faith")
    assert partner.name == organization.name and partner.active
    with pytest.raises(ValidationError) as failure:
        partners.create_partner(organization=organization, by=coalition_admin, sector="school")
    assert failure.value.message_dict == {"organization": [partners.ALREADY_A_PARTNER]}


@pytest.mark.django_db
def test_it_refuses_an_unknown_sector_and_saves_nothing(organization, coalition_admin) -> None:
    with pytest.raises(ValidationError) as failure:
        partners.create_partner(organization=organization, by=coalition_admin, sector="guild")
    assert "sector" in failure.value.message_dict
    assert not Partner.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_agreement_that_ends_before_the_partner_joined(
    partner, coalition_admin
) -> None:
    with pytest.raises(ValidationError) as failure:
        partners.update_partner(
            partner,
            by=coalition_admin,
            joined_on=dt.date(2026, 6, 1),
            agreement_expires_on=dt.date(2026, 5, 31),
            notes="changed",
        )
    assert list(failure.value.message_dict) == ["agreement_expires_on"]
    partner.refresh_from_db()
    assert partner.notes == "" and partner.joined_on is None  # nothing half-saved


@pytest.mark.django_db
def test_it_refuses_an_expiry_date_for_no_agreement(partner, coalition_admin) -> None:
    with pytest.raises(ValidationError) as failure:
        partners.update_partner(
            partner,
            by=coalition_admin,
            data_sharing_status="none",
            data_sharing_expires_on=dt.date(2027, 1, 1),
        )
    assert list(failure.value.message_dict) == ["data_sharing_expires_on"]


@pytest.mark.django_db
def test_a_new_main_contact_replaces_the_old_one(partner, coalition_admin) -> None:
    first = partners.add_contact(partner, by=coalition_admin, name="Ana", is_primary=True)
    second = partners.add_contact(partner, by=coalition_admin, name="Ben", is_primary=True)
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary
    partners.remove_contact(first, by=coalition_admin)
    assert list(PartnerContact.objects.values_list("name", flat=True)) == ["Ben"]


@pytest.mark.django_db
def test_it_refuses_a_contact_with_a_bad_email(partner, coalition_admin) -> None:
    with pytest.raises(ValidationError) as failure:
        partners.add_contact(partner, by=coalition_admin, name="Ana", email="not an address")
    assert list(failure.value.message_dict) == ["email"]
    assert not PartnerContact.objects.exists()
