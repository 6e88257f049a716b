"""Every page and every API operation, for every role, against the access matrix.

The routes come from the URL conf and the two OpenAPI documents, so a new endpoint fails
`test_every_route_has_a_matrix_entry` until access_matrix.py says who may use it. Each
route is then requested as each role — GET, and for state-changing routes a POST with a
plausible form — and the answer compared with the matrix. Every request runs inside a
rolled-back savepoint, so one role's successful POST never changes what the next role
meets, and one World serves all roles of a route.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commonweal.api import api_v1
from commonweal.directory.hsda import openapi_document
from commonweal.web.tests import access_matrix, matrix_cast
from commonweal.web.tests.access_matrix import HSDA_OPERATIONS, OPERATIONS, PAGES, SHADOWED
from commonweal.web.tests.matrix_cast import ROLES, Cast

HOW_TO_ADD = (
    "Add an entry to commonweal/web/tests/access_matrix.py saying, for each of the nine "
    "roles, what this route must answer (read the module's docstring)."
)


# --- enumerating the routes ------------------------------------------------------------------


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> list[tuple[str, str]]:
    """(name, route) of every URL pattern but Django admin's, recursively."""
    found: list[tuple[str, str]] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = namespace
            if pattern.namespace:
                space = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            if space == "admin":
                continue  # superusers only: test_the_admin_is_for_superusers_only
            found += url_patterns(pattern, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            found.append((name, prefix + str(pattern.pattern)))
    return [(n, r) for n, r in found if not r.startswith(("static/", "media/"))]


@cache  # building the document takes a while; it does not change during a run
def v1_operations() -> dict[str, tuple[str, str]]:
    """operationId -> (method, path) of the /api/v1/ document."""
    return _operations(api_v1.get_openapi_schema(path_prefix="/api/v1"), "")


@cache
def hsda_operations() -> dict[str, tuple[str, str]]:
    return _operations(openapi_document("/api/hsda"), "/api/hsda")


def _operations(document: dict[str, Any], prefix: str) -> dict[str, tuple[str, str]]:
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found[operation["operationId"]] = (method.upper(), prefix + path)
    return found


def _as_path(route: str) -> str:
    """A URL-conf route as an OpenAPI path: api/v1/x/<a> and <uuid:a> -> /api/v1/x/{a}."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).rstrip("/")


def unlisted(
    pages: dict[str, Any], operations: dict[str, Any], hsda: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """(routes the matrix lacks, matrix entries naming no route)."""
    operation_paths = {
        _as_path(path.lstrip("/"))
        for _, path in [*v1_operations().values(), *hsda_operations().values()]
    }
    patterns = url_patterns()
    # API patterns that serve an operation are checked as that operation.
    missing = [
        f"page {n} (/{r})"
        for n, r in patterns
        if _as_path(r) not in operation_paths and n not in pages and n not in SHADOWED
    ]
    missing += [f"API operation {op}" for op in v1_operations() if op not in operations]
    missing += [f"HSDA operation {op}" for op in hsda_operations() if op not in hsda]
    names = {n for n, _ in patterns}
    stale = sorted((set(pages) | set(SHADOWED)) - names)
    stale += sorted(set(operations) - set(v1_operations()))
    stale += sorted(set(hsda) - set(hsda_operations()))
    return missing, stale


def test_every_route_has_a_matrix_entry() -> None:
    assert len(url_patterns()) > 80
    missing, stale = unlisted(PAGES, OPERATIONS, HSDA_OPERATIONS)
    assert not missing, f"Routes without an access-matrix entry: {missing}. {HOW_TO_ADD}"
    assert not stale, f"Access-matrix entries naming no route (renamed or removed?): {stale}"


def test_a_route_left_out_of_the_matrix_is_named() -> None:
    pages = {k: v for k, v in PAGES.items() if k != "referral:detail"}
    operations = {k: v for k, v in OPERATIONS.items() if k != "commonweal_referrals_api_read"}
    pages["referral:gone"] = PAGES["web:home"]
    missing, stale = unlisted(pages, operations, HSDA_OPERATIONS)
    assert missing == [
        "page referral:detail (/referrals/<uuid:referral_id>/)",
        "API operation commonweal_referrals_api_read",
    ]
    assert stale == ["referral:gone"]


def test_a_shadowed_pattern_is_really_unreachable() -> None:
    from django.urls import resolve

    for name in SHADOWED:
        url = reverse(name)
        assert resolve(url).view_name != name, f"{name} answers {url}: give it a matrix entry"


# --- asking as each role -----------------------------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


LOGIN = reverse("accounts:login")
TWO_STEP = "/accounts/two-step/"


def matches(expected: str, response: Any) -> bool:
    status = response.status_code
    location = response.get("Location", "") if 300 <= status < 400 else ""
    if expected == "ok":
        return 200 <= status < 400 and not location.startswith((LOGIN, TWO_STEP))
    if expected == "login":
        return status == 302 and location.startswith(LOGIN)
    if expected == "denied":
        return status in (403, 404)
    return status == int(expected)


def _client(cast: Cast, role: str) -> Client:
    client = matrix_cast.signed_in(cast.user(role))
    # A view's error is a 500 here, reported with the rest, not a crash of the whole row.
    client.raise_request_exception = False
    return client


@pytest.fixture
def cast(db) -> Cast:
    return matrix_cast.build()


def _page_url(cast: Cast, name: str) -> str:
    entry = PAGES[name]
    return reverse(name, kwargs=entry.params(cast)) + entry.query(cast)


def _report(name: str, wrong: list[str]) -> str:
    return f"{name}: " + "; ".join(wrong) + " (expected per access_matrix.py)"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_gets_what_the_matrix_says_from_a_page(cast: Cast, name: str) -> None:
    entry = PAGES[name]
    url = _page_url(cast, name)
    wrong = []
    for role in ROLES:
        # Signed in once, outside the savepoints: each request's changes are undone, the
        # session stays (a POST that signs out is the role's last request).
        client = _client(cast, role)
        with rolled_back():
            got = client.get(url)
            if not matches(entry.get[role], got):
                wrong.append(f"GET as {role}: {got.status_code}, want {entry.get[role]}")
        if entry.post is None:
            continue
        with rolled_back():
            got = client.post(url, entry.form(cast))
            if not matches(entry.post[role], got):
                wrong.append(f"POST as {role}: {got.status_code}, want {entry.post[role]}")
    assert not wrong, _report(name, wrong)


def _api_call(cast: Cast, role: str, method: str, path: str, operation: Any) -> Any:
    """The operation as `role`, by bearer token (the API's own way in; the session way is
    the IDOR tests')."""
    params = operation.params(cast)
    url = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), path)
    client = Client(raise_request_exception=False)
    headers = {**cast.bearer(role), **operation.headers(cast)}
    if method == "GET":
        return client.get(url, **headers)
    body = json.dumps(operation.body(cast))
    return client.generic(method, url, data=body, content_type="application/json", **headers)


API_CASES = [(op, "v1") for op in sorted(OPERATIONS)] + [
    (op, "hsda") for op in sorted(HSDA_OPERATIONS)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("operation_id", "api"), API_CASES, ids=[op for op, _ in API_CASES])
def test_each_role_gets_what_the_matrix_says_from_an_api_operation(
    cast: Cast, operation_id: str, api: str
) -> None:
    method, path = (v1_operations() if api == "v1" else hsda_operations())[operation_id]
    operation = (OPERATIONS if api == "v1" else HSDA_OPERATIONS)[operation_id]
    wrong = []
    for role in ROLES:
        with rolled_back():
            got = _api_call(cast, role, method, path, operation)
            if not matches(operation.expect[role], got):
                wrong.append(
                    f"{method} as {role}: {got.status_code}, want {operation.expect[role]}"
                )
    assert not wrong, _report(operation_id, wrong)


# --- Django admin -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_is_for_superusers_only(cast: Cast) -> None:
    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry
    }
    wanted = ["referrals.person", "referrals.referral", "screening.screening", "accounts.user"]
    models = [m for m in wanted if m in registered] or sorted(registered)[:4]
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{m.replace('.', '_')}_changelist") for m in models
    ]
    admin_login = reverse("admin:login")
    for role in ROLES:
        client = _client(cast, role)
        for url in urls:
            got = client.get(url)
            if role == "superuser":
                assert got.status_code == 200, (role, url, got.status_code)
            else:
                assert got.status_code == 302, (role, url, got.status_code)
                assert got["Location"].startswith(admin_login), (role, url, got["Location"])


# --- analysts: aggregates only ----------------------------------------------------------------


def person_level_markers(cast: Cast) -> list[str]:
    """What only a person-level row would show: words, birth date, phone, record ids.

    Not the referral's status code: the status page shows it back to whoever typed it (the
    person), and the test hands it to the analyst like any visitor with the link."""
    world = cast.world
    ids = [
        world.person.pk,
        world.screening.pk,
        world.own_screening.pk,
        world.follow_up.pk,
        world.referral.pk,
        world.closed_referral.pk,
        world.consent.pk,
        world.plan.pk,
        world.goal.pk,
    ]
    return [
        *world.secrets,
        "Zeph",
        "May 17, 1980",
        "17 May 1980",
        "05/17/1980",
        matrix_cast.PERSON_PHONE,
        "555-0199",
        *[str(i) for i in ids],
    ]


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.django_db
def test_an_analyst_never_sees_a_person_level_row(cast: Cast) -> None:
    markers = person_level_markers(cast)
    seen = []
    answered = 0
    for name in sorted(PAGES):
        with rolled_back():
            response = _client(cast, "analyst").get(_page_url(cast, name))
            if response.status_code == 200:
                answered += 1
                shown = [m for m in markers if m in _body(response)]
                if shown:
                    seen.append(f"{name}: {shown}")
    for operation_id, operation in OPERATIONS.items():
        method, path = v1_operations()[operation_id]
        if method != "GET":
            continue
        with rolled_back():
            response = _api_call(cast, "analyst", method, path, operation)
            if response.status_code == 200:
                answered += 1
                shown = [m for m in markers if m in _body(response)]
                if shown:
                    seen.append(f"GET {path}: {shown}")
    assert answered > 20  # the analyst does reach pages: the metrics, the directory…
    assert not seen, f"An analyst saw person-level data: {seen}"


@pytest.mark.django_db
def test_the_markers_would_catch_a_person_level_page(cast: Cast) -> None:
    """The analysts' test is not vacuous: the navigator's view of the person trips it."""
    markers = person_level_markers(cast)
    url = reverse("referrals:person_detail", kwargs={"person_id": cast.world.person.pk})
    with rolled_back():
        body = _body(_client(cast, "navigator").get(url))
    assert "Zephyrine" in body and matrix_cast.PERSON_PHONE in body
    assert [m for m in markers if m in body]


def test_the_matrix_rows_are_well_formed() -> None:
    for name, entry in PAGES.items():
        assert set(entry.get) == set(ROLES), name
        assert entry.post is None or set(entry.post) == set(ROLES), name
    for name, operation in {**OPERATIONS, **HSDA_OPERATIONS}.items():
        assert set(operation.expect) == set(ROLES), name
    with pytest.raises(AssertionError):
        access_matrix.row("ok ok")
    with pytest.raises(AssertionError):
        access_matrix.row("ok " * 8 + "maybe")


# --- one field with its own rule ---------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_sending_organisation_sees_the_private_note(cast: Cast) -> None:
    """docs/referrals.md: the private note is the sender's alone — not the receiver's, not a
    superuser's — and is never in the FHIR export, not even for the sender."""
    referral = cast.world.referral.pk
    page = reverse("referral:detail", kwargs={"referral_id": referral})
    reads = {
        "page": lambda role: _client(cast, role).get(page),
        "api": lambda role: Client().get(f"/api/v1/referrals/{referral}", **cast.bearer(role)),
    }
    shown = {"navigator": True, "staff": True, "receiver": False, "superuser": False}
    for role, sees in shown.items():
        for where, read in reads.items():
            with rolled_back():
                response = read(role)
                assert response.status_code == 200, (role, where)
                assert ("Privatenote" in _body(response)) is sees, (role, where)
        with rolled_back():
            fhir = Client().get(f"/api/v1/referrals/{referral}/fhir", **cast.bearer(role))
            assert fhir.status_code == 200 and "Privatenote" not in _body(fhir), role


@pytest.mark.django_db
def test_the_receiver_sees_the_snapshot_never_the_record(cast: Cast) -> None:
    """docs/referrals.md: no date of birth, no ZIP, not the person's id — for the receiver;
    the person's id is the sender's alone, superusers included."""
    referral = cast.world.referral.pk
    person = str(cast.world.person.pk)
    page = reverse("referral:detail", kwargs={"referral_id": referral})
    for role, hidden in {
        "receiver": ["1980", "33130", person],
        "superuser": [person],
    }.items():
        for path in (page, f"/api/v1/referrals/{referral}", f"/api/v1/referrals/{referral}/fhir"):
            with rolled_back():
                if path == page:
                    response = _client(cast, role).get(path)
                else:
                    response = Client().get(path, **cast.bearer(role))
                assert response.status_code == 200, (role, path)
                shown = [h for h in hidden if h in _body(response)]
                assert not shown, (role, path, shown)
    # The same words are there to find: the sender's page links the person's record.
    with rolled_back():
        assert person in _body(_client(cast, "navigator").get(page))
