"""Making a referral, what the navigator sees before sending it, and what each side reads.

`create_referral` is what the "refer" page and the API call. In order it checks: the
person is in the creator's care team (acting for one of its organisations), the service
exists, is active and does not say "no" to referrals, the input is well formed, and an
active consent covers the receiving organisation and every category of data the referral
shares. Then, in one transaction, it stores the referral with a snapshot of what the
receiver may know of the person, appends the creation event, audit-logs it, and (unless
`send=False`) sends it (draft → requested) through lifecycle.transition.

Idempotency: a key is unique per creator. The same key with the same request returns the
first referral (created=False); the same key with a different request is KeyReused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Organization, Service, ServiceAtLocation, ServiceIntake
from commonweal.referrals import consent as consents
from commonweal.referrals import lifecycle
from commonweal.referrals.errors import (
    ConsentRequired,
    InvalidReferral,
    KeyReused,
    NotAcceptingReferrals,
    NotAllowed,
)
from commonweal.referrals.models import (
    DataCategory,
    Person,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)

MAX_KEY_LENGTH = 80
MAX_NOTE = 4000
MAX_NEEDS = 20
MAX_NEED_LENGTH = 64


@dataclass(frozen=True)
class Capacity:
    """What a navigator should know about a service before referring to it."""

    accepting_referrals: str  # ServiceIntake.YES / NO / UNKNOWN
    accepting_new_clients: str
    waitlist: str
    typical_response_days: int | None
    open_referrals: int  # sent to this service and not yet closed
    can_refer: bool
    message: str


@dataclass(frozen=True)
class Created:
    referral: Referral
    created: bool


def capacity(service: Service) -> Capacity:
    """The service's intake answers and how many referrals already wait on it."""
    intake = ServiceIntake.objects.filter(service=service).first()
    open_count = Referral.objects.filter(service=service, status__in=lifecycle.OPEN).count()
    accepting = intake.accepting_referrals if intake else ServiceIntake.UNKNOWN
    if service.status != "active":
        can_refer, message = False, _("This service is not active.")
    elif accepting == ServiceIntake.NO:
        can_refer, message = False, _("This service is not accepting referrals now.")
    elif accepting == ServiceIntake.UNKNOWN:
        can_refer, message = True, _("This service has not said whether it takes referrals.")
    else:
        can_refer, message = True, _("This service is accepting referrals.")
    return Capacity(
        accepting_referrals=accepting,
        accepting_new_clients=intake.accepting_new_clients if intake else ServiceIntake.UNKNOWN,
        waitlist=intake.waitlist if intake else "",
        typical_response_days=intake.typical_response_days if intake else None,
        open_referrals=open_count,
        can_refer=can_refer,
        message=str(message),
    )


def required_categories(*, shared_note: str) -> set[str]:
    """What a referral shares: always who to contact and what for; the note if there is one."""
    wanted = {DataCategory.CONTACT.value, DataCategory.NEEDS.value}
    if shared_note.strip():
        wanted.add(DataCategory.NOTES.value)
    return wanted


def shared_person(person: Person) -> dict[str, Any]:
    """The minimum the receiver needs to reach the person safely; no date of birth, no ZIP."""
    return {
        "name": person.display_name,
        "preferred_language": person.preferred_language,
        "preferred_contact_method": person.preferred_contact_method,
        "phone": person.phone,
        "email": person.email,
        "voicemail_ok": person.voicemail_ok,
        "text_ok": person.text_ok,
        "email_ok": person.email_ok,
        "safe_times": person.safe_times,
    }


def check_consent_for(referral: Referral) -> None:
    """Raise ConsentRequired unless the referral's consent still covers what it shares."""
    needed = required_categories(shared_note=referral.shared_note)
    if not consents.is_still_active(referral.consent, referral.to_organization_id, needed):
        raise ConsentRequired(
            _(
                "The person's consent to share with this organisation has expired or was "
                "revoked. Record a new consent before sending."
            )
        )


def _clean_needs(needs: Any) -> list[str]:
    if not isinstance(needs, list | tuple) or not needs:
        raise InvalidReferral(_("Name at least one need this referral addresses."))
    if len(needs) > MAX_NEEDS:
        raise InvalidReferral(_("Name at most %(n)d needs.") % {"n": MAX_NEEDS})
    cleaned = []
    for need in needs:
        if (
            not isinstance(need, str)
            or not need.strip()
            or len(need) > MAX_NEED_LENGTH
            or not need.isprintable()
        ):
            raise InvalidReferral(
                _("Each need is a taxonomy term or screening domain code (up to %(n)d characters).")
                % {"n": MAX_NEED_LENGTH}
            )
        if need.strip() not in cleaned:
            cleaned.append(need.strip())
    return cleaned


def _fingerprint(**values: Any) -> str:
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _existing(by: Any, key: str | None) -> Referral | None:
    if not key:
        return None
    return Referral.objects.filter(created_by=by, idempotency_key=key).first()


def _replay(existing: Referral, fingerprint: str) -> Created:
    if existing.request_fingerprint != fingerprint:
        raise KeyReused(_("This Idempotency-Key was already used for a different referral."))
    return Created(referral=existing, created=False)


def create_referral(
    *,
    person: Person,
    service: Service,
    by: Any,
    needs: list[str],
    service_at_location: ServiceAtLocation | None = None,
    from_organization: Organization | None = None,
    shared_note: str = "",
    private_note: str = "",
    urgency: str = Urgency.ROUTINE,
    idempotency_key: str | None = None,
    send: bool = True,
    request: HttpRequest | None = None,
) -> Created:
    """Make (and by default send) a referral of `person` to `service`, acting as `by`.

    Raises NotAllowed, InvalidReferral, NotAcceptingReferrals, ConsentRequired or KeyReused;
    nothing is written unless it all succeeds."""
    if not policy.can_edit_person(by, person):
        raise NotAllowed(_("Only the person's care team can refer them."))
    care_ids = set(policy.care_organization_ids(by))
    if from_organization is None:
        from_organization = policy.acting_organization(by, person)
    if (
        from_organization is None
        or from_organization.pk not in care_ids
        or not person.care_team.filter(organization=from_organization).exists()
    ):
        raise NotAllowed(_("Refer people on behalf of an organisation in their care team."))
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise InvalidReferral(
            _("An idempotency key has 1 to %(n)d characters.") % {"n": MAX_KEY_LENGTH}
        )
    shared_note = (shared_note or "").strip()
    private_note = (private_note or "").strip()
    if "\x00" in shared_note + private_note:
        # PostgreSQL cannot store NUL in text; refuse it as bad input, not a server error.
        raise InvalidReferral(_("Notes cannot contain control characters."))
    if len(shared_note) > MAX_NOTE or len(private_note) > MAX_NOTE:
        raise InvalidReferral(_("Keep each note under %(n)d characters.") % {"n": MAX_NOTE})
    if urgency not in Urgency.values:
        raise InvalidReferral(
            _("Urgency is one of: %(choices)s.") % {"choices": ", ".join(Urgency.values)}
        )
    if service_at_location is not None and service_at_location.service_id != service.pk:
        raise InvalidReferral(_("That location does not offer this service."))
    cleaned_needs = _clean_needs(needs)
    fingerprint = _fingerprint(
        person=person.pk,
        service=service.pk,
        location=service_at_location.pk if service_at_location else None,
        organization=from_organization.pk,
        needs=cleaned_needs,
        shared_note=shared_note,
        private_note=private_note,
        urgency=urgency,
        send=send,
    )
    existing = _existing(by, idempotency_key)
    if existing is not None:
        return _replay(existing, fingerprint)
    summary = capacity(service)
    if not summary.can_refer:
        raise NotAcceptingReferrals(summary.message)
    to_organization = service.organization
    consent = consents.active_consent(
        person, to_organization, required_categories(shared_note=shared_note)
    )
    if consent is None:
        if shared_note:
            message = _(
                "Record the person's consent to share their contact details, needs and the "
                "note with %(organization)s before referring them."
            )
        else:
            message = _(
                "Record the person's consent to share their contact details and needs with "
                "%(organization)s before referring them."
            )
        raise ConsentRequired(message % {"organization": to_organization.name})
    try:
        with transaction.atomic():
            referral = _store(
                person=person,
                service=service,
                service_at_location=service_at_location,
                from_organization=from_organization,
                to_organization=to_organization,
                by=by,
                needs=cleaned_needs,
                shared_note=shared_note,
                private_note=private_note,
                urgency=urgency,
                consent=consent,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                request=request,
            )
            if send:
                referral = lifecycle.transition(
                    referral=referral,
                    move=lifecycle.Move(to_status=ReferralStatus.REQUESTED),
                    by=by,
                    expected_version=referral.version,
                    request=request,
                )
    except IntegrityError:
        # The same key raced in twice; the other request made the referral.
        existing = _existing(by, idempotency_key)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return Created(referral=referral, created=True)


def _store(*, by: Any, request: HttpRequest | None, fingerprint: str, **values: Any) -> Referral:
    person = values["person"]
    referral = Referral.objects.create(
        created_by=by,
        shared_person=shared_person(person),
        request_fingerprint=fingerprint,
        idempotency_key=values.pop("idempotency_key") or None,
        **values,
    )
    ReferralEvent.objects.create(
        referral=referral,
        from_status="",
        to_status=referral.status,
        actor=by,
        actor_organization=referral.from_organization,
        at=referral.created_at,
        version=referral.version,
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=referral,
        object_type=lifecycle.REFERRAL_TYPE,
        person_id=str(person.pk),
        request=request,
        detail={
            "from": str(referral.from_organization_id),
            "to": str(referral.to_organization_id),
            "service": str(referral.service_id),
            "consent": str(referral.consent_id),
        },
    )
    return referral


# --- reading ------------------------------------------------------------------------------------


def record_read(
    *, referral: Referral, by: Any, request: HttpRequest | None = None, what: str = "referral"
) -> None:
    """Audit-log that `by` read a referral (it carries the person's data)."""
    detail: dict[str, Any] = {"read": what}
    if getattr(by, "is_superuser", False) and not lifecycle.sides(by, referral):
        detail["as_superuser"] = True
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        obj=referral,
        object_type=lifecycle.REFERRAL_TYPE,
        person_id=str(referral.person_id),
        request=request,
        detail=detail,
    )


def record_list_read(
    *, referrals: list[Referral], by: Any, request: HttpRequest | None = None
) -> None:
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        object_type=lifecycle.REFERRAL_TYPE,
        object_id="list",
        request=request,
        detail={"read": "list", "referrals": [str(r.pk) for r in referrals]},
    )


def view(referral: Referral, user: Any) -> dict[str, Any]:
    """The referral as `user` may see it: plain values, the private note only for the sender.

    Pages and the API render this, never the model, so neither can leak a field by accident.
    """
    consent_revoked = bool(
        referral.consent_id and referral.consent and referral.consent.revoked_at is not None
    )
    data: dict[str, Any] = {
        "id": str(referral.pk),
        "status": referral.status,
        "status_label": str(ReferralStatus(referral.status).label),
        "status_reason": referral.status_reason,
        "version": referral.version,
        "person": dict(referral.shared_person),
        "from_organization": {
            "id": str(referral.from_organization_id),
            "name": referral.from_organization.name,
        },
        "to_organization": {
            "id": str(referral.to_organization_id),
            "name": referral.to_organization.name,
        },
        "service": {"id": str(referral.service_id), "name": referral.service.name},
        "service_at_location_id": str(referral.service_at_location_id)
        if referral.service_at_location_id
        else None,
        "needs": list(referral.needs),
        "shared_note": referral.shared_note,
        "urgency": referral.urgency,
        "appointment_at": referral.appointment_at,
        "outcome": referral.outcome,
        "outcome_note": referral.outcome_note,
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "closed_at": referral.closed_at,
        "consent_revoked": consent_revoked,
        "allowed_moves": lifecycle.allowed_moves(user, referral),
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "at": e.at,
                "reason": e.reason,
                "text": e.text,
                "organization_id": str(e.actor_organization_id)
                if e.actor_organization_id
                else None,
            }
            for e in referral.events.all()
        ],
    }
    if policy.can_see_private_note(user, referral):
        data["private_note"] = referral.private_note
        data["person_id"] = str(referral.person_id)
    return data


def referrals_for(user: Any, box: str = "all") -> Any:
    """The referrals `user` may list (sent / received / all), newest first, ready to view."""
    return (
        policy.visible_referrals(user, box)
        .select_related("from_organization", "to_organization", "service", "consent")
        .prefetch_related("events")
        .order_by("-created_at", "-id")
    )
