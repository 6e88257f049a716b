"""Stored XSS: hostile text in every free-text field comes back escaped on every page.

Each free-text field that a page renders back (a person's names, referral notes and
outcome note, consent purpose, care plan goal and progress note, safety note, a token's
name, services and organisations from an HSDS import, the search words) holds a payload;
each page is parsed with html.parser and must contain no element or attribute that the
payload could have made: no `<img>`, no `on…=` attribute, no inline script carrying it.
The payload must still be there as text, escaped, so the field was really rendered.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from commonweal.directory import sources
from commonweal.directory.importer import import_tabular
from commonweal.directory.models import Organization, Service
from commonweal.directory.tests.hsds_fixtures import (
    ORGANIZATION_ID,
    SERVICE_ID,
    copy_package,
    set_cell,
)
from commonweal.web.tests import attack_world
from commonweal.web.tests.attack_world import World

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "'><svg/onload=alert(1)>",
]
ALERT = "alert(1)"


class _Dangers(HTMLParser):
    """Collects what hostile text could have turned into, were it not escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r:.80}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r:.80}>")
        if tag == "script":
            self._inline_script = not dict(attrs).get("src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data: str) -> None:
        # Any script body (json_script included) that holds the payload could run or be
        # broken out of; an external script holds nothing of ours.
        if self._inline_script and ALERT in data:
            self.found.append(f"<script>{data[:80]}")


def assert_escaped(html: str, where: str) -> None:
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    assert not parser.found, f"{where}: {parser.found}"
    assert "<script>alert(1)" not in html, where


def assert_rendered_escaped(response, where: str) -> None:
    assert response.status_code == 200, (where, response.status_code)
    html = response.content.decode()
    assert_escaped(html, where)
    # The field really came back, as text: the escaped payload is on the page.
    assert "alert(1)" in html, f"{where} did not render the hostile text at all"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute", "script-breakout", "svg"])
def hostile(request, db) -> World:
    return attack_world.build(text=request.param)


@pytest.mark.django_db
def test_the_parser_catches_what_escaping_would_prevent() -> None:
    """The checks fail on unescaped payloads, so passing them means something."""
    for payload in PAYLOADS:
        with pytest.raises(AssertionError):
            assert_escaped(f"<p>{payload}</p>", "raw")
    from django.utils.html import escape

    for payload in PAYLOADS:
        assert_escaped(f'<p title="{escape(payload)}">{escape(payload)}</p>', "escaped")


def _care_team_pages(w: World) -> dict[str, str]:
    person = w.person.pk
    return {
        "people": reverse("referrals:person_list"),
        "person": reverse("referrals:person_detail", args=[person]),
        "person edit": reverse("referrals:person_edit", args=[person]),
        "consent revoke": reverse("referrals:consent_revoke", args=[person, w.consent.pk]),
        "care plan": reverse("referrals:care_plan", args=[person]),
        "goal edit": reverse("referrals:care_plan_goal_edit", args=[person, w.goal.pk]),
        "goal links": reverse("referrals:care_plan_goal_links", args=[person, w.goal.pk]),
        "review": reverse("referrals:care_plan_review", args=[person]),
        "referral (sender)": reverse("referral:detail", args=[w.referral.pk]),
        "closed referral (sender)": reverse("referral:detail", args=[w.closed_referral.pk]),
        "worklist": reverse("referral:worklist"),
        "refer": reverse("referral:new")
        + "?"
        + urlencode({"service": w.receiving_service.pk, "person": person}),
        "screening": reverse("screening:screening_detail", args=[w.screening.pk]),
        "safety checklist": reverse("screening:safety_checklist", args=[w.follow_up.pk]),
        "safety follow-ups": reverse("screening:follow_up_list"),
        "screen the person": reverse("screening:person_screen", args=[person, "phq-9"]),
        "account (token name)": reverse("accounts:home"),
        "care plan FHIR is JSON, not HTML": "",
    }


@pytest.mark.django_db
def test_the_care_teams_pages_escape_every_free_text_field(hostile: World) -> None:
    client = _client(hostile.navigator)
    for where, url in _care_team_pages(hostile).items():
        if url:
            assert_rendered_escaped(client.get(url), where)


@pytest.mark.django_db
def test_the_receivers_pages_escape_the_referral(hostile: World) -> None:
    client = _client(hostile.receiver)
    for where, url in {
        "referral (receiver)": reverse("referral:detail", args=[hostile.referral.pk]),
        "closed referral (receiver)": reverse("referral:detail", args=[hostile.closed_referral.pk]),
        "inbox": reverse("referral:inbox") + "?status=all",
    }.items():
        assert_rendered_escaped(client.get(url), where)


@pytest.mark.django_db
def test_the_persons_status_page_escapes_the_service(hostile: World) -> None:
    response = Client().get(reverse("referral:status_page", args=[hostile.referral.status_code]))
    assert_rendered_escaped(response, "status page")


@pytest.mark.django_db
def test_listing_pages_escape_what_partner_staff_typed(hostile: World) -> None:
    client = _client(hostile.partner_staff)
    service, home = hostile.home_service.pk, hostile.home.pk
    for where, url in {
        "service": reverse("directory:service_detail", args=[service]),
        "service edit": reverse("directory:service_edit", args=[service]),
        "organisation": reverse("directory:organization_detail", args=[home]),
        "organisation edit": reverse("directory:organization_edit", args=[home]),
        "my organisations": reverse("directory:my_organizations"),
        "category": reverse("directory:category_detail", args=[hostile.term.pk]),
    }.items():
        assert_rendered_escaped(client.get(url), where)


@pytest.mark.django_db
def test_the_client_list_and_its_print_page_escape_service_names(hostile: World) -> None:
    client = _client(hostile.navigator)
    client.post(reverse("directory:my_list_add", args=[hostile.home_service.pk]))
    assert_rendered_escaped(client.get(reverse("directory:my_list")), "my list")
    assert_rendered_escaped(client.get(reverse("directory:my_list_print")), "print page")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_search_page_escapes_the_words_it_echoes(client, payload: str) -> None:
    for where, query in {
        "search": {"q": payload},
        "search near": {"q": "food", "near": payload},
        "search htmx": {"q": payload},
    }.items():
        headers = {"HTTP_HX_REQUEST": "true"} if "htmx" in where else {}
        response = client.get(reverse("directory:search") + "?" + urlencode(query), **headers)
        assert response.status_code in (200, 400), where
        html = response.content.decode()
        assert_escaped(html, where)
        assert ALERT in html, f"{where} did not echo the words"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_hsds_import_cannot_plant_script_in_the_directory(
    client, tmp_path: Path, payload: str
) -> None:
    package = copy_package(tmp_path)
    set_cell(package, "organizations.csv", "name", f"Org {payload}")
    set_cell(package, "organizations.csv", "description", f"About {payload}")
    set_cell(package, "services.csv", "name", f"Counselling {payload}")
    set_cell(package, "services.csv", "description", f"Help {payload}")
    import_tabular(sources.read(package), source="attack")
    assert payload in Service.objects.get(pk=SERVICE_ID).name  # stored as given: escaping
    assert payload in Organization.objects.get(pk=ORGANIZATION_ID).name  # is the page's job

    for where, url in {
        "service": reverse("directory:service_detail", args=[SERVICE_ID]),
        "organisation": reverse("directory:organization_detail", args=[ORGANIZATION_ID]),
        "search results": reverse("directory:search") + "?q=counselling",
    }.items():
        assert_rendered_escaped(client.get(url), where)
    # The JSON APIs return it as data; the page that shows the docs embeds none of it.
    assert client.get(f"/api/hsda/services/{SERVICE_ID}").json()["name"] == f"Counselling {payload}"
