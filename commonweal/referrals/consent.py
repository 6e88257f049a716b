"""Recording, revoking and checking a person's consent to share their data.

The rules (docs/referrals.md, "Consent"):

- Nothing about a person goes to another organisation without a consent that is active
  (not revoked, not expired), names that organisation, and covers every data category
  sent. `active_consent` is the one check; referring.py calls it when a referral is made
  and again when it is sent, so a consent that lapsed in between stops the send.
- A consent is never edited. A wider or longer consent is a new one.
- Revoking is immediate: no new referral and no further sending under it. Drafts that
  relied on it are cancelled (reason "consent-revoked"). Referrals already sent keep the
  snapshot the receiver was given — it was shared lawfully and they need it to close the
  loop — but the snapshot is never refreshed, the receiver never sees the person's record,
  and each open referral gets a "consent-revoked" event so the receiver is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Organization
from commonweal.referrals.errors import InvalidReferral, NotAllowed
from commonweal.referrals.models import (
    Consent,
    ConsentMethod,
    DataCategory,
    Person,
    ReasonCode,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

CONSENT_TYPE = "referrals.consent"
# A consent for the life of one referral, not for ever: renewal is a conversation.
MAX_DURATION = dt.timedelta(days=3 * 366)


def _categories(categories: Iterable[str]) -> list[str]:
    wanted = sorted(set(categories))
    unknown = [c for c in wanted if c not in DataCategory.values]
    if unknown or not wanted:
        raise InvalidReferral(
            _("Choose what may be shared: %(choices)s.")
            % {"choices": ", ".join(DataCategory.values)}
        )
    return wanted


@transaction.atomic
def record_consent(
    *,
    person: Person,
    organizations: Iterable[Organization],
    categories: Iterable[str],
    purpose: str,
    method: str,
    expires_at: dt.datetime,
    by: Any,
    request: HttpRequest | None = None,
) -> Consent:
    """Record the person's consent, given to `by` (who must be in their care team)."""
    if not policy.can_edit_person(by, person):
        raise NotAllowed(_("Only the person's care team can record their consent."))
    organizations = list(organizations)
    if not organizations:
        raise InvalidReferral(_("Name at least one organisation the consent covers."))
    if method not in ConsentMethod.values:
        raise InvalidReferral(_("Say whether consent was given verbally or signed."))
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 200 or not purpose.isprintable():
        raise InvalidReferral(_("Say what the data will be used for (up to 200 characters)."))
    now = timezone.now()
    if expires_at is None or timezone.is_naive(expires_at) or expires_at <= now:
        raise InvalidReferral(_("A consent needs an expiry date in the future."))
    if expires_at - now > MAX_DURATION:
        raise InvalidReferral(_("A consent can last at most three years."))
    consent = Consent.objects.create(
        person=person,
        categories=_categories(categories),
        purpose=purpose,
        method=method,
        recorded_by=by,
        recorded_at=now,
        expires_at=expires_at,
    )
    consent.organizations.set(organizations)
    audit.record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=consent,
        object_type=CONSENT_TYPE,
        person_id=str(person.pk),
        request=request,
        detail={
            "organizations": [str(o.pk) for o in organizations],
            "categories": consent.categories,
            "method": method,
        },
    )
    return consent


def active_consent(
    person: Person,
    organization: Organization,
    categories: Iterable[str],
    *,
    at: dt.datetime | None = None,
) -> Consent | None:
    """The newest consent letting `organization` receive these categories of `person`'s data."""
    at = at or timezone.now()
    wanted = set(categories)
    candidates = Consent.objects.filter(
        person=person,
        organizations=organization,
        revoked_at__isnull=True,
        expires_at__gt=at,
    ).order_by("-recorded_at", "-id")
    # Categories are compared here, not in SQL: JSON containment differs between SQLite
    # and PostgreSQL, and a person has a handful of consents.
    for consent in candidates:
        if wanted <= set(consent.categories):
            return consent
    return None


def is_still_active(
    consent: Consent | None, organization_id: Any, categories: Iterable[str]
) -> bool:
    """Whether this particular consent still covers the organisation and categories now."""
    if consent is None:
        return False
    consent = Consent.objects.get(pk=consent.pk)  # revocation may have happened since
    return (
        consent.is_active()
        and set(categories) <= set(consent.categories)
        and consent.organizations.filter(pk=organization_id).exists()
    )


@transaction.atomic
def revoke_consent(
    *, consent: Consent, by: Any, reason: str = "", request: HttpRequest | None = None
) -> Consent:
    """Revoke a consent now (the person asked); see the module docstring for the effects."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not policy.can_edit_person(by, consent.person):
        raise NotAllowed(_("Only the person's care team can record a revocation."))
    if consent.revoked_at is not None:
        raise InvalidReferral(_("This consent was already revoked."), code="already-revoked")
    reason = "".join(ch for ch in (reason or "") if ch.isprintable()).strip()[:200]
    now = timezone.now()
    consent.revoked_at = now
    consent.revoked_by = by
    consent.revocation_reason = reason
    consent.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    affected = []
    actor_org = policy.acting_organization(by, consent.person)
    for referral in Referral.objects.select_for_update().filter(consent=consent):
        if referral.status in _CLOSED:
            continue
        new_status = (
            ReferralStatus.CANCELLED if referral.status == ReferralStatus.DRAFT else referral.status
        )
        Referral.objects.filter(pk=referral.pk).update(
            status=new_status,
            status_reason=ReasonCode.CONSENT_REVOKED
            if new_status == ReferralStatus.CANCELLED
            else referral.status_reason,
            version=referral.version + 1,
            closed_at=now if new_status == ReferralStatus.CANCELLED else None,
            updated_at=now,
        )
        ReferralEvent.objects.create(
            referral=referral,
            from_status=referral.status,
            to_status=new_status,
            actor=by,
            actor_organization=actor_org,
            at=now,
            reason=ReasonCode.CONSENT_REVOKED,
            version=referral.version + 1,
        )
        affected.append(str(referral.pk))
    audit.record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=consent,
        object_type=CONSENT_TYPE,
        person_id=str(consent.person_id),
        request=request,
        # Not the reason's text: it is the person's words and may be sensitive.
        detail={"revoked": True, "referrals": affected},
    )
    return consent


_CLOSED = {
    ReferralStatus.REJECTED,
    ReferralStatus.CANCELLED,
    ReferralStatus.FAILED,
    ReferralStatus.COMPLETED,
}
