"""The FHIR export of a referral: every resource and the Bundle validate with fhir.resources
(R4B models), and each carries what the receiver may know — never the private note."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from commonweal.referrals import consent as consents
from commonweal.referrals import fhir, lifecycle
from commonweal.referrals.models import Referral


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def _move(referral, user, status, **values) -> Referral:
    return lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(to_status=status, **values),
        by=user,
        expected_version=Referral.objects.get(pk=referral.pk).version,
    )


def _fresh(referral) -> Referral:
    return Referral.objects.select_related(
        "from_organization", "to_organization", "service", "consent"
    ).get(pk=referral.pk)


@pytest.mark.django_db
def test_sent_referral_bundle_validates_and_links_up(referral) -> None:
    bundle = fhir.referral_bundle(_fresh(referral))
    Bundle.model_validate(bundle)
    found = _resources(bundle)
    request, task, patient = found["ServiceRequest"][0], found["Task"][0], found["Patient"][0]
    ServiceRequest.model_validate(request)
    Task.model_validate(task)
    Patient.model_validate(patient)
    FhirConsent.model_validate(found["Consent"][0])
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert task["focus"]["reference"] in urls
    assert request["subject"]["reference"] in urls
    assert task["for"]["reference"] == request["subject"]["reference"]
    assert all(p["reference"] in urls for p in request["performer"])
    assert task["status"] == "requested"
    assert request["status"] == "active"
    assert [c["coding"][0]["code"] for c in request["reasonCode"]] == ["health"]
    assert request["note"] == [{"text": "Prefers mornings."}]
    assert task["owner"]["display"] == "Eastside Clinic"
    assert task["requester"]["display"] == "Northside Food Bank"


@pytest.mark.django_db
def test_private_note_date_of_birth_and_record_id_never_leave(referral, person) -> None:
    text = json.dumps(fhir.referral_bundle(_fresh(referral)))
    assert "Disclosed past eviction" not in text
    assert "1980-05-17" not in text
    assert "33130" not in text
    assert str(person.pk) not in text
    assert "Maria Lopez" in text  # the name the receiver was given


@pytest.mark.django_db
def test_patient_carries_safe_contact_rules(person, service, navigator, consent) -> None:
    from commonweal.referrals.tests.referral_fixtures import refer

    person.phone, person.voicemail_ok, person.preferred_contact_method = (
        "+13055550123",
        False,
        "phone",
    )
    person.save()
    made = refer(person, service, navigator).referral
    patient = _resources(fhir.referral_bundle(_fresh(made)))["Patient"][0]
    assert patient["telecom"] == [{"system": "phone", "value": "+13055550123", "rank": 1}]
    flags = {e["url"].rsplit("/", 1)[-1]: e.get("valueBoolean") for e in patient["extension"]}
    assert flags["voicemail_ok"] is False


@pytest.mark.django_db
def test_declined_referral_has_status_reason(referral, other_org_staff) -> None:
    _move(referral, other_org_staff, "rejected", reason="no-capacity")
    bundle = fhir.referral_bundle(_fresh(referral))
    Bundle.model_validate(bundle)
    found = _resources(bundle)
    task = found["Task"][0]
    assert task["status"] == "rejected"
    assert task["statusReason"]["coding"][0]["code"] == "no-capacity"
    assert found["ServiceRequest"][0]["status"] == "revoked"
    assert "end" in task["executionPeriod"]


@pytest.mark.django_db
def test_completed_referral_has_outcome_and_appointment(referral, other_org_staff) -> None:
    _move(referral, other_org_staff, "accepted")
    at = timezone.now() + dt.timedelta(days=2)
    lifecycle.schedule_appointment(
        referral=referral,
        at=at,
        by=other_org_staff,
        expected_version=Referral.objects.get(pk=referral.pk).version,
    )
    _move(referral, other_org_staff, "completed", outcome="partially-served", outcome_note="Half")
    bundle = fhir.referral_bundle(_fresh(referral))
    Bundle.model_validate(bundle)
    found = _resources(bundle)
    task, request = found["Task"][0], found["ServiceRequest"][0]
    assert task["status"] == "completed"
    assert task["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "partially-served"
    assert task["output"][1]["valueString"] == "Half"
    assert request["occurrenceDateTime"] == at.isoformat()
    assert request["status"] == "completed"


@pytest.mark.django_db
def test_revoked_consent_is_inactive(referral, consent, navigator) -> None:
    found = _resources(fhir.referral_bundle(_fresh(referral)))
    assert found["Consent"][0]["status"] == "active"
    consents.revoke_consent(consent=consent, by=navigator, reason="changed mind")
    found = _resources(fhir.referral_bundle(_fresh(referral)))
    resource = found["Consent"][0]
    FhirConsent.model_validate(resource)
    assert resource["status"] == "inactive"
    assert resource["provision"]["actor"][0]["reference"]["display"] == "Eastside Clinic"
    assert {c["coding"][0]["code"] for c in resource["provision"]["code"]} == {
        "contact",
        "needs",
        "notes",
    }
    assert resource["provision"]["period"]["end"] == consent.expires_at.isoformat()


@pytest.mark.django_db
def test_urgency_maps_to_priority(person, service, navigator, consent) -> None:
    from commonweal.referrals.tests.referral_fixtures import refer

    made = refer(person, service, navigator, urgency="urgent").referral
    request = _resources(fhir.referral_bundle(_fresh(made)))["ServiceRequest"][0]
    assert request["priority"] == "asap"


def test_incoming_bundle_errors_carry_paths() -> None:
    with pytest.raises(fhir.InvalidBundle) as raised:
        fhir.validate_bundle(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": {"resourceType": "Patient", "birthDate": "17/05/1980"}}],
            }
        )
    assert any(e.startswith("Bundle.entry[0].resource.birthDate:") for e in raised.value.errors)
