"""Two-step sign-in: who needs it, that nothing is reachable before it, setup, codes."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonweal.accounts import two_factor
from commonweal.accounts.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits):06d}"


def _app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_who_must_use_two_steps(
    settings, navigator, partner_staff, coalition_admin, analyst, resident, superuser
) -> None:
    for user in (navigator, partner_staff, coalition_admin, superuser):
        assert two_factor.required_for(user), user.username
    for user in (analyst, resident):
        assert not two_factor.required_for(user), user.username
    settings.COMMONWEAL_REQUIRE_2FA = False
    assert not two_factor.required_for(navigator)


def test_demo_logins_are_exempt_only_in_demo_mode(settings, navigator) -> None:
    navigator.is_demo = True
    navigator.save()
    settings.DEBUG = False
    assert two_factor.required_for(navigator)
    settings.DEBUG = True
    assert not two_factor.required_for(navigator)


def _every_path() -> list[str]:
    """Every URL pattern of the site, its parameters filled with a plausible value."""
    samples = {"uuid": str(uuid.uuid4()), "int": "1", "slug": "x", "str": "x", "path": "x"}
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                full = prefix + route
                if full.startswith("^") or "(?P" in full:  # a regex route (the admin's)
                    full = re.sub(r"\(\?P<\w+>[^)]*\)", "1", full).strip("^$").replace("\\", "")
                full = re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str"), full)
                found.append("/" + full)

    walk(get_resolver().url_patterns, "")
    return found


def test_nothing_is_reachable_before_the_second_step(client, navigator) -> None:
    client.force_login(navigator)
    open_paths = {
        reverse("accounts:two_factor_setup"),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:logout"),
        reverse("set_language"),
    }
    paths = [p for p in _every_path() if p not in open_paths]
    assert len(paths) > 50  # the whole site, not a sample
    for path in paths:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code in (403, 404), path  # 404: a route that does not exist
            continue
        if response.status_code == 404:  # a path that the sample values do not resolve
            continue
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:two_factor_setup")), path


def test_session_api_calls_are_refused_before_the_second_step(client, navigator) -> None:
    client.force_login(navigator)
    response = client.get("/api/v1/referrals/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_analysts_and_residents_go_straight_in(client, analyst, resident) -> None:
    for user in (analyst, resident):
        client.force_login(user)
        assert client.get(reverse("accounts:home")).status_code == 200


def test_setting_up_an_app_then_the_site_opens(client, navigator) -> None:
    client.force_login(navigator)
    page = client.get(reverse("accounts:two_factor_setup"), {"next": "/people/"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body
    device = TOTPDevice.objects.get(user=navigator, confirmed=False)
    assert two_factor.secret_text(device).replace(" ", "") in body.replace(" ", "")

    wrong = client.post(
        reverse("accounts:two_factor_setup"), {"code": "000000", "next": "/people/"}
    )
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # wrong codes slow the next try down
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )

    done = client.post(
        reverse("accounts:two_factor_setup"), {"code": _code(device), "next": "/people/"}
    )
    assert done.status_code == 200
    codes = re.findall(r"<code>(\w+)</code>", done.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/people/").status_code == 200


def test_signing_in_asks_for_a_code_and_goes_on_to_next(client, navigator) -> None:
    device = _app(navigator)
    client.post(reverse("accounts:login"), {"username": navigator.username, "password": PASSWORD})
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_verify") + "?next=%2Fpeople%2F"

    wrong = client.post(
        reverse("accounts:two_factor_verify"), {"code": "123456", "next": "/people/"}
    )
    assert wrong.status_code == 200 and "did not work" in wrong.content.decode()
    failed = AuditEvent.objects.filter(action="login_failed", actor=navigator).get()
    assert "123456" not in str(failed.detail)

    # Throttled: straight after a wrong code even the right one is refused for a moment.
    assert (
        client.post(reverse("accounts:two_factor_verify"), {"code": _code(device)}).status_code
        == 200
    )
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )

    right = client.post(
        reverse("accounts:two_factor_verify"), {"code": _code(device), "next": "/people/"}
    )
    assert right.status_code == 302 and right["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(
        action="login", actor=navigator, detail__second_factor="app"
    ).exists()


def test_a_recovery_code_works_once(client, navigator) -> None:
    _app(navigator)
    codes = two_factor.new_recovery_codes(navigator)
    for attempt, expected in ((1, 302), (2, 200)):
        client.logout()
        client.force_login(navigator)
        response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
        assert response.status_code == expected, attempt
    assert StaticToken.objects.filter(device__user=navigator).count() == len(codes) - 1


def test_new_recovery_codes_replace_the_old_and_need_the_second_step(client, navigator) -> None:
    device = _app(navigator)
    old = two_factor.new_recovery_codes(navigator)
    client.force_login(navigator)
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    assert response.status_code == 302  # to the code page first
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)
    client.post(reverse("accounts:two_factor_verify"), {"code": _code(device)})
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    new = re.findall(r"<code>(\w+)</code>", response.content.decode())
    assert len(new) == two_factor.RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_next_never_leaves_the_site(client, navigator) -> None:
    device = _app(navigator)
    client.force_login(navigator)
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": _code(device), "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/"


def test_the_reset_command_removes_app_and_codes(navigator) -> None:
    _app(navigator)
    two_factor.new_recovery_codes(navigator)
    call_command("two_factor_reset", navigator.username)
    assert two_factor.authenticator(navigator) is None
    assert two_factor.recovery_codes_left(navigator) == 0


def test_demo_mode_says_so_on_every_page(client, settings, db) -> None:
    settings.DEBUG = True
    assert "The demo logins skip two-step sign-in" in client.get("/").content.decode()
    settings.DEBUG = False
    assert "The demo logins skip two-step sign-in" not in client.get("/").content.decode()


def test_the_account_page_shows_two_step_status(client, navigator) -> None:
    device = _app(navigator)
    two_factor.new_recovery_codes(navigator)
    client.force_login(navigator)
    client.post(reverse("accounts:two_factor_verify"), {"code": _code(device)})
    page = client.get(reverse("accounts:home")).content.decode()
    assert "You have 10 unused recovery codes." in page
    assert reverse("accounts:two_factor_recovery_codes") in page
