"""HL7 FHIR R4 for referrals: export a referral as a Bundle, read an incoming one.

Export (`referral_bundle`): a `collection` Bundle of ServiceRequest (what was asked),
Task (where it stands: our status *is* the FHIR Task status), Consent (what the person
allowed), the Patient *as the receiver may see it* (the referral's snapshot: no date of
birth, no ZIP, no record id), the two Organizations and the HealthcareService. The
private note is never in it, whoever asks. Resources are plain dicts shaped for the
`fhir.resources` R4B models (the tests validate each one and the bundle).

Import (`parse_incoming`): an EHR's Bundle of ServiceRequest + Patient + Consent and a
performer HealthcareService naming one of our services (its id, or an identifier in
`SERVICE_SYSTEM`). It is validated with fhir.resources first (every problem with its
path), then read into plain values (`Incoming`); fhir_import.py writes them through the
domain functions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from commonweal.referrals import phones
from commonweal.referrals.models import Consent, Outcome, ReasonCode, Referral, ReferralStatus

BASE = "https://commonweal.example/fhir"
SERVICE_SYSTEM = f"{BASE}/service"
ORGANIZATION_SYSTEM = f"{BASE}/organization"
REFERRAL_SYSTEM = f"{BASE}/referral"
NEED_SYSTEM = f"{BASE}/CodeSystem/needs"
REASON_SYSTEM = f"{BASE}/CodeSystem/referral-reason"
OUTCOME_SYSTEM = f"{BASE}/CodeSystem/referral-outcome"
STATUS_SYSTEM = f"{BASE}/CodeSystem/referral-status"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/consent-data"
CONTACT_EXTENSION = f"{BASE}/StructureDefinition/"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://loinc.org"
CONSENT_POLICY = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SDOH_CATEGORY = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"

# Our urgency → ServiceRequest.priority (routine | urgent | asap | stat), and back.
PRIORITY = {"routine": "routine", "soon": "urgent", "urgent": "asap"}
URGENCY = {"routine": "routine", "urgent": "soon", "asap": "urgent", "stat": "urgent"}
# Our Task status → ServiceRequest.status: the request stays "active" while anyone works it.
REQUEST_STATUS = {
    ReferralStatus.DRAFT: "draft",
    ReferralStatus.ON_HOLD: "on-hold",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.REJECTED: "revoked",
    ReferralStatus.CANCELLED: "revoked",
    ReferralStatus.FAILED: "revoked",
}


def _ref(kind: str, key: Any) -> str:
    return f"urn:uuid:{_uid(kind, key)}"


def _uid(kind: str, key: Any) -> str:
    # Stable per referral, but not the database id of the person: the receiver never
    # learns the person's record id.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/{kind}/{key}"))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- export -----------------------------------------------------------------------------------


def referral_bundle(referral: Referral) -> dict[str, Any]:
    """The referral as a FHIR R4 `collection` Bundle; never the private note."""
    entries = [
        ("ServiceRequest", service_request(referral)),
        ("Task", task(referral)),
        ("Patient", patient(referral)),
        ("Organization", organization(referral.from_organization)),
        ("Organization", organization(referral.to_organization)),
        ("HealthcareService", healthcare_service(referral)),
    ]
    if referral.consent_id:
        entries.append(("Consent", consent(referral.consent, referral)))
    return {
        "resourceType": "Bundle",
        "id": _uid("bundle", referral.pk),
        "identifier": {"system": REFERRAL_SYSTEM, "value": str(referral.pk)},
        "type": "collection",
        "timestamp": _iso(referral.updated_at),
        "entry": [{"fullUrl": _full_url(kind, res), "resource": res} for kind, res in entries],
    }


def _full_url(kind: str, resource: dict[str, Any]) -> str:
    return f"urn:uuid:{resource['id']}"


def _org_ref(organization: Any) -> dict[str, Any]:
    return {"reference": f"urn:uuid:{organization.pk}", "display": organization.name}


def organization(org: Any) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": str(org.pk),
        "identifier": [{"system": ORGANIZATION_SYSTEM, "value": str(org.pk)}],
        "active": True,
        "name": org.name,
    }


def healthcare_service(referral: Referral) -> dict[str, Any]:
    service = referral.service
    return {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "identifier": [{"system": SERVICE_SYSTEM, "value": str(service.pk)}],
        "providedBy": _org_ref(referral.to_organization),
        "name": service.name,
    }


def patient(referral: Referral) -> dict[str, Any]:
    """The person as the receiver knows them: the referral's snapshot, nothing more."""
    shared = referral.shared_person or {}
    resource: dict[str, Any] = {"resourceType": "Patient", "id": _uid("patient", referral.pk)}
    if shared.get("name"):
        resource["name"] = [{"text": shared["name"]}]
    preferred = shared.get("preferred_contact_method")
    telecom = []
    for system, key in (("phone", "phone"), ("email", "email")):
        if shared.get(key):
            point: dict[str, Any] = {"system": system, "value": shared[key]}
            if preferred == key or (preferred == "text" and key == "phone"):
                point["rank"] = 1
            telecom.append(point)
    if telecom:
        resource["telecom"] = telecom
    if shared.get("preferred_language"):
        resource["communication"] = [
            {
                "language": {
                    "coding": [{"system": LANGUAGE_SYSTEM, "code": shared["preferred_language"]}]
                },
                "preferred": True,
            }
        ]
    # Safe-contact rules travel as extensions: the receiver must respect them, and FHIR
    # Patient has no element for "do not leave a voicemail".
    extensions = [
        {"url": CONTACT_EXTENSION + name, "valueBoolean": bool(shared.get(name))}
        for name in ("voicemail_ok", "text_ok", "email_ok")
    ]
    if preferred:
        extensions.append(
            {"url": CONTACT_EXTENSION + "preferred-contact-method", "valueCode": preferred}
        )
    if shared.get("safe_times"):
        extensions.append(
            {"url": CONTACT_EXTENSION + "safe-times", "valueString": shared["safe_times"]}
        )
    resource["extension"] = extensions
    return resource


def service_request(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": _uid("service-request", referral.pk),
        "identifier": [{"system": REFERRAL_SYSTEM, "value": str(referral.pk)}],
        "status": REQUEST_STATUS.get(referral.status, "active"),
        "intent": "order",
        "priority": PRIORITY.get(referral.urgency, "routine"),
        "code": {"text": referral.service.name},
        "subject": {"reference": _ref("patient", referral.pk)},
        "authoredOn": _iso(referral.created_at),
        "requester": _org_ref(referral.from_organization),
        "performer": [
            _org_ref(referral.to_organization),
            {"reference": f"urn:uuid:{referral.service_id}", "display": referral.service.name},
        ],
        "reasonCode": [
            {"coding": [{"system": NEED_SYSTEM, "code": need}], "text": need}
            for need in referral.needs
        ],
    }
    if referral.shared_note:
        resource["note"] = [{"text": referral.shared_note}]  # the shared note only, ever
    if referral.appointment_at:
        resource["occurrenceDateTime"] = _iso(referral.appointment_at)
    if referral.consent_id:
        resource["supportingInfo"] = [{"reference": _ref("consent", referral.pk)}]
    return resource


def task(referral: Referral) -> dict[str, Any]:
    status = ReferralStatus(referral.status)
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": _uid("task", referral.pk),
        "identifier": [{"system": REFERRAL_SYSTEM, "value": str(referral.pk)}],
        "status": status.value,  # our statuses are FHIR Task statuses
        "businessStatus": {
            "coding": [{"system": STATUS_SYSTEM, "code": status.value}],
            "text": str(status.label),
        },
        "intent": "order",
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]
        },
        "focus": {"reference": _ref("service-request", referral.pk)},
        "for": {"reference": _ref("patient", referral.pk)},
        "authoredOn": _iso(referral.created_at),
        "lastModified": _iso(referral.updated_at),
        "requester": _org_ref(referral.from_organization),
        "owner": _org_ref(referral.to_organization),
    }
    if referral.status_reason:
        resource["statusReason"] = {
            "coding": [{"system": REASON_SYSTEM, "code": referral.status_reason}],
            "text": str(ReasonCode(referral.status_reason).label),
        }
    if referral.sent_at:
        period = {"start": _iso(referral.sent_at)}
        if referral.closed_at:
            period["end"] = _iso(referral.closed_at)
        resource["executionPeriod"] = period
    if referral.outcome:
        outcome = {
            "type": {"coding": [{"system": OUTCOME_SYSTEM, "code": "outcome"}]},
            "valueCodeableConcept": {
                "coding": [{"system": OUTCOME_SYSTEM, "code": referral.outcome}],
                "text": str(Outcome(referral.outcome).label),
            },
        }
        resource["output"] = [outcome]
        if referral.outcome_note:
            resource["output"].append(
                {
                    "type": {"coding": [{"system": OUTCOME_SYSTEM, "code": "outcome-note"}]},
                    "valueString": referral.outcome_note,
                }
            )
    return resource


def consent(record: Consent, referral: Referral) -> dict[str, Any]:
    """The consent the referral was shared under; `inactive` once revoked (or expired)."""
    return {
        "resourceType": "Consent",
        "id": _uid("consent", referral.pk),
        "status": "active" if record.is_active() else "inactive",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": CONSENT_CATEGORY, "code": "59284-0"}]}],
        "patient": {"reference": _ref("patient", referral.pk)},
        "dateTime": _iso(record.recorded_at),
        "policy": [{"uri": f"{BASE}/policy/minimum-necessary"}],
        "provision": {
            "type": "permit",
            "period": {"start": _iso(record.recorded_at), "end": _iso(record.expires_at)},
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                "code": "DELEGATEE",
                            }
                        ]
                    },
                    "reference": _org_ref(org),
                }
                for org in record.organizations.order_by("name")
            ],
            "purpose": [{"system": CONSENT_POLICY, "code": "TREAT", "display": record.purpose}],
            "code": [
                {"coding": [{"system": CATEGORY_SYSTEM, "code": category}]}
                for category in record.categories
            ],
        },
    }


# --- import -----------------------------------------------------------------------------------


class InvalidBundle(ValueError):
    """The incoming Bundle is malformed; `errors` lists each problem with its path."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(self.errors))


@dataclass
class Incoming:
    """What an incoming referral Bundle asks for, as plain values (nothing written yet)."""

    service_id: str
    requester_ids: list[str]
    person: dict[str, Any]
    consent_organization_ids: list[str]
    consent_categories: list[str]
    consent_purpose: str
    consent_method: str
    consent_expires: dt.datetime | None
    needs: list[str]
    shared_note: str
    urgency: str
    identifier: str = ""


def validate_bundle(data: Any) -> None:
    """Raise InvalidBundle unless `data` is a Bundle the fhir.resources R4B models accept."""
    if not isinstance(data, dict):
        raise InvalidBundle(["Bundle: the body must be a JSON object (a FHIR Bundle)"])
    if data.get("resourceType") != "Bundle":
        raise InvalidBundle(["Bundle.resourceType: must be 'Bundle'"])
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidBundle(
            [
                "Bundle."
                + ".".join(_loc(part) for part in problem["loc"]).replace(".[", "[")
                + f": {problem['msg']}"
                for problem in error.errors()
            ]
        ) from None


def _loc(part: Any) -> str:
    return f"[{part}]" if isinstance(part, int) else str(part)


def parse_incoming(data: Any) -> Incoming:
    """Validate an incoming referral Bundle and read what it asks for; raise InvalidBundle."""
    validate_bundle(data)
    entries = data.get("entry") or []
    by_url: dict[str, tuple[int, dict[str, Any]]] = {}
    by_type: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for index, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType", "")
        by_type.setdefault(kind, []).append((index, resource))
        if entry.get("fullUrl"):
            by_url[entry["fullUrl"]] = (index, resource)
        if resource.get("id"):
            by_url[f"{kind}/{resource['id']}"] = (index, resource)
    errors: list[str] = []

    def one(kind: str) -> tuple[int, dict[str, Any]]:
        found = by_type.get(kind, [])
        if len(found) != 1:
            errors.append(f"Bundle.entry: needs exactly one {kind}, found {len(found)}")
            return -1, {}
        return found[0]

    sr_index, request = one("ServiceRequest")
    patient_index, person_resource = one("Patient")
    consent_index, consent_resource = one("Consent")
    if errors:
        raise InvalidBundle(errors)
    here = f"Bundle.entry[{sr_index}].resource"
    service_id = _performer_service(request, by_url, here, errors)
    requester_ids = _organization_ids([request.get("requester") or {}], by_url)
    person = _person(person_resource, f"Bundle.entry[{patient_index}].resource", errors)
    needs = _needs(request, here, errors)
    note = "\n\n".join(n.get("text", "") for n in request.get("note") or [] if n.get("text"))
    consent_values = _consent(consent_resource, f"Bundle.entry[{consent_index}].resource", errors)
    consent_values["organization_ids"] = _organization_ids(
        [actor.get("reference") or {} for actor in _provision(consent_resource).get("actor") or []],
        by_url,
    )
    if errors:
        raise InvalidBundle(errors)
    identifier = (data.get("identifier") or {}).get("value", "")
    return Incoming(
        service_id=service_id,
        requester_ids=requester_ids,
        person=person,
        consent_organization_ids=consent_values["organization_ids"],
        consent_categories=consent_values["categories"],
        consent_purpose=consent_values["purpose"],
        consent_method=consent_values["method"],
        consent_expires=consent_values["expires"],
        needs=needs,
        shared_note=note.strip(),
        urgency=URGENCY.get(request.get("priority") or "routine", "routine"),
        identifier=identifier,
    )


def _resolve(reference: dict[str, Any], by_url: dict) -> dict[str, Any] | None:
    found = by_url.get(reference.get("reference") or "")
    return found[1] if found else None


def _our_id(resource: dict[str, Any] | None, system: str, reference: str = "") -> str:
    """Our id of a resource: its identifier in our system, else its own id, else the reference's."""
    if resource:
        for identifier in resource.get("identifier") or []:
            if identifier.get("system") == system and identifier.get("value"):
                return identifier["value"]
        if resource.get("id"):
            return resource["id"]
    return reference.rsplit("/", 1)[-1] if reference else ""


def _performer_service(request: dict, by_url: dict, here: str, errors: list[str]) -> str:
    for reference in request.get("performer") or []:
        target = _resolve(reference, by_url)
        literal = reference.get("reference") or ""
        if (target and target.get("resourceType") == "HealthcareService") or literal.startswith(
            "HealthcareService/"
        ):
            found = _our_id(target, SERVICE_SYSTEM, literal)
            if found:
                return found
    errors.append(
        f"{here}.performer: name the service as a HealthcareService whose id (or an identifier "
        f"in {SERVICE_SYSTEM}) is the service's id"
    )
    return ""


def _organization_ids(references: list[dict[str, Any]], by_url: dict) -> list[str]:
    found = []
    for reference in references:
        literal = reference.get("reference") or ""
        target = _resolve(reference, by_url)
        if target is not None and target.get("resourceType") != "Organization":
            continue
        if target is None and not literal.startswith("Organization/"):
            continue
        value = _our_id(target, ORGANIZATION_SYSTEM, literal)
        if value:
            found.append(value)
    return found


def _person(resource: dict[str, Any], here: str, errors: list[str]) -> dict[str, Any]:
    names = resource.get("name") or []
    official = next((n for n in names if n.get("use") in ("official", "usual")), None)
    name = official or (names[0] if names else {})
    given = " ".join(name.get("given") or []).strip()
    if not given:
        errors.append(f"{here}.name: a given name is required")
    values: dict[str, Any] = {"given_name": given, "family_name": (name.get("family") or "")}
    nickname = next((n for n in names if n.get("use") == "nickname"), None)
    if nickname and nickname.get("given"):
        values["preferred_name"] = nickname["given"][0]
    if resource.get("birthDate"):
        born = parse_date(resource["birthDate"]) if len(resource["birthDate"]) == 10 else None
        if born is None:
            errors.append(f"{here}.birthDate: give the full date of birth (YYYY-MM-DD)")
        values["date_of_birth"] = born
    telecom = list(enumerate(resource.get("telecom") or []))
    for index, point in sorted(telecom, key=lambda pair: pair[1].get("rank") or 99):
        system, value = point.get("system"), point.get("value")
        if system == "phone" and value and "phone" not in values:
            try:
                values["phone"] = phones.normalise_phone(value)
            except ValidationError as error:
                errors.extend(f"{here}.telecom[{index}].value: {m}" for m in error.messages)
        elif system == "email" and value and "email" not in values:
            values["email"] = value
    for link in resource.get("communication") or []:
        codings = (link.get("language") or {}).get("coding") or []
        if codings and codings[0].get("code"):
            values["preferred_language"] = codings[0]["code"][:16]
            if link.get("preferred"):
                break
    for address in resource.get("address") or []:
        if address.get("postalCode"):
            values["zip_code"] = address["postalCode"][:10]
            break
    return values


def _needs(request: dict[str, Any], here: str, errors: list[str]) -> list[str]:
    needs = []
    for concept in request.get("reasonCode") or []:
        codes = [c["code"] for c in concept.get("coding") or [] if c.get("code")]
        need = codes[0] if codes else (concept.get("text") or "")
        if need and need not in needs:
            needs.append(need)
    if not needs:
        errors.append(f"{here}.reasonCode: name at least one need (a code or text)")
    return needs


def _provision(resource: dict[str, Any]) -> dict[str, Any]:
    return resource.get("provision") or {}


def _end_of(raw: str) -> dt.datetime | None:
    """A period end as an aware datetime; a bare date means the end of that day, here."""
    moment = parse_datetime(raw) if "T" in raw else None
    if moment is not None:
        return moment if timezone.is_aware(moment) else None
    day = parse_date(raw) if len(raw) == 10 else None
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _consent(resource: dict[str, Any], here: str, errors: list[str]) -> dict[str, Any]:
    if resource.get("status") != "active":
        errors.append(f"{here}.status: the person's consent must be active")
    provision = _provision(resource)
    if provision.get("type", "permit") != "permit":
        errors.append(f"{here}.provision.type: a referral needs a consent that permits sharing")
    end = _end_of((provision.get("period") or {}).get("end") or "")
    if end is None:
        errors.append(f"{here}.provision.period.end: the consent needs an end date")
    categories = [
        coding["code"]
        for concept in provision.get("code") or []
        for coding in concept.get("coding") or []
        if coding.get("system") == CATEGORY_SYSTEM and coding.get("code")
    ]
    purposes = provision.get("purpose") or []
    purpose = (purposes[0].get("display") or purposes[0].get("code") or "") if purposes else ""
    signed = bool(resource.get("sourceAttachment") or resource.get("sourceReference"))
    return {
        "categories": categories,
        "purpose": purpose or "Referral",
        "method": "signed" if signed else "verbal",
        "expires": end,
    }
