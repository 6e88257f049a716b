"""Signing out after inactivity: 30 minutes for anyone who can see person data, the session
cookie's age for a resident's own account."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from commonweal.web import idle_sessions

PEOPLE = reverse("referrals:person_list")
LOGIN = reverse("accounts:login")


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves forward, read by the middleware."""

    class Clock:
        now = 1_800_000_000

        def advance(self, seconds: int) -> None:
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(idle_sessions, "now", lambda: clock.now)
    return clock


def test_staff_idle_limit_defaults_to_thirty_minutes() -> None:
    assert settings.SESSION_IDLE_SECONDS == 30 * 60


@pytest.mark.django_db
def test_it_keeps_a_navigator_signed_in_within_the_idle_time(client, navigator, clock) -> None:
    client.force_login(navigator)
    assert client.get(PEOPLE).status_code == 200
    for _ in range(3):  # each request renews the idle time
        clock.advance(29 * 60)
        assert client.get(PEOPLE).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60


@pytest.mark.django_db
def test_it_signs_out_a_navigator_idle_too_long_and_asks_to_sign_in(
    client, navigator, clock
) -> None:
    client.force_login(navigator)
    assert client.get(PEOPLE).status_code == 200
    clock.advance(30 * 60 + 1)
    response = client.get(PEOPLE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PEOPLE}"
    assert "_auth_user_id" not in client.session
    sign_in_page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in sign_in_page.content.decode()
    # Signed out for good: coming back at once does not restore the session.
    assert client.get(PEOPLE).status_code == 302


@pytest.mark.django_db
def test_it_signs_out_a_superuser_idle_too_long(client, superuser, clock) -> None:
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    clock.advance(31 * 60)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_a_resident_account_idles_for_the_session_cookie_age(client, resident, clock) -> None:
    home = reverse("accounts:home")
    client.force_login(resident)
    assert client.get(home).status_code == 200
    clock.advance(2 * 60 * 60)
    assert client.get(home).status_code == 200
    clock.advance(settings.SESSION_COOKIE_AGE + 1)
    assert client.get(home).status_code == 302


@pytest.mark.django_db
@override_settings(SESSION_IDLE_SECONDS=120)
def test_the_staff_idle_limit_is_configurable(client, navigator, clock) -> None:
    client.force_login(navigator)
    assert client.get(PEOPLE).status_code == 200
    clock.advance(100)
    assert client.get(PEOPLE).status_code == 200
    clock.advance(121)
    assert client.get(PEOPLE).status_code == 302


@pytest.mark.django_db
def test_an_idle_session_gets_no_person_data_from_the_api(client, navigator, clock) -> None:
    client.force_login(navigator)
    me = "/api/v1/accounts/me"
    assert client.get(me).status_code == 200
    clock.advance(31 * 60)
    response = client.get(me)
    assert response.status_code == 401
    assert "messages" not in response.cookies
