"""/api/v1/referrals/fhir (an EHR's referral Bundle in) and /api/v1/referrals/{id}/fhir (out)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from commonweal.referrals import fhir
from commonweal.referrals.models import Consent, Person, Referral
from commonweal.referrals.tests.referral_fixtures import bearer

URL = "/api/v1/referrals/fhir"


def incoming(service, receiver, **changes) -> dict:
    """An EHR's referral: ServiceRequest + Patient + Consent + HealthcareService + Organization."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "name": [{"use": "official", "given": ["Ana"], "family": "Ruiz"}],
        "birthDate": "1975-03-02",
        "telecom": [{"system": "phone", "value": "(305) 324-4000"}],
        "communication": [{"language": {"coding": [{"code": "es"}]}, "preferred": True}],
        "address": [{"postalCode": "33125"}],
    }
    patient.update(changes.pop("patient", {}))
    request = {
        "resourceType": "ServiceRequest",
        "id": "sr1",
        "status": "active",
        "intent": "order",
        "priority": "urgent",
        "subject": {"reference": "Patient/p1"},
        "performer": [{"reference": "HealthcareService/hs1"}],
        "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "food"}]}],
        "note": [{"text": "Needs groceries this week."}],
    }
    request.update(changes.pop("request", {}))
    consent = {
        "resourceType": "Consent",
        "id": "c1",
        "status": "active",
        "scope": {"coding": [{"code": "patient-privacy"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": "Patient/p1"},
        "provision": {
            "type": "permit",
            "period": {"end": (timezone.now() + dt.timedelta(days=60)).isoformat()},
            "actor": [
                {
                    "role": {"coding": [{"code": "DELEGATEE"}]},
                    "reference": {"reference": "Organization/o1"},
                }
            ],
        },
    }
    consent.update(changes.pop("consent", {}))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:1", "resource": request},
            {"fullUrl": "urn:uuid:2", "resource": patient},
            {"fullUrl": "urn:uuid:3", "resource": consent},
            {
                "fullUrl": "urn:uuid:4",
                "resource": {
                    "resourceType": "HealthcareService",
                    "id": "hs1",
                    "identifier": [{"system": fhir.SERVICE_SYSTEM, "value": str(service.pk)}],
                },
            },
            {
                "fullUrl": "urn:uuid:5",
                "resource": {
                    "resourceType": "Organization",
                    "id": "o1",
                    "identifier": [{"system": fhir.ORGANIZATION_SYSTEM, "value": str(receiver.pk)}],
                },
            },
        ],
        **changes,
    }


def _post(client, body, user, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        URL, data=data, content_type="application/fhir+json", **bearer(user), **headers
    )


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Consent.objects.count(), Referral.objects.count()


@pytest.mark.django_db
def test_import_makes_person_consent_and_sent_referral(
    client, service, other_organization, navigator, organization
) -> None:
    response = _post(client, incoming(service, other_organization), navigator)
    assert response.status_code == 201, response.content
    Bundle.model_validate(response.json())
    referral = Referral.objects.get()
    assert referral.status == "requested"
    assert referral.from_organization == organization
    assert referral.service == service
    assert referral.needs == ["food"]
    assert referral.urgency == "soon"
    assert referral.shared_note == "Needs groceries this week."
    person = referral.person
    assert (person.given_name, person.family_name) == ("Ana", "Ruiz")
    assert person.date_of_birth == dt.date(1975, 3, 2)
    assert person.preferred_language == "es"
    assert person.phone == "305-324-4000"
    assert person.care_team.filter(organization=organization).exists()
    consent = referral.consent
    assert list(consent.organizations.all()) == [other_organization]
    assert set(consent.categories) == {"contact", "needs", "notes"}
    assert response["Location"] == f"/api/v1/referrals/{referral.pk}"


@pytest.mark.django_db
def test_import_reuses_the_person_already_in_care(
    client, service, other_organization, navigator, organization
) -> None:
    from commonweal.referrals.tests.people_fixtures import make_person

    known = make_person(
        organization, given_name="Ána", family_name="RUIZ", date_of_birth=dt.date(1975, 3, 2)
    )
    response = _post(client, incoming(service, other_organization), navigator)
    assert response.status_code == 201, response.content
    assert Referral.objects.get().person == known
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_match_outside_the_care_team_is_not_used(
    client, service, other_organization, navigator, third_organization
) -> None:
    from commonweal.referrals.tests.people_fixtures import make_person

    elsewhere = make_person(
        third_organization, given_name="Ana", family_name="Ruiz", date_of_birth=dt.date(1975, 3, 2)
    )
    response = _post(client, incoming(service, other_organization), navigator)
    assert response.status_code == 201, response.content
    assert Referral.objects.get().person != elsewhere
    assert str(elsewhere.pk) not in response.content.decode()


@pytest.mark.django_db
def test_consent_end_may_be_a_date(client, service, other_organization, navigator) -> None:
    end = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    body = incoming(service, other_organization)
    body["entry"][2]["resource"]["provision"]["period"] = {"end": end}
    response = _post(client, body, navigator)
    assert response.status_code == 201, response.content
    assert timezone.localtime(Consent.objects.get().expires_at).date().isoformat() == end


@pytest.mark.django_db
def test_consent_longer_than_three_years_is_refused(
    client, service, other_organization, navigator
) -> None:
    body = incoming(service, other_organization)
    body["entry"][2]["resource"]["provision"]["period"] = {"end": "2090-01-01"}
    response = _post(client, body, navigator)
    assert response.status_code == 400
    assert "three years" in response.json()["detail"]
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_retry_with_the_same_bundle_identifier_makes_one_referral(
    client, service, other_organization, navigator
) -> None:
    body = incoming(service, other_organization, identifier={"system": "urn:ehr", "value": "b-77"})
    first = _post(client, body, navigator)
    again = _post(client, body, navigator)
    assert (first.status_code, again.status_code) == (201, 200)
    assert _counts() == (1, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"patient": {"birthDate": "02/03/1975"}}, "Bundle.entry[1].resource.birthDate"),
        ({"request": {"occurrenceDateTime": "soon"}}, "Bundle.entry[0].resource.occurrence"),
        ({"patient": {"telecom": [{"system": "phone", "value": "12"}]}}, "Bundle.entry[1]"),
        ({"consent": {"scope": None}}, "Bundle.entry[2].resource.scope"),
        ({"consent": {"status": "inactive"}}, "Bundle.entry[2].resource.status"),
        ({"request": {"reasonCode": []}}, "Bundle.entry[0].resource.reasonCode"),
        ({"request": {"performer": []}}, "Bundle.entry[0].resource.performer"),
        ({"patient": {"name": [{"family": "Ruiz"}]}}, "Bundle.entry[1].resource.name"),
    ],
)
def test_invalid_bundle_is_400_with_paths_and_writes_nothing(
    client, service, other_organization, navigator, change, path
) -> None:
    body = incoming(service, other_organization, **change)
    if change.get("consent", {}).get("scope", 1) is None:
        del body["entry"][2]["resource"]["scope"]
    response = _post(client, body, navigator)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid-fhir"
    assert any(error.startswith(path) for error in response.json()["errors"]), response.json()
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["{nope", "[]", json.dumps({"resourceType": "Patient"})])
def test_not_a_bundle_is_400(client, navigator, body) -> None:
    response = _post(client, body, navigator)
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid-json", "invalid-fhir"}


@pytest.mark.django_db
def test_consent_not_naming_the_receiver_writes_nothing(
    client, service, other_organization, navigator, third_organization
) -> None:
    response = _post(client, incoming(service, third_organization), navigator)
    assert response.status_code == 400
    assert response.json()["code"] == "consent-required"
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_late_failure_rolls_back_person_and_consent(
    client, service, other_organization, navigator
) -> None:
    """The referral is refused after the person and consent were written: all rolled back."""
    body = incoming(service, other_organization, request={"reasonCode": [{"text": "x" * 100}]})
    response = _post(client, body, navigator)
    assert response.status_code == 400, response.content
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_service_not_accepting_referrals_writes_nothing(
    client, service, other_organization, navigator
) -> None:
    service.intake.accepting_referrals = "no"
    service.intake.save()
    response = _post(client, incoming(service, other_organization), navigator)
    assert response.status_code == 400
    assert response.json()["code"] == "not-accepting-referrals"
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_unknown_service_and_non_care_roles(client, service, other_organization, analyst) -> None:
    response = _post(client, incoming(service, other_organization), analyst)
    assert response.status_code == 403
    assert _counts() == (0, 0, 0)


# --- export over the API ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["navigator", "other_org_staff"])
def test_both_sides_read_the_bundle_without_the_private_note(
    client, referral, who, request
) -> None:
    user = request.getfixturevalue(who)
    response = client.get(f"/api/v1/referrals/{referral.pk}/fhir", **bearer(user))
    assert response.status_code == 200
    Bundle.model_validate(response.json())
    assert "Disclosed past eviction" not in response.content.decode()
    assert response["ETag"] == referral.etag


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["third_staff", "coalition_admin", "analyst"])
def test_others_get_404(client, referral, who, request) -> None:
    user = request.getfixturevalue(who)
    response = client.get(f"/api/v1/referrals/{referral.pk}/fhir", **bearer(user))
    assert response.status_code == 404


@pytest.mark.django_db
def test_reading_the_bundle_is_audit_logged(client, referral, other_org_staff) -> None:
    from commonweal.accounts.models import AuditEvent

    client.get(f"/api/v1/referrals/{referral.pk}/fhir", **bearer(other_org_staff))
    event = AuditEvent.objects.filter(actor=other_org_staff, action="view").get()
    assert event.detail["read"] == "fhir"
