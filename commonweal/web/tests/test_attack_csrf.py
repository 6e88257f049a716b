"""CSRF: every page refuses a POST without the token (403) and changes nothing.

The routes are enumerated from the URL conf, so a new form is covered without being
listed. Each is posted by a signed-in user of the role that uses it, through a client
that enforces CSRF checks; the same post with the token is shown not to be refused for
CSRF, so the 403 is the check and not something else. The JSON API's writes take a
bearer token (no cookie, so nothing for a forged request to ride on); a signed-in page
session that calls them is held to the same CSRF check.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commonweal.referrals.models import Referral
from commonweal.screening.models import Screening
from commonweal.web.tests import attack_world
from commonweal.web.tests.attack_world import World
from commonweal.web.tests.test_attack_idor import CASE_FILES, PAGE_CASES, _snapshot

CSRF_FAILED = b"CSRF verification failed"

# Who posts to a route without an id (default: the home navigator), and to public ids.
POSTERS = {
    "accounts:login": None,
    "accounts:sign_up": None,
    "referral:status": None,
    "set_language": None,
    "directory:my_organizations": "partner_staff",
    "referral:inbox": "receiver",
    "screening:own_list": "resident",
    "screening:self_save": "resident",
    "directory:service_save": "resident",
    "directory:service_unsave": "resident",
}
PUBLIC_IDS = {
    "directory:my_list_add": lambda w: {"service_id": w.home_service.pk},
    "directory:my_list_remove": lambda w: {"service_id": w.home_service.pk},
    "directory:category_detail": lambda w: {"term_id": w.term.pk},
    "directory:service_detail": lambda w: {"service_id": w.home_service.pk},
    "directory:service_save": lambda w: {"service_id": w.home_service.pk},
    "directory:service_unsave": lambda w: {"service_id": w.home_service.pk},
    "directory:organization_detail": lambda w: {"organization_id": w.home.pk},
    "screening:self_screen": lambda w: {"code": "phq-9"},
    "screening:self_results": lambda w: {"code": "phq-9"},
    "screening:self_save": lambda w: {"code": "phq-9"},
    "referral:status_page": lambda w: {"code": w.referral.status_code},
}
# Webhooks a provider posts (no session cookie, so nothing for a forged request to ride on,
# and no CSRF token to send): each must refuse an unsigned post (403) instead, checked here.
SIGNED_WEBHOOKS: dict[str, str] = {}
# Private links that act on their token alone, with no CSRF token by design (RFC 8058
# one-click unsubscribe: a mail provider posts with no cookie): each must refuse a post with
# a guessed token (404) and change nothing, checked here.
TOKEN_ONLY_POSTS: dict[str, str] = {}
for _part in CASE_FILES:  # the insights, partnership and programme routes' own files
    PUBLIC_IDS.update(_part.PUBLIC_IDS)
    POSTERS.update(_part.POSTERS)
    SIGNED_WEBHOOKS.update(getattr(_part, "SIGNED_WEBHOOKS", {}))
    TOKEN_ONLY_POSTS.update(getattr(_part, "TOKEN_ONLY_POSTS", {}))


def _page_routes(resolver: URLResolver | None = None, ns: str = "", prefix: str = "") -> list:
    """(name, route) of every page pattern: the admin and the JSON APIs are tested apart."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{ns}:{pattern.namespace}" if ns and pattern.namespace else pattern.namespace
            if (space or ns) == "admin" or str(pattern.pattern).startswith("api/"):
                continue
            found += _page_routes(pattern, space or ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(
                (f"{ns}:{pattern.name}" if ns else pattern.name, prefix + str(pattern.pattern))
            )
    return found


PAGE_NAMES = sorted(name for name, _ in _page_routes())


def _url(name: str, world: World) -> str:
    if name in PAGE_CASES:
        return reverse(name, kwargs=PAGE_CASES[name].ids(world))
    if name in PUBLIC_IDS:
        return reverse(name, kwargs=PUBLIC_IDS[name](world))
    return reverse(name)


def _poster(name: str, world: World) -> Any:
    if name in PAGE_CASES:
        return getattr(world, PAGE_CASES[name].owner)
    who = POSTERS.get(name, "navigator")
    return None if who is None else getattr(world, who)


def _csrf_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _with_token(client: Client) -> str:
    """Give the client a CSRF cookie; the masked token to post with it."""
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return _mask_cipher_secret(secret)


@pytest.fixture
def world(db) -> World:
    return attack_world.build()


def test_the_enumeration_finds_the_forms() -> None:
    assert len(PAGE_NAMES) >= 60
    for name in ("referrals:person_edit", "accounts:login", "set_language", "referral:move"):
        assert name in PAGE_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    world: World, name: str
) -> None:
    url = _url(name, world)
    client = _csrf_client(_poster(name, world))
    form = {"name": "Forged", "given_name": "Forged", "text": "Forged", "description": "Forged"}
    before = _snapshot()
    referrals, screenings = Referral.objects.count(), Screening.objects.count()
    if name in TOKEN_ONLY_POSTS:
        guessed = client.post(reverse(name, kwargs={"token": "guessed-token-x"}), form)
        assert guessed.status_code == 404, (name, guessed.status_code)
        assert _snapshot() == before, name
        return

    forged = client.post(url, form)

    assert forged.status_code == 403, (name, forged.status_code)
    if name in SIGNED_WEBHOOKS:
        assert _snapshot() == before, name
        return
    assert CSRF_FAILED in forged.content, name
    assert _snapshot() == before, name
    assert (Referral.objects.count(), Screening.objects.count()) == (referrals, screenings)
    # The same post with the token gets past the check (whatever the form then says).
    token = _with_token(client)
    honest = client.post(url, {**form, "csrfmiddlewaretoken": token})
    assert CSRF_FAILED not in honest.content, name


API_WRITES = {
    "/api/v1/referrals/": lambda w: {
        "person_id": str(w.person.pk),
        "service_id": str(w.receiving_service.pk),
        "needs": ["health"],
    },
    "/api/v1/referrals/{id}/transition": lambda w: {"status": "cancelled", "reason": "duplicate"},
    "/api/v1/screenings/people/{person}/screenings": lambda w: {
        "instrument": "phq-2",
        "answers": {"44250-9": "LA6568-5", "44255-8": "LA6568-5"},
    },
}


def _api_url(template: str, world: World) -> str:
    return template.replace("{id}", str(world.referral.pk)).replace(
        "{person}", str(world.person.pk)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("template", sorted(API_WRITES))
def test_a_signed_in_session_cannot_write_through_the_api_without_the_token(
    world: World, template: str
) -> None:
    url = _api_url(template, world)
    body = API_WRITES[template](world)
    client = _csrf_client(world.navigator)
    before = _snapshot()
    referrals, screenings = Referral.objects.count(), Screening.objects.count()

    forged = client.post(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')

    assert forged.status_code == 403, forged.content
    assert _snapshot() == before
    assert (Referral.objects.count(), Screening.objects.count()) == (referrals, screenings)
    # With the page's token the same session call is let through to the endpoint.
    token = _with_token(client)
    honest = client.post(
        url, body, content_type="application/json", HTTP_IF_MATCH='"1"', HTTP_X_CSRFTOKEN=token
    )
    assert honest.status_code != 403 or b"CSRF" not in honest.content, honest.content


@pytest.mark.django_db
def test_a_bearer_token_call_carries_no_cookie_and_needs_no_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/referrals/",
        API_WRITES["/api/v1/referrals/"](world),
        content_type="application/json",
        **attack_world.bearer(world.navigator),
    )
    assert response.status_code == 201, response.content
    # A forged cross-site request has no way to add the Authorization header: with only
    # a session cookie and no token it is the CSRF-checked session path above.
    assert "sessionid" not in client.cookies
