"""A person's rights over their data: a copy of everything held, and erasure on request.

Who: these are requests a person makes of the partnership, not care work, so they are
handled by its privacy leads — a superuser, or a coalition admin of an organisation in the
person's care team — never by a navigator or partner staff alone (a care worker sees only
what their organisation may; a full copy includes every organisation's notes). Every
export and every erasure is audit-logged with the request's reference.

Export: one JSON document of every row about the person (record, care team, consents,
referrals with their timelines and notes, screenings with answers and results, safety
follow-ups, care plans, messages sent to them, and who accessed their record), or the same
as one FHIR R4 `collection` Bundle.

Erasure: in one transaction, referrals and screenings become de-identified counts
(insights.tallies), then every row about the person is deleted; the audit log keeps a
tombstone (what was removed, how many, why, by whom — no name). It is refused while a
safety follow-up is open: a person at risk is never dropped from the list of people to
reach by an erasure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop

from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.insights import tallies
from commonweal.insights.models import RemovalReason
from commonweal.programs import personal_reminders
from commonweal.referrals import care_plan_fhir, fhir
from commonweal.referrals.care_plan_models import CarePlan
from commonweal.referrals.models import Person, Referral
from commonweal.referrals.people import PERSON_TYPE
from commonweal.screening import fhir as screening_fhir
from commonweal.screening import instruments
from commonweal.screening import results as screening_results

# Marked for translation here, translated where they are shown.
OPEN_SAFETY_FOLLOW_UP = gettext_noop(
    "This person has an open safety follow-up. Close it (the person was reached, or every "
    "step was tried) before erasing their data."
)
REASON_REQUIRED = gettext_noop("Give the request's reference (not the person's name).")


class RightsRequestRefused(ValueError):
    """An export or erasure that may not go ahead, with the reason to show."""


# --- export ---------------------------------------------------------------------------------------


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.pk),
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": _iso(person.date_of_birth),
        "preferred_language": person.preferred_language,
        "zip_code": person.zip_code,
        "phone": person.phone,
        "email": person.email,
        "preferred_contact_method": person.preferred_contact_method,
        "voicemail_ok": person.voicemail_ok,
        "text_ok": person.text_ok,
        "email_ok": person.email_ok,
        "safe_times": person.safe_times,
        "created_at": _iso(person.created_at),
        "updated_at": _iso(person.updated_at),
    }


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "id": str(referral.pk),
        "from_organization": referral.from_organization.name,
        "to_organization": referral.to_organization.name,
        "service": referral.service.name,
        "needs": list(referral.needs),
        "urgency": referral.urgency,
        "status": referral.status,
        "status_reason": referral.status_reason,
        "shared_note": referral.shared_note,
        "private_note": referral.private_note,
        "shared_person": referral.shared_person,
        "appointment_at": _iso(referral.appointment_at),
        "outcome": referral.outcome,
        "outcome_note": referral.outcome_note,
        "created_at": _iso(referral.created_at),
        "sent_at": _iso(referral.sent_at),
        "closed_at": _iso(referral.closed_at),
        "timeline": [
            {
                "at": _iso(event.at),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "organization": event.actor_organization.name if event.actor_organization else "",
                "reason": event.reason,
                "text": event.text,
            }
            for event in referral.events.select_related("actor_organization")
        ],
        "messages": [
            {
                "kind": message.kind,
                "channel": message.channel,
                "to": message.to,
                "subject": message.subject,
                "body": message.body,
                "status": message.status,
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in referral.outbox_messages.filter(recipient_kind="person").order_by(
                "created_at"
            )
        ],
    }


def _screening(screening: Any) -> dict[str, Any]:
    return {
        "id": str(screening.pk),
        "instrument": screening.instrument,
        "language": screening.language,
        "organization": screening.organization.name if screening.organization else "",
        "answers": screening.answers,
        "result": screening.result,
        "safety_triggered": screening.safety_triggered,
        "created_at": _iso(screening.created_at),
    }


def _follow_up(follow_up: Any) -> dict[str, Any]:
    return {
        "screening": str(follow_up.screening_id),
        "organization": follow_up.organization.name,
        "status": follow_up.status,
        "acute": follow_up.acute,
        "reasons": list(follow_up.reasons),
        "closed_at": _iso(follow_up.closed_at),
        "due_at": _iso(follow_up.due_at),
        "steps": [
            {
                "step": step.step,
                "outcome": step.outcome,
                "note": step.note,
                "at": _iso(step.recorded_at),
            }
            for step in follow_up.steps.all()
        ],
    }


def _care_plan(plan: CarePlan) -> dict[str, Any]:
    return {
        "organization": plan.organization.name,
        "status": plan.status,
        "created_at": _iso(plan.created_at),
        "closed_at": _iso(plan.closed_at),
        "goals": [
            {
                "description": goal.description,
                "needs": list(goal.needs),
                "status": goal.status,
                "achievement": goal.achievement,
            }
            for goal in plan.goals.all()
        ],
        "progress_notes": [{"at": _iso(note.at), "text": note.text} for note in plan.notes.all()],
    }


def _access_history(person: Person) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(person_id=str(person.pk)).order_by("at", "id")
    return [
        {
            "at": _iso(event.at),
            "by": event.actor_label,
            "action": event.action,
            "what": event.object_type,
            "from_address": event.ip_address,
        }
        for event in events
    ]


def _referrals(person: Person) -> list[Referral]:
    return list(
        Referral.objects.filter(person=person)
        .select_related("from_organization", "to_organization", "service", "consent")
        .order_by("created_at", "id")
    )


def export_json(person: Person) -> dict[str, Any]:
    """Everything held about the person, as plain JSON values."""
    return {
        "exported_at": timezone.now().isoformat(),
        "person": _person(person),
        "care_team": [
            {"organization": member.organization.name, "since": _iso(member.added_at)}
            for member in person.care_team.select_related("organization").order_by("added_at")
        ],
        "consents": [
            {
                "organizations": [org.name for org in consent.organizations.order_by("name")],
                "categories": list(consent.categories),
                "purpose": consent.purpose,
                "method": consent.method,
                "recorded_at": _iso(consent.recorded_at),
                "expires_at": _iso(consent.expires_at),
                "revoked_at": _iso(consent.revoked_at),
                "revocation_reason": consent.revocation_reason,
            }
            for consent in person.consents.order_by("recorded_at")
        ],
        "referrals": [_referral(referral) for referral in _referrals(person)],
        "screenings": [
            _screening(s)
            for s in person.screenings.select_related("organization").order_by("created_at")
        ],
        "safety_follow_ups": [
            _follow_up(f) for f in person.safety_follow_ups.select_related("organization")
        ],
        "care_plans": [
            _care_plan(plan)
            for plan in CarePlan.objects.filter(person=person).select_related("organization")
        ],
        "reminders": personal_reminders.person_export(person),
        "access_history": _access_history(person),
    }


def _full_patient(person: Person, patient_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id,
        "name": [
            {
                "use": "official",
                "given": [person.given_name],
                **({"family": person.family_name} if person.family_name else {}),
            }
        ],
    }
    if person.preferred_name:
        resource["name"].append({"use": "usual", "text": person.preferred_name})
    if person.date_of_birth:
        resource["birthDate"] = person.date_of_birth.isoformat()
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", person.phone), ("email", person.email))
        if value
    ]
    if telecom:
        resource["telecom"] = telecom
    if person.zip_code:
        resource["address"] = [{"postalCode": person.zip_code}]
    if person.preferred_language:
        resource["communication"] = [
            {
                "language": {
                    "coding": [{"system": fhir.LANGUAGE_SYSTEM, "code": person.preferred_language}]
                },
                "preferred": True,
            }
        ]
    return resource


def _repoint(value: Any, old: set[str], new: str) -> Any:
    """Point every reference to one of the `old` patients at the person's one Patient."""
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str) and value["reference"] in old:
            return {**value, "reference": new}
        return {key: _repoint(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_repoint(item, old, new) for item in value]
    return value


def export_fhir(person: Person, *, by: Any) -> dict[str, Any]:
    """Everything held about the person as one FHIR R4 `collection` Bundle."""
    patient_id = fhir._uid("person-export", person.pk)
    patient_ref = f"urn:uuid:{patient_id}"
    resources: dict[str, dict[str, Any]] = {patient_id: _full_patient(person, patient_id)}
    stand_ins: set[str] = set()

    def add(resource: dict[str, Any]) -> None:
        resources.setdefault(resource["id"], resource)

    for referral in _referrals(person):
        # The referral bundle's Patient is the receiver's snapshot; here the person is whole.
        stand_ins.add(fhir._ref("patient", referral.pk))
        for entry in fhir.referral_bundle(referral)["entry"]:
            if entry["resource"]["resourceType"] != "Patient":
                add(entry["resource"])
    for screening in person.screenings.order_by("created_at"):
        try:
            instrument = instruments.get(screening.instrument)
        except KeyError:  # a local questionnaire since removed: the JSON export still has it
            continue
        response_id = fhir._uid("questionnaire-response", screening.pk)
        add(
            screening_fhir.questionnaire_response(
                instrument,
                screening.answers,
                authored=screening.created_at,
                subject=patient_ref,
                resource_id=response_id,
                language=screening.language,
            )
        )
        if screening.result:
            for index, observation in enumerate(
                screening_fhir.observations(
                    instrument,
                    screening_results.from_json(screening.result),
                    effective=screening.created_at,
                    subject=patient_ref,
                    derived_from=f"urn:uuid:{response_id}",
                )
            ):
                observation["id"] = fhir._uid(f"observation-{index}", screening.pk)
                add(observation)
    for plan in CarePlan.objects.filter(person=person):
        stand_ins.add(f"urn:uuid:{care_plan_fhir._uid('care-plan-patient', person.pk)}")
        for entry in care_plan_fhir.care_plan_bundle(plan, by)["entry"]:
            if entry["resource"]["resourceType"] != "Patient":
                add(entry["resource"])
    entries = [
        {"fullUrl": f"urn:uuid:{rid}", "resource": _repoint(resource, stand_ins, patient_ref)}
        for rid, resource in resources.items()
    ]
    return {
        "resourceType": "Bundle",
        "id": fhir._uid("person-export-bundle", person.pk),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": entries,
    }


def record_export(
    *, person: Person, by: Any, reference: str, format: str, request: HttpRequest | None = None
) -> None:
    if not reference.strip():
        raise RightsRequestRefused(REASON_REQUIRED)
    audit.record(
        action=AuditEvent.Action.EXPORT,
        actor=by,
        obj=person,
        object_type=PERSON_TYPE,
        person_id=str(person.pk),
        request=request,
        detail={"export": "everything", "format": format, "request": reference.strip()},
    )


# --- erasure --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    person_id: str
    removed: dict[str, int]


def erase(
    *, person: Person, by: Any, reference: str, request: HttpRequest | None = None
) -> Erasure:
    """Delete every row about the person, keeping only de-identified counts and a tombstone."""
    if not reference.strip():
        raise RightsRequestRefused(REASON_REQUIRED)
    person_id = str(person.pk)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.safety_follow_ups.still_open().exists():
            raise RightsRequestRefused(OPEN_SAFETY_FOLLOW_UP)
        referrals = list(Referral.objects.filter(person=person))
        screenings = list(person.screenings.all())
        removed = {
            "referrals": tallies.count_referrals(referrals, removed_for=RemovalReason.ERASURE),
            "screenings": tallies.count_screenings(screenings, removed_for=RemovalReason.ERASURE),
            "consents": person.consents.count(),
            "care_plans": CarePlan.objects.filter(person=person).count(),
            "safety_follow_ups": person.safety_follow_ups.count(),
        }
        # Care plans link to referrals and screenings; referrals hold consents (PROTECT):
        # delete from the leaves in, then the person (consents, screenings, care team
        # and follow-ups go with it).
        CarePlan.objects.filter(person=person).delete()
        Referral.objects.filter(person=person).delete()
        person.delete()
        audit.record(
            action=AuditEvent.Action.ERASE,
            actor=by,
            object_type=PERSON_TYPE,
            object_id=person_id,
            person_id=person_id,
            request=request,
            detail={"erased": True, "request": reference.strip(), "removed": removed},
        )
    return Erasure(person_id=person_id, removed=removed)
