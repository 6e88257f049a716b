from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from commonweal.accounts.models import AuditEvent
from commonweal.referrals.models import Person
from commonweal.referrals.tests.people_fixtures import make_person

NEW = {
    "given_name": "Rosa",
    "family_name": "Diaz",
    "date_of_birth": "1985-07-09",
    "zip_code": "33125",
    "phone": "(305) 555 0123",
    "preferred_contact_method": "text",
    "text_ok": "on",
}


def _create(client, organization, **changes):
    data = {**NEW, "organization": str(organization.pk), **changes}
    return client.post(reverse("referrals:person_create"), data)


@pytest.mark.django_db
def test_the_people_list_shows_only_the_care_teams_people(
    client, navigator, person, other_person
) -> None:
    client.force_login(navigator)
    html = client.get(reverse("referrals:person_list")).content.decode()
    assert person.given_name in html
    assert other_person.given_name not in html


@pytest.mark.django_db
def test_the_people_list_searches_by_name_without_logging_the_name(
    client, navigator, organization, person
) -> None:
    make_person(organization, given_name="Zelda", family_name="Quintero")
    client.force_login(navigator)
    html = client.get(reverse("referrals:person_list"), {"q": "quint"}).content.decode()
    assert "Zelda" in html and person.given_name not in html
    event = AuditEvent.objects.filter(action="view", object_id="list").latest("at")
    assert event.actor == navigator
    assert "quint" not in str(event.detail).lower()
    assert len(event.detail["people"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "coalition_admin", "resident"])
def test_the_people_pages_are_refused_to_roles_without_care_work(client, request, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("referrals:person_list")).status_code == 403
    assert client.get(reverse("referrals:person_create")).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, person) -> None:
    for url in (reverse("referrals:person_list"), person.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_a_navigator_creates_a_person_in_their_care_team(client, navigator, organization) -> None:
    client.force_login(navigator)
    response = _create(client, organization)
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.phone == "305-555-0123"
    assert person.text_ok and not person.voicemail_ok
    assert list(person.care_team.values_list("organization", flat=True)) == [organization.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_name", "  ", "This field is required."),
        ("zip_code", "3313", "Enter a 5-digit ZIP code"),
        ("phone", "555-01", "Enter a 10-digit phone number"),
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("date_of_birth", "31/31/1980", "Enter a valid date"),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_stored(
    client, navigator, organization, field, value, message
) -> None:
    client.force_login(navigator)
    response = _create(client, organization, **{field: value})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and message in html
    assert "<title>Error:" in html
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_texting_needs_a_phone_number(client, navigator, organization) -> None:
    client.force_login(navigator)
    html = _create(client, organization, phone="").content.decode()
    assert "Add a phone number to reach them by text." in html
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_navigator_cannot_create_a_person_for_another_organisation(
    client, navigator, other_organization
) -> None:
    client.force_login(navigator)
    response = _create(client, other_organization)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_in_the_care_team_is_offered_instead_of_a_second_record(
    client, navigator, organization
) -> None:
    existing = make_person(
        organization, given_name="Rosa", family_name="Díaz", date_of_birth=dt.date(1985, 7, 9)
    )
    client.force_login(navigator)
    html = _create(client, organization).content.decode()
    assert existing.get_absolute_url() in html
    assert "may already have a record" in html
    assert Person.objects.count() == 1
    response = _create(client, organization, confirm_new="on")
    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_a_duplicate_elsewhere_is_never_revealed(
    client, navigator, organization, other_organization
) -> None:
    hidden = make_person(
        other_organization, given_name="Rosa", family_name="Diaz", date_of_birth=dt.date(1985, 7, 9)
    )
    client.force_login(navigator)
    response = _create(client, organization)
    # Created as if there were no match: nothing on the page says a record exists elsewhere.
    assert response.status_code == 302
    created = Person.objects.exclude(pk=hidden.pk).get()
    follow = client.get(response["Location"]).content.decode()
    assert str(hidden.pk) not in follow and "elsewhere" not in follow
    event = AuditEvent.objects.get(action="create", person_id=str(created.pk))
    assert event.detail["possible_duplicate_of"] == [str(hidden.pk)]


@pytest.mark.django_db
def test_the_person_page_is_audit_logged(client, navigator, person) -> None:
    client.force_login(navigator)
    html = client.get(person.get_absolute_url()).content.decode()
    assert person.full_name in html
    assert "Do not leave voicemail" in html
    event = AuditEvent.objects.filter(action="view", person_id=str(person.pk)).latest("at")
    assert event.actor == navigator and event.detail["read"] == "record"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "analyst", "coalition_admin", "resident"])
def test_the_person_page_is_not_found_outside_the_care_team(client, request, person, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(person.get_absolute_url()).status_code == 404
    assert client.get(reverse("referrals:person_edit", args=[person.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="view", person_id=str(person.pk)).exists()


@pytest.mark.django_db
def test_a_superusers_read_is_marked_in_the_audit_log(client, superuser, person) -> None:
    client.force_login(superuser)
    assert client.get(person.get_absolute_url()).status_code == 200
    event = AuditEvent.objects.filter(action="view", person_id=str(person.pk)).latest("at")
    assert event.detail.get("as_superuser") is True


@pytest.mark.django_db
def test_the_care_team_edits_a_record(client, partner_staff, person) -> None:
    client.force_login(partner_staff)
    url = reverse("referrals:person_edit", args=[person.pk])
    assert client.get(url).status_code == 200
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": "1980-05-17",
        "zip_code": "33101",
        "safe_times": "after 5 pm",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.zip_code == "33101" and person.safe_times == "after 5 pm"
    event = AuditEvent.objects.get(action="update", person_id=str(person.pk))
    assert set(event.detail["fields"]) == {"zip_code", "safe_times"}


@pytest.mark.django_db
def test_another_organisation_cannot_edit_by_posting(client, other_org_staff, person) -> None:
    client.force_login(other_org_staff)
    url = reverse("referrals:person_edit", args=[person.pk])
    assert client.post(url, {"given_name": "Changed"}).status_code == 404
    person.refresh_from_db()
    assert person.given_name == "Maria"


@pytest.mark.django_db
def test_the_navigation_offers_people_to_care_roles_only(client, navigator, analyst) -> None:
    people_link = f'href="{reverse("referrals:person_list")}"'
    client.force_login(navigator)
    assert people_link in client.get(reverse("web:home")).content.decode()
    client.force_login(analyst)
    html = client.get(reverse("web:home")).content.decode()
    assert people_link not in html
    assert f'href="{reverse("screening:instrument_list")}"' in html
