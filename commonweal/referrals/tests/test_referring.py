"""Making a referral: checks before anything is written, the snapshot, idempotency, capacity."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Location, Service, ServiceAtLocation, ServiceIntake
from commonweal.referrals import referring
from commonweal.referrals.errors import (
    InvalidReferral,
    KeyReused,
    NotAcceptingReferrals,
    NotAllowed,
)
from commonweal.referrals.forms import clean_phone_number
from commonweal.referrals.models import Referral, ReferralEvent
from commonweal.referrals.models import ReferralStatus as S
from commonweal.referrals.tests.referral_fixtures import refer


@pytest.mark.django_db
def test_a_referral_is_made_sent_and_recorded(person, service, site, consent, navigator) -> None:
    made = refer(person, service, navigator, service_at_location=site, needs=["food", "health"])

    referral = made.referral
    assert made.created
    assert referral.status == S.REQUESTED and referral.sent_at is not None
    assert referral.to_organization == service.organization
    assert referral.from_organization == person.care_team.get().organization
    assert referral.consent == consent
    assert referral.needs == ["food", "health"]
    assert [(e.from_status, e.to_status) for e in referral.events.all()] == [
        ("", S.DRAFT),
        (S.DRAFT, S.REQUESTED),
    ]
    actions = list(
        AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]


@pytest.mark.django_db
def test_the_receiver_gets_a_snapshot_not_the_record(person, service, consent, navigator) -> None:
    person.phone = "305-555-0123"
    person.text_ok = True
    person.save()
    referral = refer(person, service, navigator).referral
    assert referral.shared_person["phone"] == "305-555-0123"
    assert referral.shared_person["text_ok"] is True
    assert "date_of_birth" not in referral.shared_person
    assert "zip_code" not in referral.shared_person
    person.phone = "786-555-0000"
    person.save()
    referral.refresh_from_db()
    assert referral.shared_person["phone"] == "305-555-0123"


@pytest.mark.django_db
@pytest.mark.parametrize("answer", [ServiceIntake.NO])
def test_a_service_not_accepting_referrals_is_refused_clearly(
    person, service, consent, navigator, answer
) -> None:
    ServiceIntake.objects.filter(service=service).update(accepting_referrals=answer)
    with pytest.raises(NotAcceptingReferrals) as refused:
        refer(person, service, navigator)
    assert "not accepting referrals" in refused.value.message
    assert not Referral.objects.exists() and not ReferralEvent.objects.exists()


@pytest.mark.django_db
def test_an_inactive_service_is_refused(person, service, consent, navigator) -> None:
    Service.objects.filter(pk=service.pk).update(status="defunct")
    service.refresh_from_db()
    with pytest.raises(NotAcceptingReferrals):
        refer(person, service, navigator)


@pytest.mark.django_db
def test_a_service_without_intake_answers_can_still_be_referred_to(
    person, service, consent, navigator
) -> None:
    ServiceIntake.objects.filter(service=service).delete()
    summary = referring.capacity(service)
    assert summary.accepting_referrals == ServiceIntake.UNKNOWN and summary.can_refer
    assert refer(person, service, navigator).created


@pytest.mark.django_db
def test_only_the_care_team_refers(other_person, service, navigator, other_org_staff) -> None:
    with pytest.raises(NotAllowed):
        refer(other_person, service, navigator)


@pytest.mark.django_db
def test_the_acting_organisation_must_be_in_the_persons_care_team(
    person, service, consent, navigator, third_organization
) -> None:
    with pytest.raises(NotAllowed):
        refer(person, service, navigator, from_organization=third_organization)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"needs": []},
        {"needs": "food"},
        {"needs": [""]},
        {"needs": [7]},
        {"needs": ["x" * 65]},
        {"needs": [f"n{i}" for i in range(21)]},
        {"urgency": "yesterday"},
        {"shared_note": "x" * 4001},
        {"idempotency_key": "k" * 81},
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    person, service, consent, navigator, values
) -> None:
    with pytest.raises(InvalidReferral) as refused:
        refer(person, service, navigator, **values)
    assert refused.value.message
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_location_of_another_service_is_refused(
    person, service, consent, navigator, other_organization
) -> None:
    elsewhere = Service.objects.create(organization=other_organization, name="Dental")
    location = Location.objects.create(organization=other_organization)
    wrong = ServiceAtLocation.objects.create(service=elsewhere, location=location)
    with pytest.raises(InvalidReferral):
        refer(person, service, navigator, service_at_location=wrong)


@pytest.mark.django_db
def test_the_same_key_and_request_returns_the_first_referral(
    person, service, consent, navigator
) -> None:
    first = refer(person, service, navigator, idempotency_key="visit-7")
    again = refer(person, service, navigator, idempotency_key="visit-7")
    assert first.created and not again.created
    assert again.referral.pk == first.referral.pk
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_request_is_refused(
    person, service, consent, navigator
) -> None:
    refer(person, service, navigator, idempotency_key="visit-7")
    with pytest.raises(KeyReused):
        refer(person, service, navigator, idempotency_key="visit-7", urgency="urgent")
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_creator(person, organization, service, consent, navigator) -> None:
    from commonweal.accounts.models import Membership, User

    colleague = User.objects.create_user(username="colin", password="correct horse battery")
    Membership.objects.create(user=colleague, organization=organization, role="navigator")
    refer(person, service, navigator, idempotency_key="shared")
    assert refer(person, service, colleague, idempotency_key="shared").created
    assert Referral.objects.count() == 2


@pytest.mark.django_db
def test_capacity_shows_intake_and_waiting_referrals(person, service, consent, navigator) -> None:
    before = referring.capacity(service)
    assert (before.accepting_referrals, before.waitlist, before.typical_response_days) == (
        "yes",
        "about two weeks",
        3,
    )
    assert before.open_referrals == 0
    refer(person, service, navigator)
    refer(person, service, navigator, send=False, urgency="soon")  # a draft is not waiting
    assert referring.capacity(service).open_referrals == 1
    ServiceIntake.objects.filter(service=service).update(accepting_referrals="no")
    after = referring.capacity(service)
    assert not after.can_refer and after.message


# --- phone numbers (phonenumbers) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("(305) 555 0123", "305-555-0123"),
        ("+1 305 555 0123", "305-555-0123"),
        ("1-305-555-0123", "305-555-0123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_one_form(raw, stored) -> None:
    assert clean_phone_number(raw) == stored


@pytest.mark.parametrize("raw", ["555-01", "123-456-7890", "call me", "+12", "305 555 01234567"])
def test_a_bad_phone_number_is_a_clear_error(raw) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_phone_number(raw)
    assert refused.value.messages[0].endswith(".")


@pytest.mark.django_db
def test_the_person_model_refuses_an_invalid_phone(person) -> None:
    person.phone = "123-456-7890"
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "phone" in refused.value.message_dict
