"""What the simulated users of the load test ask for, without Locust: the URLs (checked
against the project's URL configuration by a unit test), the residents' searches, the
forms' fields read from the pages, and the staff's authenticator codes.

Locust monkey-patches the process that imports it (gevent), so the parts a test needs live
here, and locustfile.py only wires them to Locust's user classes.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import struct
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# One query mix for the search benchmark and the load test (text, text + ZIP, category +
# open now + language near a ZIP): what residents type, in the eight metro areas the
# benchmark directory is spread over.
from bench_search import CATEGORY_QUERIES, TEN_MILES_KM, TEXT_QUERIES, ZIP_QUERIES  # noqa: E402

# Every path the scenario requests: name → (template, Django URL name). A unit test
# reverses each URL name and checks it gives the template, so the scenario cannot drift
# from the URL configuration.
ROUTES: dict[str, tuple[str, str]] = {
    "home": ("/", "web:home"),
    "healthz": ("/healthz", "web:healthz"),
    "search page": ("/search/", "directory:search"),
    "api search": ("/api/v1/search", "api_v1:search"),
    "service page": ("/services/{service}/", "directory:service_detail"),
    "categories": ("/categories/", "directory:category_index"),
    "login": ("/accounts/login/", "accounts:login"),
    "two-step": ("/accounts/two-step/", "accounts:two_factor_verify"),
    "worklist": ("/referrals/", "referral:worklist"),
    "people": ("/people/", "referrals:person_list"),
    "person": ("/people/{person}/", "referrals:person_detail"),
    "screening form": ("/screening/people/{person}/{code}/", "screening:person_screen"),
    "screening record": ("/screening/records/{screening}/", "screening:screening_detail"),
    "refer form": ("/referrals/new/", "referral:new"),
    "inbox": ("/referrals/inbox/", "referral:inbox"),
    "referral": ("/referrals/{referral}/", "referral:detail"),
    "move": ("/referrals/{referral}/move/", "referral:move"),
}

# The social-needs screen navigators use (AHC-HRSN, LOINC 96777-8).
SCREENING_CODE = "ahc-hrsn"
# Think time between one user's tasks, seconds: compressed from real use (minutes) so that
# 50 users make a load worth measuring; every class uses the same. LOAD_WAIT="5,15" (set by
# bench_load.py --wait) changes it for a run.
WAIT_SECONDS = (1.0, 3.0)


def wait_seconds(setting: str | None) -> tuple[float, float]:
    if not setting:
        return WAIT_SECONDS
    low, high = (float(part) for part in setting.split(","))
    if not 0 <= low <= high:
        raise ValueError(f"LOAD_WAIT is 'min,max' seconds with min <= max, not {setting!r}")
    return low, high


# User classes by weight, as the issue sets them.
WEIGHTS = {"resident": 80, "navigator": 15, "partner": 5}


def path(
    name: str, query: dict[str, str] | list[tuple[str, str]] | None = None, **parts: str
) -> str:
    template = ROUTES[name][0]
    built = template.format(**parts)
    return built + ("?" + urlencode(query, doseq=True) if query else "")


# --- residents' searches ----------------------------------------------------------------------


def page_search(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """One search page query, with the kind it is ("text", "text+zip", "category")."""
    kind = rng.choices(("text", "text+zip", "category"), weights=(5, 4, 1))[0]
    if kind == "text":
        return kind, [("q", rng.choice(TEXT_QUERIES))]
    if kind == "text+zip":
        q, zip_code = rng.choice(ZIP_QUERIES)
        return kind, [("q", q), ("near", zip_code), ("distance", "10")]
    code, language, zip_code = rng.choice(CATEGORY_QUERIES)
    return kind, [("category", code), ("open", "now"), ("language", language), ("near", zip_code)]


def api_search(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """One /api/v1/search query (the API's own parameter names)."""
    kind = rng.choices(("text", "text+zip", "category"), weights=(5, 4, 1))[0]
    if kind == "text":
        return kind, [("q", rng.choice(TEXT_QUERIES))]
    if kind == "text+zip":
        q, zip_code = rng.choice(ZIP_QUERIES)
        return kind, [("q", q), ("near", zip_code), ("radius_km", str(TEN_MILES_KM))]
    code, language, zip_code = rng.choice(CATEGORY_QUERIES)
    return kind, [
        ("category", code),
        ("open_now", "true"),
        ("language", language),
        ("near", zip_code),
    ]


# --- forms read from the pages ------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    # name → the values offered (radio buttons, checkboxes, select options)
    choices: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "hidden":
                form.hidden[name] = a.get("value", "")
            elif kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if kind == "checkbox":
                    form.checkboxes.add(name)
            elif kind not in ("submit", "button"):
                form.text.append(name)
            if "required" in a:
                form.required.add(name)
        elif tag == "select" and name:
            self._select = name
            form.choices.setdefault(name, [])
            if "required" in a:
                form.required.add(name)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                form.choices[self._select].append(value)
        elif tag == "textarea" and name:
            form.text.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def post_form(html: str, action: str) -> Form | None:
    """The first POST form sent to `action` ("": a form without one, sent to its own page;
    the sign-out and language forms on every page have their own)."""
    for form in forms(html):
        if form.method == "post" and form.action == action:
            return form
    return None


def fill(
    form: Form, rng: random.Random, *, skip: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The form's hidden fields and one answer per question: a random choice for each
    radio group, select and checkbox group. A lone checkbox (such as "go on without the
    unanswered questions") is an option, not a question, and stays unticked."""
    data = list(form.hidden.items())
    for name, values in form.choices.items():
        if name in skip or not values or (name in form.checkboxes and len(values) == 1):
            continue
        data.append((name, rng.choice(values)))
    return data


# --- two-step sign-in -------------------------------------------------------------------------


def totp(key_hex: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The authenticator app's code (RFC 6238, HMAC-SHA1: django-otp's TOTP defaults)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)
