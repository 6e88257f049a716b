"""Consent: recorded with a scope and an expiry, enforced when referring and sending, revocable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.referrals import consent as consents
from commonweal.referrals import lifecycle, referring
from commonweal.referrals.errors import ConsentRequired, InvalidReferral, NotAllowed
from commonweal.referrals.models import Consent, Referral
from commonweal.referrals.models import ReferralStatus as S
from commonweal.referrals.tests.referral_fixtures import refer


def _record(person, organizations, by, **values):
    values.setdefault("categories", ["contact", "needs"])
    values.setdefault("purpose", "Food referral")
    values.setdefault("method", "signed")
    values.setdefault("expires_at", timezone.now() + dt.timedelta(days=30))
    return consents.record_consent(person=person, organizations=organizations, by=by, **values)


@pytest.mark.django_db
def test_recording_consent_is_audited_without_the_persons_words(
    person, other_organization, navigator
) -> None:
    consent = _record(person, [other_organization], navigator)
    event = AuditEvent.objects.get(object_id=str(consent.pk))
    assert event.action == "create" and event.person_id == str(person.pk)
    assert event.detail["categories"] == ["contact", "needs"]
    assert "Food referral" not in str(event.detail)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"categories": []},
        {"categories": ["contact", "bank-details"]},
        {"method": "implied"},
        {"purpose": "  "},
        {"purpose": "x" * 201},
        {"expires_at": None},
        {"expires_at": timezone.now() - dt.timedelta(minutes=1)},
        {"expires_at": timezone.now() + dt.timedelta(days=4 * 365)},
        {"expires_at": dt.datetime(2099, 1, 1)},  # naive: which time zone?
    ],
)
def test_an_incomplete_consent_is_refused(person, other_organization, navigator, values) -> None:
    with pytest.raises(InvalidReferral) as refused:
        _record(person, [other_organization], navigator, **values)
    assert refused.value.message
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_a_consent_names_at_least_one_organisation(person, navigator) -> None:
    with pytest.raises(InvalidReferral):
        _record(person, [], navigator)


@pytest.mark.django_db
def test_only_the_care_team_records_consent(person, other_organization, other_org_staff) -> None:
    with pytest.raises(NotAllowed):
        _record(person, [other_organization], other_org_staff)


@pytest.mark.django_db
def test_active_consent_covers_only_its_organisations_and_categories(
    person, organization, other_organization, third_organization, navigator
) -> None:
    consent = _record(person, [other_organization], navigator)
    assert consents.active_consent(person, other_organization, {"contact"}) == consent
    assert consents.active_consent(person, other_organization, {"contact", "needs"}) == consent
    assert consents.active_consent(person, other_organization, {"contact", "notes"}) is None
    assert consents.active_consent(person, third_organization, {"contact"}) is None


@pytest.mark.django_db
def test_an_expired_consent_is_not_active(person, other_organization, navigator) -> None:
    consent = _record(person, [other_organization], navigator)
    later = consent.expires_at + dt.timedelta(seconds=1)
    assert consents.active_consent(person, other_organization, {"contact"}, at=later) is None
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now())
    assert consents.active_consent(person, other_organization, {"contact"}) is None


@pytest.mark.django_db
def test_no_consent_no_referral(person, service, navigator) -> None:
    with pytest.raises(ConsentRequired) as refused:
        refer(person, service, navigator)
    assert service.organization.name in refused.value.message
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_shared_note_needs_consent_to_share_notes(
    person, service, other_organization, navigator
) -> None:
    _record(person, [other_organization], navigator, categories=["contact", "needs"])
    with pytest.raises(ConsentRequired):
        refer(person, service, navigator, shared_note="Lives with her sister")
    made = refer(person, service, navigator, shared_note="")
    assert made.referral.status == S.REQUESTED


@pytest.mark.django_db
def test_an_expired_consent_refuses_a_new_referral(
    person, service, other_organization, navigator
) -> None:
    consent = _record(person, [other_organization], navigator, categories=["contact", "needs"])
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now())
    with pytest.raises(ConsentRequired):
        refer(person, service, navigator, shared_note="")


@pytest.mark.django_db
def test_a_draft_cannot_be_sent_once_its_consent_expired(
    person, service, consent, navigator
) -> None:
    draft = refer(person, service, navigator, send=False).referral
    assert draft.status == S.DRAFT
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now())
    with pytest.raises(ConsentRequired):
        lifecycle.transition(
            referral=draft,
            move=lifecycle.Move(to_status=S.REQUESTED),
            by=navigator,
            expected_version=draft.version,
        )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.sent_at is None


@pytest.mark.django_db
def test_revoking_stops_new_referrals_and_cancels_drafts(
    person, service, consent, navigator, other_org_staff
) -> None:
    sent = refer(person, service, navigator).referral
    draft = refer(person, service, navigator, send=False, urgency="soon").referral

    consents.revoke_consent(consent=consent, by=navigator, reason="Changed her mind")

    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == navigator
    assert consents.active_consent(person, service.organization, {"contact"}) is None
    with pytest.raises(ConsentRequired):
        refer(person, service, navigator, urgency="urgent")
    draft.refresh_from_db()
    assert (draft.status, draft.status_reason) == (S.CANCELLED, "consent-revoked")
    # Already sent: the receiver keeps the snapshot but is told, and it is never refreshed.
    sent.refresh_from_db()
    assert sent.status == S.REQUESTED
    assert sent.events.last().reason == "consent-revoked"
    view = referring.view(sent, other_org_staff)
    assert view["consent_revoked"] is True
    audit = AuditEvent.objects.filter(object_id=str(consent.pk), action="update").get()
    assert "Changed her mind" not in str(audit.detail)
    assert set(audit.detail["referrals"]) == {str(sent.pk), str(draft.pk)}


@pytest.mark.django_db
def test_a_consent_is_revoked_once_and_only_by_the_care_team(
    consent, navigator, other_org_staff
) -> None:
    with pytest.raises(NotAllowed):
        consents.revoke_consent(consent=consent, by=other_org_staff)
    consents.revoke_consent(consent=consent, by=navigator)
    with pytest.raises(InvalidReferral):
        consents.revoke_consent(consent=consent, by=navigator)
