"""Open redirects: a `next=` (or Referer) that points off the site is never followed.

Sign-in, sign-out, the language switch, adding to the client list and the consent form
each take somewhere to go afterwards; every one of them must stay on this site whatever
it is given, and the page that carries `next` in a form must not turn it into a link.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonweal.web.tests import attack_world
from commonweal.web.tests.attack_world import PASSWORD, World
from commonweal.web.tests.test_attack_xss import assert_escaped

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "https://testserver@evil.example/",
    "/%2F%2Fevil.example",
    "data:text/html,<script>alert(1)</script>",
]


def assert_stays_on_site(response, what: str) -> None:
    assert response.status_code in (301, 302, 303), (what, response.status_code)
    location = response["Location"]
    parts = urlsplit(location.replace("\\", "/"))
    assert parts.scheme in ("", "http", "https"), (what, location)
    assert parts.netloc in ("", "testserver"), (what, location)
    assert not location.lstrip().lower().startswith(("javascript:", "data:")), (what, location)
    assert not location.startswith(("//", "/\\", "\\")), (what, location)
    assert "evil.example" not in parts.netloc, (what, location)


def _on_site(target: str) -> bool:
    return target.startswith("/") and not target.startswith(("//", "/\\"))


@pytest.fixture
def world(db) -> World:
    return attack_world.build()


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_never_leaves_the_site(world: World, target: str) -> None:
    client = Client()
    page = client.get(reverse("accounts:login"), {"next": target})
    assert page.status_code == 200
    assert_escaped(page.content.decode(), "login page")
    response = client.post(
        reverse("accounts:login"),
        {"username": world.resident.username, "password": PASSWORD, "next": target},
    )
    assert_stays_on_site(response, f"login next={target!r}")
    assert "_auth_user_id" in client.session  # it did sign in: the redirect was the real one


@pytest.mark.django_db
def test_signing_in_follows_a_next_on_the_site(world: World) -> None:
    response = Client().post(
        reverse("accounts:login"),
        {"username": world.resident.username, "password": PASSWORD, "next": "/screening/mine/"},
    )
    assert response["Location"] == "/screening/mine/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_signing_out_never_leaves_the_site(world: World, target: str) -> None:
    client = Client()
    client.force_login(world.resident)
    response = client.post(reverse("accounts:logout"), {"next": target})
    assert_stays_on_site(response, f"logout next={target!r}")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_leaves_the_site(target: str) -> None:
    client = Client()
    for data, headers in (
        ({"language": "es", "next": target}, {}),
        ({"language": "es"}, {"HTTP_REFERER": target}),
    ):
        response = client.post(reverse("set_language"), data, **headers)
        assert_stays_on_site(response, f"set_language {data} {headers}")
    assert client.cookies["django_language"].value == "es"


@pytest.mark.django_db
def test_the_language_switch_returns_to_the_page_on_the_site() -> None:
    response = Client().post(reverse("set_language"), {"language": "es", "next": "/search/?q=x"})
    assert response["Location"] == "/search/?q=x"


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_adding_to_the_client_list_never_leaves_the_site(world: World, target: str) -> None:
    response = Client().post(
        reverse("directory:my_list_add", args=[world.home_service.pk]), {"next": target}
    )
    assert_stays_on_site(response, f"my_list_add next={target!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("target", [*HOSTILE, "/referrals/new//evil.example"])
def test_the_consent_form_only_returns_to_the_refer_page(world: World, target: str) -> None:
    client = Client()
    client.force_login(world.navigator)
    url = reverse("referrals:consent_create", args=[world.person.pk])
    page = client.get(url, {"next": target})
    assert page.status_code == 200
    assert_escaped(page.content.decode(), "consent form")
    response = client.post(
        url,
        {
            "organizations": [str(world.receiving.pk)],
            "categories": ["contact"],
            "purpose": "Referral",
            "method": "verbal",
            "expires_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
            "next": target,
        },
    )
    assert_stays_on_site(response, f"consent next={target!r}")


class _NextField(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == "next":
            self.values.append(found.get("value") or "")


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_two_step_sign_in_carries_no_next_off_the_site(world: World, settings, target: str) -> None:
    settings.COMMONWEAL_REQUIRE_2FA = True
    client = Client()
    client.force_login(world.navigator)
    page = client.get(reverse("accounts:two_factor_setup"), {"next": target})
    assert page.status_code == 200
    html = page.content.decode()
    assert_escaped(html, "two-step setup")
    field = _NextField()
    field.feed(html)
    # Every `next` the page carries (its own form's, the language switch's) is a path on
    # this site: a hostile one was replaced by the account page.
    assert field.values and all(_on_site(value) for value in field.values), field.values
    if not _on_site(target):
        assert field.values[0] == "/accounts/", field.values


@pytest.mark.django_db
def test_two_step_sign_in_keeps_a_next_on_the_site(world: World, settings) -> None:
    settings.COMMONWEAL_REQUIRE_2FA = True
    client = Client()
    client.force_login(world.navigator)
    page = client.get(reverse("accounts:two_factor_setup"), {"next": "/people/"})
    field = _NextField()
    field.feed(page.content.decode())
    assert field.values[0] == "/people/", field.values
