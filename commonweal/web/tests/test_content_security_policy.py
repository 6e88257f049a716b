"""The Content-Security-Policy and the other security headers on every kind of page, and a
guard that no template brings back inline script, style or event handlers."""

from __future__ import annotations

import re
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from commonweal.api import api_v1
from commonweal.referrals.tests.people_fixtures import person  # noqa: F401

PACKAGE = Path(settings.PACKAGE_DIR)
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def assert_strict(response) -> None:
    assert directives(response["Content-Security-Policy"]) == STRICT
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(self)"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search/?q=food",
        "/about/",
        "/accounts/login/",
        "/screening/take/phq-9/",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/admin/login/",
        "/no-such-page/",
    ],
)
def test_it_sends_the_strict_policy_on_public_pages(client, url) -> None:
    assert_strict(client.get(url))


@pytest.mark.django_db
def test_it_sends_the_strict_policy_on_a_person_page(client, navigator, person) -> None:  # noqa: F811
    client.force_login(navigator)
    response = client.get(reverse("referrals:person_detail", args=[person.pk]))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_it_sends_the_strict_policy_in_the_admin(client, superuser) -> None:
    client.force_login(superuser)
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict(response)


def test_it_keeps_session_and_csrf_cookies_from_scripts_and_other_sites() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_SAVE_EVERY_REQUEST


# Markup the policy would block: an inline <script> (one without src; a JSON data block is
# never run), a <style> element, a style="" attribute, an on…="" handler, htmx's hx-on (run
# with eval) and javascript: links.
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
INLINE = [
    ("inline <script>", re.compile(r"^<script\b(?![^>]*\bsrc=)(?![^>]*application/json)", re.I)),
    ("<style> element", re.compile(r"^<style\b", re.I)),
    ("style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("event handler attribute", re.compile(r"\son[a-z]+\s*=", re.I)),
    ("hx-on attribute", re.compile(r"\s(data-)?hx-on", re.I)),
    ("javascript: URL", re.compile(r"=\s*[\"']?\s*javascript:", re.I)),
]

# Third-party pages the site serves, with each inline piece found in them and why the strict
# policy still holds without a per-view override (the browser test loads them under it).
ADMIN_TEMPLATES = Path(django.__file__).parent / "contrib" / "admin" / "templates"
KNOWN_INLINE = {
    # Rendered only when a ModelAdmin turns off both action bars; none here does (below).
    ("admin/change_list.html", "<style> element"),
}


def inline_markup(text: str) -> set[str]:
    return {name for tag in TAG.findall(text) for name, pattern in INLINE if pattern.search(tag)}


def test_the_guard_finds_each_kind_of_inline_markup() -> None:
    found = inline_markup(
        '<script>alert(1)</script><style>p{}</style><p style="color:red">'
        '<button onclick="go()"><div hx-on:click="x()"><a href="javascript:go()">'
    )
    assert found == {name for name, _ in INLINE}
    assert not inline_markup(
        '<script src="/static/js/search.js" defer></script>'
        '<script type="application/json" id="settings">{}</script>'
        '<p class="online">Styled by site.css; on-call staff</p>'
    )


def test_no_template_of_the_site_has_inline_script_style_or_handlers() -> None:
    offenders = {}
    for template in sorted(PACKAGE.rglob("templates/**/*.html")):
        found = inline_markup(template.read_text(encoding="utf-8"))
        if found:
            offenders[str(template.relative_to(PACKAGE))] = sorted(found)
    assert offenders == {}


def test_the_admin_templates_have_only_the_known_inline_markup() -> None:
    served = [(ADMIN_TEMPLATES, path) for path in ADMIN_TEMPLATES.rglob("*.html")]
    # The API docs page is our own template (checked with the others above), not ninja's.
    assert api_v1.docs.template == "web/api_reference.html"
    found = {
        (str(path.relative_to(root)), name)
        for root, path in served
        for name in inline_markup(path.read_text(encoding="utf-8"))
    }
    assert found == KNOWN_INLINE


def test_no_model_admin_turns_off_both_action_bars() -> None:
    both_off = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not model_admin.actions_on_top and not model_admin.actions_on_bottom
    ]
    assert both_off == []


def test_base_page_tells_htmx_to_inject_no_style_and_evaluate_no_code() -> None:
    base = (PACKAGE / "templates" / "base.html").read_text(encoding="utf-8")
    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles":false,"""
        """"allowEval":false,"allowScriptTags":false}'>"""
    ) in base
    css = (PACKAGE / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert ".htmx-indicator {" in css
