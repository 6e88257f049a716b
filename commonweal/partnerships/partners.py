"""Writing partner profiles and contacts: validated, all-or-nothing, in one place."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from commonweal.directory.models import Organization
from commonweal.partnerships.models import Partner, PartnerContact

PARTNER_FIELDS = (
    "sector",
    "active",
    "joined_on",
    "agreement_status",
    "agreement_expires_on",
    "data_sharing_status",
    "data_sharing_expires_on",
    "notes",
)
CONTACT_FIELDS = ("name", "role", "email", "phone", "is_primary")
ALREADY_A_PARTNER = "This organisation is already a partner."


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(fields) - set(allowed))
    if extra:
        raise ValidationError({name: "Unknown field." for name in extra})


@transaction.atomic
def create_partner(*, organization: Organization, by: Any, **details: Any) -> Partner:
    """Make `organization` a member of the partnership with these profile details."""
    _unknown(details, PARTNER_FIELDS)
    if Partner.objects.filter(organization=organization).exists():
        raise ValidationError({"organization": ALREADY_A_PARTNER})
    partner = Partner(organization=organization, **details)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def update_partner(partner: Partner, *, by: Any, **details: Any) -> Partner:
    """Change a partner's profile; nothing is saved unless every field is valid."""
    _unknown(details, PARTNER_FIELDS)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    for name, value in details.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def add_contact(partner: Partner, *, by: Any, **details: Any) -> PartnerContact:
    """Add a partnership contact; a new main contact replaces the previous one."""
    _unknown(details, CONTACT_FIELDS)
    contact = PartnerContact(partner=partner, **details)
    contact.full_clean()
    if contact.is_primary:
        partner.contacts.filter(is_primary=True).update(is_primary=False)
    contact.save()
    return contact


@transaction.atomic
def remove_contact(contact: PartnerContact, *, by: Any) -> None:
    contact.delete()
