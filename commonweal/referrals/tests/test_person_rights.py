"""A person's data requests: a full copy (JSON, FHIR) and erasure, by the privacy leads only."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from commonweal import policy
from commonweal.accounts.models import AuditEvent, Membership
from commonweal.insights.models import ReferralTally, RemovalReason, ScreeningTally
from commonweal.referrals import person_rights
from commonweal.referrals.models import Consent, Person, Referral, ReferralEvent
from commonweal.referrals.outbox_models import OutboxMessage
from commonweal.referrals.tests.referral_fixtures import refer
from commonweal.screening import instruments, recording
from commonweal.screening.models import SafetyFollowUp, Screening
from commonweal.screening.tests.answers import phq9

pytestmark = pytest.mark.django_db


def _screen(person, navigator, item9: int = 0):
    return recording.record_for_person(
        person=person,
        instrument=instruments.get("phq-9"),
        answers=phq9(first_eight=1, item9=item9),
        language="en",
        by=navigator,
    ).screening


@pytest.fixture
def privacy_lead(organization):
    """A coalition admin of an organisation in the person's care team."""
    from commonweal.accounts.models import User

    user = User.objects.create_user(username="pia.privacy", password="correct horse battery")
    Membership.objects.create(user=user, organization=organization, role="coalition_admin")
    return user


@pytest.fixture
def history(person, service, navigator, consent):
    referral = refer(person, service, navigator).referral
    screening = _screen(person, navigator)
    return referral, screening


def test_who_may_handle_requests(
    person, privacy_lead, superuser, navigator, partner_staff, analyst, other_org_staff, resident
) -> None:
    from commonweal.accounts.models import User

    other_admin = User.objects.create_user(username="other.admin", password="x-y-z-w-v")
    Membership.objects.create(
        user=other_admin,
        organization=other_org_staff.memberships.get().organization,
        role="coalition_admin",
    )
    assert policy.can_handle_data_requests(privacy_lead, person)
    assert policy.can_handle_data_requests(superuser, person)
    for user in (navigator, partner_staff, analyst, other_org_staff, resident, other_admin):
        assert not policy.can_handle_data_requests(user, person), user.username


def test_the_json_export_holds_everything(person, history, privacy_lead) -> None:
    referral, screening = history
    data = person_rights.export_json(person)
    assert data["person"]["given_name"] == "Maria"
    assert data["person"]["date_of_birth"] == "1980-05-17"
    (exported,) = data["referrals"]
    assert exported["private_note"] == "Disclosed past eviction; do not share."
    assert exported["shared_note"] == "Prefers mornings."
    assert [step["to_status"] for step in exported["timeline"]] == list(
        referral.events.values_list("to_status", flat=True)
    )
    (screened,) = data["screenings"]
    assert screened["answers"] == screening.answers
    assert screened["result"]["instrument"] == "phq-9"
    assert len(data["consents"]) == 1
    assert data["care_team"][0]["organization"] == "Northside Food Bank"
    # Who looked at the record is part of what is held.
    assert data["access_history"]


def test_the_fhir_export_is_one_valid_bundle_about_one_patient(
    person, history, privacy_lead
) -> None:
    bundle = person_rights.export_fhir(person, by=privacy_lead)
    Bundle.model_validate(bundle)  # raises on any invalid resource
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("Patient") == 1
    for kind in ("ServiceRequest", "Task", "Consent", "QuestionnaireResponse", "Observation"):
        assert kind in kinds, kind
    patient = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["resource"]["birthDate"] == "1980-05-17"
    text = json.dumps(bundle)
    # Every subject points at the one Patient: no per-referral stand-in is left dangling.
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    for entry in bundle["entry"]:
        for key in ("subject", "for", "patient"):
            ref = entry["resource"].get(key)
            if ref:
                assert ref["reference"] in urls, (entry["resource"]["resourceType"], ref)
    assert "Disclosed past eviction" not in text  # FHIR never carries the private note


def test_erasure_removes_every_row_and_keeps_counts_and_a_tombstone(
    person, history, privacy_lead
) -> None:
    referral, screening = history
    person_id = str(person.pk)
    erasure = person_rights.erase(person=person, by=privacy_lead, reference="DSR-2026-14")
    assert erasure.removed["referrals"] == 1 and erasure.removed["screenings"] == 1
    assert not Person.objects.filter(pk=person_id).exists()
    assert not Referral.objects.exists()
    assert not ReferralEvent.objects.exists()
    assert not Consent.objects.exists()
    assert not Screening.objects.exists()
    assert not OutboxMessage.objects.filter(referral_id=referral.pk).exists()
    tally = ReferralTally.objects.get()
    assert (tally.count, tally.removed_for, tally.service_id) == (
        1,
        RemovalReason.ERASURE,
        referral.service_id,
    )
    assert ScreeningTally.objects.get().count == 1
    tombstone = AuditEvent.objects.get(person_id=person_id, action="erase")
    assert tombstone.detail["erased"] is True
    assert tombstone.detail["request"] == "DSR-2026-14"
    assert "Maria" not in json.dumps(tombstone.detail)


def test_erasure_is_refused_while_a_safety_follow_up_is_open(
    person, navigator, privacy_lead
) -> None:
    _screen(person, navigator, item9=2)
    assert SafetyFollowUp.objects.filter(person=person).exists()
    with pytest.raises(person_rights.RightsRequestRefused):
        person_rights.erase(person=person, by=privacy_lead, reference="DSR-1")
    assert Person.objects.filter(pk=person.pk).exists()
    assert Screening.objects.exists()
    assert not ReferralTally.objects.exists() and not ScreeningTally.objects.exists()


def test_a_request_needs_a_reference(person, privacy_lead) -> None:
    with pytest.raises(person_rights.RightsRequestRefused):
        person_rights.erase(person=person, by=privacy_lead, reference="  ")
    with pytest.raises(person_rights.RightsRequestRefused):
        person_rights.record_export(person=person, by=privacy_lead, reference="", format="json")
    assert Person.objects.filter(pk=person.pk).exists()


# --- the page ---------------------------------------------------------------------------------------


def _url(person) -> str:
    return reverse("referrals:person_data_requests", args=[person.pk])


def test_the_page_is_404_for_everyone_else(
    client, person, navigator, partner_staff, analyst, other_org_staff, resident
) -> None:
    assert client.get(_url(person)).status_code == 302  # to sign in
    for user in (navigator, partner_staff, analyst, other_org_staff, resident):
        client.force_login(user)
        assert client.get(_url(person)).status_code == 404, user.username
        response = client.post(_url(person), {"erase-reference": "x", "erase-confirm": "on"})
        assert response.status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()


def test_export_downloads_and_is_audit_logged(client, person, history, privacy_lead) -> None:
    client.force_login(privacy_lead)
    page = client.get(_url(person))
    assert page.status_code == 200
    response = client.post(_url(person), {"export-reference": "DSR-7", "export-format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    assert json.loads(response.content)["person"]["family_name"] == "Lopez"
    event = AuditEvent.objects.get(action="export", person_id=str(person.pk))
    assert event.actor == privacy_lead
    assert event.detail == {"export": "everything", "format": "json", "request": "DSR-7"}
    fhir_response = client.post(
        _url(person), {"export-reference": "DSR-7", "export-format": "fhir"}
    )
    assert fhir_response["Content-Type"] == "application/fhir+json"


def test_erase_needs_the_box_ticked_then_erases(client, person, history, privacy_lead) -> None:
    client.force_login(privacy_lead)
    response = client.post(_url(person), {"erase-reference": "DSR-9"})
    assert response.status_code == 200  # the form again, with the error
    assert Person.objects.filter(pk=person.pk).exists()
    response = client.post(_url(person), {"erase-reference": "DSR-9", "erase-confirm": "on"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_the_person_page_links_only_those_who_may(client, person, navigator, superuser) -> None:
    client.force_login(navigator)
    page = client.get(person.get_absolute_url()).content.decode()
    assert _url(person) not in page
    assert str(person.pk) in page  # the record number to give the coalition admin
    client.force_login(superuser)
    assert _url(person) in client.get(person.get_absolute_url()).content.decode()


def test_the_data_request_page_links_the_access_history(client, person, privacy_lead) -> None:
    client.force_login(privacy_lead)
    page = client.get(_url(person)).content.decode()
    assert reverse("accounts:person_access_history", args=[person.pk]) in page


# --- the command ----------------------------------------------------------------------------------


def _person_data(action: str, person, by, *extra: str) -> None:
    call_command(
        "person_data", action, str(person.pk), "--by", by.username, "--reference", "DSR-3", *extra
    )


def test_the_command_exports_and_erases_as_a_named_superuser(
    person, history, superuser, navigator, tmp_path
) -> None:
    out = tmp_path / "export.json"
    _person_data("export", person, superuser, "--format", "fhir", "--out", str(out))
    assert json.loads(out.read_text())["resourceType"] == "Bundle"
    with pytest.raises(CommandError, match="superuser"):
        _person_data("erase", person, navigator, "--yes")
    with pytest.raises(CommandError, match="--yes"):
        _person_data("erase", person, superuser)
    assert Person.objects.filter(pk=person.pk).exists()
    _person_data("erase", person, superuser, "--yes")
    assert not Person.objects.filter(pk=person.pk).exists()
    with pytest.raises(CommandError, match="no such person"):
        _person_data("export", person, superuser)
