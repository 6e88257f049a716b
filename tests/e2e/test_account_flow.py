"""The account flows in a real browser: sign up, create a token that is shown once, revoke it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonweal.accounts.models import ApiToken, hash_token
from tests.e2e.browsing import sign_in

pytestmark = pytest.mark.browser


def test_it_signs_up_creates_and_revokes_a_token(page, small_directory) -> None:
    page.goto(reverse("accounts:sign_up"))
    page.get_by_label("Username").fill("rita")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long passphrase 42")
    page.get_by_label("Password confirmation").fill("a long passphrase 42")
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    # expect() waits for the navigation the click started, so a loaded machine can't race it.
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:home")) + "$"))
    expect(page.get_by_text("resident account")).to_be_visible()

    page.get_by_label("Token name").fill("my script")
    page.get_by_role("button", name="Create token").click()
    raw = page.get_by_role("textbox", name="API token").input_value()
    token = ApiToken.objects.get(user__username="rita")
    assert token.token_hash == hash_token(raw)

    me = page.request.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status == 200 and me.json()["username"] == "rita"

    page.goto(reverse("accounts:home"))
    assert raw not in page.content()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("You have no active API tokens.")).to_be_visible()
    revoked = page.request.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}", "Cookie": ""}
    )
    assert revoked.status == 401


def test_it_signs_out_with_the_nav_button(page, small_directory) -> None:
    sign_in(page, "pat.partner")
    assert page.url.endswith(reverse("accounts:home"))
    page.get_by_role("navigation").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
