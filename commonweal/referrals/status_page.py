"""The person's own view of a referral: found by a short code, no account, nothing extra.

The code (`Referral.status_code`) is random, so it cannot be derived from anything; the
lookup is rate-limited per address so it cannot be guessed either; every successful look
is audit-logged (without the code). `person_view` builds the page from an allow-list of
fields — no notes, no needs, no other referrals, nothing the person did not give or need.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from commonweal.accounts import audit
from commonweal.accounts.audit import client_ip
from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Address, Phone
from commonweal.lib import rate_limit
from commonweal.referrals import lifecycle
from commonweal.referrals.models import (
    STATUS_CODE_ALPHABET,
    STATUS_CODE_LENGTH,
    Referral,
    ReferralStatus,
)

# Looks per address per window; a person needs a handful, a guesser needs billions.
LOOKUP_LIMIT = getattr(settings, "REFERRAL_STATUS_LOOKUPS_PER_WINDOW", 20)
LOOKUP_WINDOW_SECONDS = 15 * 60


def normalise(raw: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[: STATUS_CODE_LENGTH + 8]


def is_well_formed(code: str) -> bool:
    return len(code) == STATUS_CODE_LENGTH and all(ch in STATUS_CODE_ALPHABET for ch in code)


def display(code: str | None) -> str:
    """ABCD-EFGH-JKMN: easier to read out and copy than one run of twelve letters."""
    code = code or ""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _bucket(request: HttpRequest) -> str:
    return f"referral-status-lookups:{client_ip(request) or 'unknown'}"


def over_limit(request: HttpRequest) -> bool:
    """Count this look-up for the caller's address; True once it is past the limit."""
    return rate_limit.hit(_bucket(request), window_seconds=LOOKUP_WINDOW_SECONDS) > LOOKUP_LIMIT


def find(code: str) -> Referral | None:
    """The sent referral with this code; drafts are not the person's business yet."""
    code = normalise(code)
    if not is_well_formed(code):
        return None
    return (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .select_related("service", "to_organization", "service_at_location__location")
        .filter(status_code=code)
        .first()
    )


def record_read(referral: Referral, request: HttpRequest) -> None:
    audit.record(
        action=AuditEvent.Action.VIEW,
        obj=referral,
        object_type=lifecycle.REFERRAL_TYPE,
        person_id=str(referral.person_id),
        request=request,
        detail={"read": "status_page"},
    )


def plain_status(referral: Referral) -> str:
    """What the status means for the person, in their words rather than FHIR's."""
    organization = referral.to_organization.name
    words = {
        ReferralStatus.REQUESTED: _("We sent your referral to %(org)s. They have not replied yet."),
        ReferralStatus.RECEIVED: _("%(org)s has received your referral and will look at it soon."),
        ReferralStatus.ACCEPTED: _("%(org)s accepted your referral. They will contact you."),
        ReferralStatus.IN_PROGRESS: _("%(org)s is working with you."),
        ReferralStatus.ON_HOLD: _("Your referral to %(org)s is paused for now."),
        ReferralStatus.COMPLETED: _("This referral is finished."),
        ReferralStatus.REJECTED: _(
            "%(org)s cannot help with this referral. Ask the person who referred you about "
            "other options."
        ),
        ReferralStatus.CANCELLED: _("This referral was cancelled."),
        ReferralStatus.FAILED: _(
            "%(org)s could not complete this referral. Ask the person who referred you about "
            "other options."
        ),
    }
    return words.get(referral.status, _("We are working on your referral.")) % {"org": organization}


def _phone(referral: Referral) -> Phone | None:
    phones = Phone.objects.filter(service=referral.service)
    if referral.service_at_location_id:
        phones = phones | Phone.objects.filter(service_at_location=referral.service_at_location_id)
    return phones.order_by("id").first() or (
        Phone.objects.filter(organization=referral.to_organization).order_by("id").first()
    )


def _address(referral: Referral) -> Address | None:
    if referral.service_at_location_id:
        location_id = referral.service_at_location.location_id
    else:
        location_id = (
            referral.service.service_at_locations.values_list("location_id", flat=True)
            .order_by("id")
            .first()
        )
    if location_id is None:
        return None
    return (
        Address.objects.filter(location_id=location_id)
        .exclude(address_type="postal")
        .order_by("id")
        .first()
    )


def person_view(referral: Referral) -> dict[str, Any]:
    """Only what the person needs: who, how to reach them, where things stand, when."""
    phone = _phone(referral)
    address = _address(referral)
    return {
        "service_name": referral.service.name,
        "organization_name": referral.to_organization.name,
        "phone": phone.number if phone else "",
        "phone_href": phone.tel_href() if phone else "",
        "address": address.one_line() if address else "",
        "status": plain_status(referral),
        "appointment_at": referral.appointment_at
        if referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
        else None,
        "updated_at": referral.updated_at,
    }
