from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.directory import client_list, client_list_views
from commonweal.directory.tests.listing_builder import Listings, add_service, build_listings
from commonweal.lib import sms

PHONE = "(305) 555-0123"


@pytest.fixture
def listings(organization, other_organization) -> Listings:
    return build_listings(organization, other_organization)


@pytest.fixture(autouse=True)
def _fresh_send_limit() -> None:
    cache.clear()


def add(client, service, **extra):
    return client.post(reverse("directory:my_list_add", args=[service.id]), extra)


def page(client, name: str = "directory:my_list") -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


# The list itself -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_keeps_services_in_the_order_they_were_added(listings) -> None:
    session: dict = {}
    assert client_list.add(session, listings.clinic_service) is client_list.Added.ADDED
    assert client_list.add(session, listings.pantry_service) is client_list.Added.ADDED
    assert client_list.add(session, listings.clinic_service) is client_list.Added.ALREADY
    assert client_list.services(session) == [listings.clinic_service, listings.pantry_service]
    assert client_list.remove(session, listings.clinic_service.id)
    assert not client_list.remove(session, listings.clinic_service.id)
    assert client_list.services(session) == [listings.pantry_service]


@pytest.mark.django_db
def test_it_stops_at_the_maximum_and_drops_services_no_longer_listed(
    listings, organization
) -> None:
    session: dict = {}
    services = [
        add_service(organization, f"Tutoring {i:02d}") for i in range(client_list.MAX_ITEMS)
    ]
    for service in services:
        assert client_list.add(session, service) is client_list.Added.ADDED
    assert client_list.add(session, listings.pantry_service) is client_list.Added.FULL
    services[0].status = "defunct"
    services[0].save()
    services[1].delete()
    session[client_list.SESSION_KEY].append("not-a-uuid")
    assert client_list.services(session) == services[2:]


@pytest.mark.django_db
def test_a_text_message_fits_one_twilio_body_and_says_how_many_were_left_out(
    organization,
) -> None:
    services = [
        add_service(
            organization,
            f"A service with a rather long name that goes on and on, number {i:02d}",
            description="",
        )
        for i in range(client_list.MAX_ITEMS)
    ]
    text = client_list.message(
        services, language="en", base_url="https://help.example.org/", channel="sms"
    )
    assert len(text) <= client_list.MAX_SMS_CHARS
    assert "more." in text and "988" in text
    assert "number 00" in text and "number 29" not in text


@pytest.mark.django_db
def test_the_message_is_written_in_the_language_chosen(listings) -> None:
    english = client_list.message(
        [listings.pantry_service], language="en", base_url="https://x.org", channel="email"
    )
    spanish = client_list.message(
        [listings.pantry_service], language="es", base_url="https://x.org", channel="email"
    )
    assert "Weekend Food Pantry" in english and "(305) 555-0100" in english
    assert f"https://x.org/services/{listings.pantry_service.id}/" in english
    assert "Phone:" in english and "Phone:" not in spanish


# Pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_can_add_to_the_list_and_print_it(client, listings) -> None:
    search = reverse("directory:search") + "?q=food"
    response = add(client, listings.pantry_service, next=search)
    assert response.status_code == 302 and response.url == search
    my_list = page(client)
    assert "Weekend Food Pantry" in my_list and "(305) 555-0100" in my_list
    # Anonymous people print; sending needs an account.
    assert reverse("directory:my_list_print") in my_list
    assert "sign in" in my_list and reverse("directory:my_list_send_text") not in my_list
    printed = page(client, "directory:my_list_print")
    assert "Weekend Food Pantry" in printed and "100 NW 1st Ave" in printed
    assert "988" in printed and "741741" in printed


@pytest.mark.django_db
def test_it_never_redirects_to_another_site_after_adding(client, listings) -> None:
    response = add(client, listings.pantry_service, next="https://evil.example.com/")
    assert response.url == reverse("directory:my_list")


@pytest.mark.django_db
def test_it_refuses_to_add_by_get_or_a_service_no_longer_offered(client, listings) -> None:
    url = reverse("directory:my_list_add", args=[listings.pantry_service.id])
    assert client.get(url).status_code == 405
    assert add(client, listings.closed_service).status_code == 404
    assert "Weekend Food Pantry" not in page(client)


@pytest.mark.django_db
def test_htmx_gets_the_button_in_its_new_state_and_a_status_line(client, listings) -> None:
    response = add(client, listings.pantry_service, next="/search/?q=food")
    response = client.post(
        reverse("directory:my_list_add", args=[listings.clinic_service.id]),
        {"next": "/search/?q=clinic"},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert reverse("directory:my_list_remove", args=[listings.clinic_service.id]) in fragment
    assert 'id="list-status"' in fragment and "Added “Walk-in Clinic” to your list." in fragment
    assert "My list (2 services)" in fragment
    response = client.post(
        reverse("directory:my_list_remove", args=[listings.clinic_service.id]),
        headers={"HX-Request": "true"},
    )
    assert reverse("directory:my_list_add", args=[listings.clinic_service.id]) in (
        response.content.decode()
    )
    assert client_list.service_ids(client.session) == [str(listings.pantry_service.id)]


@pytest.mark.django_db
def test_it_empties_the_list(client, listings) -> None:
    add(client, listings.pantry_service)
    client.post(reverse("directory:my_list_clear"))
    assert "Your list is empty" in page(client)


@pytest.mark.django_db
def test_a_navigator_texts_the_list_and_the_number_is_kept_nowhere(
    client, listings, navigator, capsys
) -> None:
    client.force_login(navigator)
    add(client, listings.pantry_service)
    add(client, listings.clinic_service)
    response = client.post(
        reverse("directory:my_list_send_text"),
        {"text-phone": PHONE, "text-language": "es", "text-consent": "on"},
    )
    assert response.status_code == 302
    sent = capsys.readouterr().out
    assert "Weekend Food Pantry" in sent and "Walk-in Clinic" in sent
    assert "•••-•••-0123" in sent and "5550123" not in sent
    event = AuditEvent.objects.get(object_type="directory.client_list")
    assert event.action == "export" and event.actor == navigator
    assert event.detail["channel"] == "sms" and event.detail["language"] == "es"
    assert event.detail["service_ids"] == [
        str(listings.pantry_service.id),
        str(listings.clinic_service.id),
    ]
    assert "0123" not in str(event.detail) and "0123" not in str(event)
    assert "0123" not in str(dict(client.session))


@pytest.mark.django_db
def test_it_emails_the_list(client, listings, resident) -> None:
    client.force_login(resident)
    add(client, listings.pantry_service)
    response = client.post(
        reverse("directory:my_list_send_email"),
        {"email-email": "rosa@example.org", "email-language": "en", "email-consent": "on"},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Weekend Food Pantry" in message.body and "988" in message.body
    event = AuditEvent.objects.get(object_type="directory.client_list")
    assert event.detail["channel"] == "email" and "rosa" not in str(event.detail)


@pytest.mark.django_db
def test_sending_needs_a_signed_in_user(client, listings) -> None:
    add(client, listings.pantry_service)
    response = client.post(
        reverse("directory:my_list_send_text"),
        {"text-phone": PHONE, "text-language": "en", "text-consent": "on"},
    )
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not AuditEvent.objects.filter(object_type="directory.client_list").exists()


@pytest.mark.django_db
def test_bad_numbers_and_missing_consent_are_explained_and_nothing_is_sent(
    client, listings, navigator, capsys
) -> None:
    client.force_login(navigator)
    add(client, listings.pantry_service)
    response = client.post(
        reverse("directory:my_list_send_text"),
        {"text-phone": "555-0123", "text-language": "en"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a 10-digit US mobile number" in html
    assert "Ask the person first" in html
    assert 'aria-invalid="true"' in html
    assert "SMS to" not in capsys.readouterr().out
    assert not AuditEvent.objects.filter(object_type="directory.client_list").exists()


@pytest.mark.django_db
def test_a_failed_send_says_so_and_is_not_logged_as_sent(
    client, listings, navigator, monkeypatch
) -> None:
    def refuse(to: str, body: str) -> None:
        raise sms.SmsError("The text message could not be sent. Try again later.")

    monkeypatch.setattr(sms, "send", refuse)
    client.force_login(navigator)
    add(client, listings.pantry_service)
    response = client.post(
        reverse("directory:my_list_send_text"),
        {"text-phone": PHONE, "text-language": "en", "text-consent": "on"},
    )
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="directory.client_list").exists()


@pytest.mark.django_db
def test_it_does_not_offer_texting_where_it_is_not_set_up(
    client, listings, navigator, settings
) -> None:
    settings.COMMONWEAL_SMS_BACKEND = ""
    client.force_login(navigator)
    add(client, listings.pantry_service)
    html = page(client)
    assert reverse("directory:my_list_send_text") not in html
    assert reverse("directory:my_list_send_email") in html
    response = client.post(
        reverse("directory:my_list_send_text"),
        {"text-phone": PHONE, "text-language": "en", "text-consent": "on"},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_limits_how_many_lists_one_user_sends_in_an_hour(
    client, listings, navigator, monkeypatch
) -> None:
    monkeypatch.setattr(client_list_views, "SEND_LIMIT", 2)
    client.force_login(navigator)
    add(client, listings.pantry_service)
    data = {"email-email": "a@example.org", "email-language": "en", "email-consent": "on"}
    for _ in range(3):
        client.post(reverse("directory:my_list_send_email"), data)
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(object_type="directory.client_list").count() == 2


@pytest.mark.django_db
def test_an_empty_list_is_not_sent(client, navigator) -> None:
    client.force_login(navigator)
    response = client.post(
        reverse("directory:my_list_send_email"),
        {"email-email": "a@example.org", "email-language": "en", "email-consent": "on"},
        follow=True,
    )
    assert "Your list is empty" in response.content.decode()
    assert not mail.outbox
