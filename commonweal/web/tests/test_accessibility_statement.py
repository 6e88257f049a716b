"""The accessibility statement: what is tested, what falls short, and whom to tell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from commonweal.web.views import AXE_CORE_VERSION

ROOT = Path(__file__).resolve().parents[3]
URL = "/accessibility/"


def statement(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lives_at_accessibility() -> None:
    assert reverse("web:accessibility") == URL


@pytest.mark.django_db
def test_it_says_what_was_tested_and_how(client) -> None:
    html = statement(client)
    for checked in [
        "WCAG 2.1 level AA",
        f"axe-core {AXE_CORE_VERSION}",
        "320 pixels",
        "Tab key",
        "JavaScript turned off",
        "150 KB",
        "Spanish",
        "grade 8",
    ]:
        assert checked in html, checked
    assert "What does not work well yet" in html


@pytest.mark.django_db
@override_settings(COMMONWEAL_ACCESSIBILITY_CONTACT="access@partnership.example.org")
def test_it_offers_the_configured_address_for_a_barrier(client) -> None:
    html = statement(client)
    assert '<a href="mailto:access@partnership.example.org">' in html


@pytest.mark.django_db
@override_settings(COMMONWEAL_ACCESSIBILITY_CONTACT="https://partnership.example.org/contact")
def test_it_links_a_configured_contact_page(client) -> None:
    assert '<a href="https://partnership.example.org/contact">' in statement(client)


@pytest.mark.django_db
@override_settings(COMMONWEAL_ACCESSIBILITY_CONTACT="")
def test_it_still_says_whom_to_tell_without_a_contact(client) -> None:
    html = statement(client)
    assert "mailto:" not in html
    assert "Tell the organization that gave you the link" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/about/", "/search/?q=food", URL])
def test_every_page_links_to_it_from_the_footer(client, url) -> None:
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'href="{URL}"' in footer


def test_it_names_the_axe_core_release_the_tests_run() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    assert pinned == AXE_CORE_VERSION
