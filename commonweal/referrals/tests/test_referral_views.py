"""Consent and referral pages, sender side: record / revoke consent, refer, the worklist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import ServiceIntake
from commonweal.referrals.models import Consent, Referral, ReferralEvent
from commonweal.referrals.tests.referral_fixtures import refer

REFER = reverse("referral:new")


def _refer_url(service, person=None, need=""):
    url = f"{REFER}?service={service.pk}"
    if person is not None:
        url += f"&person={person.pk}"
    return url + (f"&need={need}" if need else "")


def _consent_data(organization, **changes):
    data = {
        "organizations": [str(organization.pk)],
        "categories": ["contact", "needs"],
        "purpose": "Help with primary care",
        "method": "verbal",
        "expires_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
    }
    data.update(changes)
    return data


# --- consent ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_navigator_records_consent_and_sees_it_on_the_person_page(
    client, navigator, person, other_organization
) -> None:
    client.force_login(navigator)
    url = reverse("referrals:consent_create", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _consent_data(other_organization))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.categories == ["contact", "needs"]
    assert list(consent.organizations.all()) == [other_organization]
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Help with primary care" in html and "Active" in html
    assert "Eastside Clinic" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"expires_on": "2001-01-01"},
        {"expires_on": "not a date"},
        {"expires_on": (dt.date.today() + dt.timedelta(days=4000)).isoformat()},
        {"categories": []},
        {"categories": ["everything"]},
        {"organizations": ["not-a-uuid"]},
        {"purpose": ""},
        {"method": "telepathy"},
    ],
)
def test_bad_consent_input_is_a_clear_400(
    client, navigator, person, other_organization, changes
) -> None:
    client.force_login(navigator)
    response = client.post(
        reverse("referrals:consent_create", args=[person.pk]),
        _consent_data(other_organization, **changes),
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_revoking_consent_needs_a_reason_and_is_recorded(
    client, navigator, person, consent
) -> None:
    client.force_login(navigator)
    url = reverse("referrals:consent_revoke", args=[person.pk, consent.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "The person asked to stop sharing"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == navigator
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Revoked" in html
    # Revoking twice is a message, not a crash.
    assert client.post(url, {"reason": "again"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "third_staff", "analyst", "coalition_admin"])
def test_consent_pages_are_closed_outside_the_care_team(
    client, request, person, consent, who
) -> None:
    client.force_login(request.getfixturevalue(who))
    create = reverse("referrals:consent_create", args=[person.pk])
    revoke = reverse("referrals:consent_revoke", args=[person.pk, consent.pk])
    assert client.get(create).status_code == 404
    assert client.post(revoke, {"reason": "x"}).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


# --- making a referral ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_refer_page_shows_capacity_consent_and_contact_preferences(
    client, navigator, person, service, consent
) -> None:
    client.force_login(navigator)
    response = client.get(_refer_url(service, person, need="food"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This service is accepting referrals." in html
    assert "about two weeks" in html and "Usually replies within 3 days" in html
    assert "Referral for primary care" in html  # the covering consent
    assert "Do not leave voicemail" in html
    assert 'value="food" id="id_needs_1" checked' in html
    assert AuditEvent.objects.filter(
        person_id=str(person.pk), detail__read="referral_form"
    ).exists()


@pytest.mark.django_db
def test_without_consent_the_page_says_so_and_links_to_record_it(
    client, navigator, person, service
) -> None:
    client.force_login(navigator)
    html = client.get(_refer_url(service, person)).content.decode()
    assert "No active consent" in html
    assert reverse("referrals:consent_create", args=[person.pk]) in html
    response = client.post(
        _refer_url(service, person),
        {"needs": ["food"], "urgency": "routine", "action": "send"},
    )
    assert response.status_code == 400
    assert "Record the person" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_navigator_sends_a_referral(client, navigator, person, service, site, consent) -> None:
    client.force_login(navigator)
    data = {
        "needs": ["food"],
        "other_need": "bus fare",
        "service_at_location": str(site.pk),
        "urgency": "soon",
        "shared_note": "Mornings are best.",
        "private_note": "Do not mention the landlord.",
        "idempotency_key": "form-1",
        "action": "send",
    }
    response = client.post(_refer_url(service, person), data)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referral:detail", args=[referral.pk])
    assert referral.status == "requested"
    assert referral.needs == ["food", "bus fare"]
    assert referral.service_at_location == site
    assert referral.private_note == "Do not mention the landlord."
    # A double-submitted form makes no second referral.
    assert client.post(_refer_url(service, person), data).status_code == 302
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_save_as_draft_then_send_from_the_detail_page(
    client, navigator, person, service, consent
) -> None:
    client.force_login(navigator)
    client.post(
        _refer_url(service, person),
        {"needs": ["food"], "urgency": "routine", "action": "draft"},
    )
    referral = Referral.objects.get()
    assert referral.status == "draft"
    html = client.get(reverse("referral:detail", args=[referral.pk])).content.decode()
    assert "Send the referral" in html
    response = client.post(
        reverse("referral:move", args=[referral.pk]),
        {"status": "requested", "version": referral.version},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "requested"


@pytest.mark.django_db
def test_a_service_not_accepting_referrals_is_refused_with_a_message(
    client, navigator, person, service, consent
) -> None:
    ServiceIntake.objects.filter(service=service).update(accepting_referrals=ServiceIntake.NO)
    client.force_login(navigator)
    assert "not accepting referrals" in client.get(_refer_url(service, person)).content.decode()
    response = client.post(
        _refer_url(service, person), {"needs": ["food"], "urgency": "routine", "action": "send"}
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_without_a_person_the_page_asks_who_from_the_care_team_only(
    client, navigator, person, other_person, service
) -> None:
    client.force_login(navigator)
    html = client.get(_refer_url(service)).content.decode()
    assert person.display_name in html and other_person.display_name not in html
    chosen = client.get(_refer_url(service) + f"&person={other_person.pk}")
    assert chosen.status_code == 404  # not in this navigator's care


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["", "?service=nope", "?service=00000000-0000-0000-0000-000000000000", "?person=1&service=x"],
)
def test_odd_refer_links_are_never_a_server_error(client, navigator, query) -> None:
    client.force_login(navigator)
    assert client.get(REFER + query).status_code in (302, 404)


@pytest.mark.django_db
def test_bad_refer_input_is_a_clear_400(client, navigator, person, service, consent) -> None:
    client.force_login(navigator)
    for data in (
        {"urgency": "routine"},
        {"needs": ["food"], "urgency": "whenever"},
        {"needs": ["food"], "urgency": "routine", "shared_note": "a\x00b"},
        {"needs": ["food"], "urgency": "routine", "shared_note": "x" * 5000},
        {"needs": ["not-a-domain"], "urgency": "routine"},
    ):
        response = client.post(_refer_url(service, person), data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "coalition_admin", "resident"])
def test_referral_pages_are_refused_to_roles_without_care_work(client, request, who) -> None:
    client.force_login(request.getfixturevalue(who))
    for name in ("referral:worklist", "referral:inbox", "referral:new"):
        assert client.get(reverse(name)).status_code == 403


# --- worklist and detail (sender) -------------------------------------------------------------


@pytest.mark.django_db
def test_the_worklist_orders_open_loops_by_how_overdue_they_are(
    client, navigator, person, service, consent
) -> None:
    fresh = refer(person, service, navigator, idempotency_key="a").referral
    stale = refer(person, service, navigator, idempotency_key="b", urgency="urgent").referral
    long_ago = timezone.now() - dt.timedelta(days=20)
    ReferralEvent.objects.filter(referral=stale).update(at=long_ago)
    client.force_login(navigator)
    response = client.get(reverse("referral:worklist"))
    html = response.content.decode()
    rows = html.split("<tbody>")[1]
    assert rows.index(str(stale.pk)) < rows.index(str(fresh.pk))
    assert "17 days overdue" in html  # 20 quiet days, the service replies within 3
    event = AuditEvent.objects.filter(object_id="list").latest("at")
    assert set(event.detail["referrals"]) == {str(fresh.pk), str(stale.pk)}


@pytest.mark.django_db
def test_the_sender_sees_the_private_note_timeline_and_status_code(
    client, navigator, referral
) -> None:
    client.force_login(navigator)
    html = client.get(reverse("referral:detail", args=[referral.pk])).content.decode()
    assert "Disclosed past eviction" in html
    assert "Private note" in html
    assert referral.status_code[:4] in html
    assert "Cancel the referral" in html
    assert AuditEvent.objects.filter(
        object_id=str(referral.pk), action="view", person_id=str(referral.person_id)
    ).exists()


@pytest.mark.django_db
def test_the_sender_cancels_with_a_reason(client, navigator, referral) -> None:
    client.force_login(navigator)
    url = reverse("referral:move", args=[referral.pk])
    response = client.post(url, {"status": "cancelled", "version": referral.version})
    assert response.status_code == 400 and "Choose a reason" in response.content.decode()
    response = client.post(
        url, {"status": "cancelled", "version": referral.version, "reason": "duplicate"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "cancelled" and referral.status_reason == "duplicate"
    html = client.get(reverse("referral:detail", args=[referral.pk])).content.decode()
    assert "Duplicate referral" in html  # the timeline says why


@pytest.mark.django_db
def test_the_person_page_lists_their_referrals(client, navigator, person, referral) -> None:
    client.force_login(navigator)
    html = client.get(person.get_absolute_url()).content.decode()
    assert reverse("referral:detail", args=[referral.pk]) in html


@pytest.mark.django_db
def test_the_nav_offers_referrals_to_care_staff_and_figures_to_analysts(
    client, navigator, other_org_staff, analyst, resident
) -> None:
    client.force_login(navigator)
    assert f'href="{reverse("referral:worklist")}"' in client.get("/").content.decode()
    client.force_login(other_org_staff)  # partner staff land on their inbox
    assert f'href="{reverse("referral:inbox")}"' in client.get("/").content.decode()
    client.force_login(analyst)  # analysts see loop-closure figures, never a referral
    html = client.get("/").content.decode()
    assert f'href="{reverse("referral:metrics")}"' in html
    assert f'href="{reverse("referral:worklist")}"' not in html
    assert f'href="{reverse("referral:inbox")}"' not in html
    client.force_login(resident)
    assert "/referrals/" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_service_page_offers_refer_someone_to_care_staff(
    client, navigator, resident, service
) -> None:
    client.force_login(navigator)
    assert "Refer someone" in client.get(service.get_absolute_url()).content.decode()
    client.force_login(resident)
    assert "Refer someone" not in client.get(service.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_stored_screening_offers_refer_with_the_person_and_need_filled_in(
    client, navigator, person
) -> None:
    import re

    from commonweal.screening.tests.answers import AHC_ALL_CLEAR
    from commonweal.screening.tests.directory_fixtures import make_food_pantry

    pantry = make_food_pantry()
    client.force_login(navigator)
    form_url = reverse("screening:person_screen", args=[person.pk, "ahc-hrsn"])
    token = re.search(
        r'name="submission" value="([0-9a-f]{32})"', client.get(form_url).content.decode()
    )
    data = {**AHC_ALL_CLEAR, "88122-7": "LA28397-0", "submission": token.group(1)}
    detail_url = client.post(form_url, data)["Location"]
    html = client.get(detail_url).content.decode()
    link = f"{REFER}?service={pantry.pk}&amp;person={person.pk}&amp;need=food"
    assert link in html
    refer_page = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="food" id="id_needs_1" checked' in refer_page


@pytest.mark.django_db
def test_a_self_screen_offers_no_refer_link(client, navigator) -> None:
    from commonweal.screening.tests.answers import AHC_ALL_CLEAR
    from commonweal.screening.tests.directory_fixtures import make_food_pantry

    pantry = make_food_pantry()
    client.force_login(navigator)  # even a navigator screening themselves refers nobody
    response = client.post(
        reverse("screening:self_screen", args=["ahc-hrsn"]),
        {**AHC_ALL_CLEAR, "88122-7": "LA28397-0"},
    )
    html = response.content.decode()
    assert pantry.name in html  # the matching service is listed …
    assert REFER not in html  # … without a Refer link: there is no person to refer
