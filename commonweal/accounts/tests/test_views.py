from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from commonweal.accounts.models import ApiToken, User

PASSWORD = "correct horse battery staple"


def _sign_in(client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_it_signs_in_with_the_right_password(client, navigator) -> None:
    response = _sign_in(client, "nina.navigator")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.session["_auth_user_id"] == str(navigator.pk)


@pytest.mark.django_db
def test_it_refuses_a_wrong_password_with_an_announced_error(client, navigator) -> None:
    response = _sign_in(client, "nina.navigator", "wrong password here")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert "<title>Error:" in html


@pytest.mark.django_db
def test_it_signs_out_only_by_post(client, navigator) -> None:
    client.force_login(navigator)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_signs_up_a_resident_without_memberships(client) -> None:
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "username": "rita",
            "email": "",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="rita")
    assert user.is_resident
    assert not user.memberships.exists()
    assert not user.is_staff and not user.is_superuser
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_it_applies_djangos_password_validators_at_sign_up(client) -> None:
    response = client.post(
        reverse("accounts:sign_up"),
        {"username": "rita", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="rita").exists()
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "too short" in html
    assert "entirely numeric" in html
    # Django ties the field's errors to the input for screen readers.
    assert 'id="id_password2_error"' in html
    assert 'aria-invalid="true" aria-describedby="id_password2_helptext id_password2_error"' in html


@pytest.mark.django_db
def test_it_refuses_a_taken_username_at_sign_up(client, resident) -> None:
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "username": "ROSA.resident",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(username__iexact="rosa.resident").count() == 1


@pytest.mark.django_db
def test_it_sends_a_signed_in_user_from_sign_up_to_their_account(client, resident) -> None:
    client.force_login(resident)
    response = client.get(reverse("accounts:sign_up"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


@pytest.mark.django_db
def test_it_keeps_the_account_page_for_signed_in_users(client) -> None:
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_shows_roles_and_organisations_on_the_account_page(
    client, partner_staff, organization
) -> None:
    client.force_login(partner_staff)
    html = client.get(reverse("accounts:home")).content.decode()
    assert organization.name in html
    assert "Partner staff" in html
    assert organization.get_absolute_url() in html


@pytest.mark.django_db
def test_it_tells_a_resident_their_account_has_no_organisation(client, resident) -> None:
    client.force_login(resident)
    html = client.get(reverse("accounts:home")).content.decode()
    assert "resident account" in html
    assert "Partner staff" not in html


@pytest.mark.django_db
def test_it_heads_the_roles_section_for_what_each_kind_of_account_has(
    client, resident, partner_staff
) -> None:
    client.force_login(resident)
    page = client.get(reverse("accounts:home")).content.decode()
    assert "What you can do here" in page and "Your roles" not in page
    client.force_login(partner_staff)
    page = client.get(reverse("accounts:home")).content.decode()
    assert "Your roles" in page and "What you can do here" not in page


@pytest.mark.django_db
def test_it_sets_signing_out_apart_from_the_token_form(client, resident) -> None:
    client.force_login(resident)
    page = client.get(reverse("accounts:home")).content.decode()
    token_form = page.index(reverse("accounts:token_create"))
    sign_out = page.index('<section class="sign-out"')
    assert token_form < sign_out
    assert 'class="button-secondary">Sign out of this device</button>' in page


@pytest.mark.django_db
def test_it_puts_the_token_table_in_a_labelled_scrolling_region(client, resident) -> None:
    ApiToken.issue(user=resident, name="reporting script")
    client.force_login(resident)
    page = client.get(reverse("accounts:home")).content.decode()
    region = page.index('class="table-scroll" role="region" tabindex="0"')
    assert 'aria-labelledby="tokens-caption"' in page[region : region + 200]
    assert '<caption id="tokens-caption">' in page


@pytest.mark.django_db
def test_it_saves_the_preferred_language_and_switches_to_it(client, resident) -> None:
    client.force_login(resident)
    response = client.post(reverse("accounts:preferences"), {"preferred_language": "es"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.preferred_language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


@pytest.mark.django_db
def test_it_refuses_a_language_the_site_does_not_offer(client, resident) -> None:
    client.force_login(resident)
    response = client.post(reverse("accounts:preferences"), {"preferred_language": "xx"})
    assert response.status_code == 200
    resident.refresh_from_db()
    assert resident.preferred_language == ""


@pytest.mark.django_db
def test_it_uses_the_accounts_language_after_sign_in(client, resident) -> None:
    resident.preferred_language = "es"
    resident.save()
    response = _sign_in(client, "rosa.resident")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


@pytest.mark.django_db
def test_it_changes_the_password_through_djangos_view(client, navigator) -> None:
    client.force_login(navigator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long phrase 7",
            "new_password2": "another long phrase 7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    navigator.refresh_from_db()
    assert navigator.check_password("another long phrase 7")


@pytest.mark.django_db
def test_it_refuses_a_password_change_with_the_wrong_old_password(client, navigator) -> None:
    client.force_login(navigator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not it at all",
            "new_password1": "another long phrase 7",
            "new_password2": "another long phrase 7",
        },
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    navigator.refresh_from_db()
    assert navigator.check_password(PASSWORD)
