"""Accept a referral Bundle from an EHR: person, consent and referral in one transaction.

The Bundle is validated and read by fhir.parse_incoming; this module writes it through
the same domain functions the pages use (people.create_person, consent.record_consent,
referring.create_referral), so every rule — care team, consent, capacity, audit log —
applies unchanged. Any error rolls the whole import back: nothing is half-written.

The person: an existing person with the same names and date of birth *in the caller's
care team* (people.find_duplicates) is reused and their record is not changed by the
EHR's data; otherwise a new person is created in the caller's organisation. A match the
caller may not see is never revealed (only noted by id in the audit log, as on the pages).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.directory.models import Organization, Service
from commonweal.referrals import consent as consents
from commonweal.referrals import fhir, people, referring
from commonweal.referrals.errors import ConsentRequired, InvalidReferral, KeyReused, NotAllowed
from commonweal.referrals.models import CareTeamMember, Person, Referral


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _acting_organization(by: Any, requester_ids: list[str]) -> Organization:
    care_ids = set(policy.care_organization_ids(by))
    if not care_ids:
        raise NotAllowed(_("Only navigators and partner staff can receive referrals for people."))
    named = [pk for pk in _uuids(requester_ids) if pk in care_ids]
    if named:
        return Organization.objects.get(pk=named[0])
    if len(care_ids) == 1:
        return Organization.objects.get(pk=next(iter(care_ids)))
    raise InvalidReferral(
        _(
            "You work for several organisations: name yours as the ServiceRequest's requester "
            "(an Organization whose id is your organisation's id)."
        )
    )


def _service(incoming: fhir.Incoming) -> Service:
    ids = _uuids([incoming.service_id])
    service = (
        Service.objects.select_related("organization").filter(pk=ids[0]).first() if ids else None
    )
    if service is None:
        raise fhir.InvalidBundle(
            [f"ServiceRequest.performer: no service with id {incoming.service_id!r}"]
        )
    return service


def _person(incoming: fhir.Incoming, organization: Organization, by: Any, request: Any) -> Person:
    values = incoming.person
    found = people.find_duplicates(
        user=by,
        given_name=values["given_name"],
        family_name=values.get("family_name", ""),
        date_of_birth=values.get("date_of_birth"),
    )
    in_team = set(
        CareTeamMember.objects.filter(
            organization=organization, person__in=found.visible
        ).values_list("person_id", flat=True)
    )
    for person in found.visible:
        if person.pk in in_team:
            return person
    try:
        return people.create_person(
            values=values,
            organization=organization,
            by=by,
            request=request,
            hidden_duplicate_ids=found.hidden_ids + [str(p.pk) for p in found.visible],
        )
    except ValidationError as error:
        raise fhir.InvalidBundle(
            [
                f"Patient.{name}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        ) from None


def import_bundle(
    *, data: Any, by: Any, idempotency_key: str | None = None, request: HttpRequest | None = None
) -> referring.Created:
    """Make (and send) the referral an incoming FHIR Bundle asks for, acting as `by`.

    Raises fhir.InvalidBundle, InvalidReferral, ConsentRequired, NotAcceptingReferrals,
    KeyReused or NotAllowed; nothing is written unless it all succeeds."""
    incoming = fhir.parse_incoming(data)
    organization = _acting_organization(by, incoming.requester_ids)
    service = _service(incoming)
    # An EHR retrying the same Bundle sends the same Bundle.identifier: use it as the key
    # when no Idempotency-Key header came, so a retry never makes a second referral.
    key = idempotency_key or (f"fhir:{incoming.identifier}"[:80] if incoming.identifier else None)
    if key:
        existing = Referral.objects.filter(created_by=by, idempotency_key=key).first()
        if existing is not None:
            if existing.service_id != service.pk or existing.needs != incoming.needs:
                raise KeyReused(_("This key was already used for a different referral."))
            return referring.Created(referral=existing, created=False)
    receiver_id = service.organization_id
    consent_ids = _uuids(incoming.consent_organization_ids)
    if receiver_id not in consent_ids:
        raise ConsentRequired(
            _(
                "The Consent must name the receiving organisation (%(organization)s) as an "
                "actor: no consent, no sharing."
            )
            % {"organization": service.organization.name}
        )
    organizations = list(Organization.objects.filter(pk__in=consent_ids))
    categories = incoming.consent_categories or sorted(
        referring.required_categories(shared_note=incoming.shared_note)
    )
    with transaction.atomic():
        person = _person(incoming, organization, by, request)
        consents.record_consent(
            person=person,
            organizations=organizations,
            categories=categories,
            purpose=incoming.consent_purpose[:200],
            method=incoming.consent_method,
            expires_at=incoming.consent_expires,
            by=by,
            request=request,
        )
        return referring.create_referral(
            person=person,
            service=service,
            by=by,
            needs=incoming.needs,
            from_organization=organization,
            shared_note=incoming.shared_note,
            urgency=incoming.urgency,
            idempotency_key=key,
            request=request,
        )
