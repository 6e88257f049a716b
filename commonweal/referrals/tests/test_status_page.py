"""The person's status page: a code or private link, no account, only what they need."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Address, Phone
from commonweal.referrals import status_page
from commonweal.referrals.models import STATUS_CODE_LENGTH, Referral, new_status_code
from commonweal.referrals.tests.referral_fixtures import refer

LOOKUP = reverse("referral:status")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _link(referral):
    return reverse("referral:status_page", args=[referral.status_code])


@pytest.fixture
def reachable(referral, site):
    Phone.objects.create(service=referral.service, number="305-555-0199")
    Address.objects.create(
        location=site.location,
        address_1="1 Main Street",
        city="Miami",
        state_province="FL",
        postal_code="33130",
        country="US",
    )
    Referral.objects.filter(pk=referral.pk).update(service_at_location=site)
    referral.refresh_from_db()
    return referral


def test_codes_are_random_and_well_formed() -> None:
    codes = {new_status_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(status_page.is_well_formed(code) for code in codes)
    assert status_page.normalise(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert len(status_page.display("A" * STATUS_CODE_LENGTH)) == STATUS_CODE_LENGTH + 2


@pytest.mark.django_db
def test_the_link_shows_only_what_the_person_needs(
    client, reachable, navigator, person, service, other_person
) -> None:
    referral = reachable
    other = refer(person, service, navigator, idempotency_key="other", needs=["housing"]).referral
    response = client.get(_link(referral))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert "Walk-in clinic" in html and "Eastside Clinic" in html
    assert "305-555-0199" in html and "1 Main Street" in html
    assert "They have not replied yet" in html
    for secret in (
        "Prefers mornings.",  # the shared note
        "Disclosed past eviction",  # the private note
        "Maria",  # even their own name: the link may be seen by someone else
        "Lopez",
        "1980",
        "health",  # the needs
        str(other.pk),
        other.status_code,
        str(referral.person_id),
        "Northside Food Bank",  # the referring organisation
    ):
        assert secret not in html, secret
    assert AuditEvent.objects.filter(
        object_id=str(referral.pk), detail__read="status_page", actor__isnull=True
    ).exists()


@pytest.mark.django_db
def test_typing_the_code_shows_the_status_and_the_appointment(
    client, referral, other_org_staff
) -> None:
    from commonweal.referrals import lifecycle

    lifecycle.transition(
        referral=referral,
        move=lifecycle.Move(to_status="accepted"),
        by=other_org_staff,
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    import datetime as dt

    from django.utils import timezone

    lifecycle.schedule_appointment(
        referral=referral,
        at=timezone.now() + dt.timedelta(days=3),
        by=other_org_staff,
        expected_version=referral.version,
    )
    typed = status_page.display(referral.status_code).lower()
    response = client.post(LOOKUP, {"code": f" {typed} "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "accepted your referral" in html
    assert "Your appointment:" in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "nope", "A" * 12, "<script>", "x" * 300, "ÄÖÜ"])
def test_unknown_or_odd_codes_show_nothing(client, referral, code) -> None:
    response = client.post(LOOKUP, {"code": code})
    assert response.status_code in (200, 404)
    assert "Walk-in clinic" not in response.content.decode()


@pytest.mark.django_db
def test_a_draft_is_not_shown(client, person, service, navigator, consent) -> None:
    draft = refer(person, service, navigator, send=False).referral
    assert client.get(_link(draft)).status_code == 404


@pytest.mark.django_db
def test_guessing_is_rate_limited(client, referral, settings) -> None:
    for _ in range(status_page.LOOKUP_LIMIT):
        client.post(LOOKUP, {"code": new_status_code()})
    response = client.get(_link(referral))
    assert response.status_code == 429
    assert "Walk-in clinic" not in response.content.decode()
    assert "Too many tries" in response.content.decode()
