"""django-axes as configured in settings: 5 failures per username + address, then a cool-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

PASSWORD = "correct horse battery staple"


def _attempt(client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail_until_locked(client, username: str) -> list[int]:
    return [
        _attempt(client, username, f"wrong guess {n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]


@pytest.mark.django_db
def test_it_locks_out_at_the_failure_limit_and_refuses_the_sixth_try(client, navigator) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = _fail_until_locked(client, "nina.navigator")
    # Failures 1-4 redisplay the form; the 5th reaches the limit and gets the lockout page.
    assert statuses == [200, 200, 200, 200, 429]
    sixth = _attempt(client, "nina.navigator", "wrong guess 6")
    assert sixth.status_code == 429
    assert "Too many sign-in attempts" in sixth.content.decode()


@pytest.mark.django_db
def test_it_refuses_even_the_right_password_while_locked_out(client, navigator) -> None:
    _fail_until_locked(client, "nina.navigator")
    response = _attempt(client, "nina.navigator", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_says_how_long_to_wait(client, navigator) -> None:
    _fail_until_locked(client, "nina.navigator")
    response = _attempt(client, "nina.navigator", PASSWORD)
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"wait {minutes} minutes" in response.content.decode()


@pytest.mark.django_db
def test_it_lets_the_right_password_in_after_the_cool_off(client, navigator) -> None:
    _fail_until_locked(client, "nina.navigator")
    cooled = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    AccessAttempt.objects.update(attempt_time=cooled)
    response = _attempt(client, "nina.navigator", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(navigator.pk)


@pytest.mark.django_db
def test_it_lets_the_right_password_in_after_a_reset(client, navigator) -> None:
    _fail_until_locked(client, "nina.navigator")
    assert reset(username="nina.navigator") >= 1
    response = _attempt(client, "nina.navigator", PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_locks_only_that_username_from_that_address(client, navigator, partner_staff) -> None:
    _fail_until_locked(client, "nina.navigator")
    # Another account from the same address, and the same account from another address, still work.
    assert _attempt(client, "pat.partner", PASSWORD).status_code == 302
    client.logout()
    assert _attempt(client, "nina.navigator", PASSWORD, ip="192.0.2.10").status_code == 302


@pytest.mark.django_db
def test_it_tells_staff_and_residents_each_what_to_do_when_locked_out(client, resident) -> None:
    _fail_until_locked(client, resident.get_username())
    page = _attempt(client, resident.get_username(), "wrong again").content.decode()
    assert "If you work for a partner organization" in page and "coalition admin" in page
    assert "If you have a resident account, please wait until the pause is over" in page
    assert f'href="{reverse("accounts:sign_up")}"' in page
