"""IDOR: someone of another organisation using a real id gets 404/403 and no data.

The routes are enumerated from the URL conf (every pattern with a converter) and the
OpenAPI document (every path with a `{parameter}`), so a new id-bearing route fails
`test_every_id_bearing_route_has_an_idor_case` until it is given a case here (or is listed
as public with a reason). Each case is checked both ways: the rightful user reaches it (so
the ids are right) and each intruder — the right role in the wrong organisation, a
signed-in stranger, an anonymous visitor — is refused with nothing of the record shown and
nothing changed, by GET and by POST, on the pages and on the API.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commonweal.accounts.models import ApiToken
from commonweal.api import api_v1
from commonweal.directory.models import Organization, Service
from commonweal.referrals.care_plan_models import CarePlan, CarePlanGoal, CarePlanNote
from commonweal.referrals.models import Consent, Person, Referral
from commonweal.screening.models import SafetyFollowUp, SafetyStep, Screening
from commonweal.web.tests import attack_world
from commonweal.web.tests.attack_world import World

Ids = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    ids: Ids
    owner: str  # the World attribute of a user who may use the route
    intruders: tuple[str, ...]
    post: dict[str, Any] = field(default_factory=dict)  # a plausible form for the intruder


PERSON = lambda w: {"person_id": w.person.pk}  # noqa: E731
REFERRAL = lambda w: {"referral_id": w.referral.pk}  # noqa: E731
SERVICE = lambda w: {"service_id": w.home_service.pk}  # noqa: E731
CARE = ("intruder", "intruder_staff", "receiver", "resident")
OUTSIDERS = ("intruder", "intruder_staff", "resident")
LISTING = ("intruder_staff", "intruder", "resident")

PAGE_CASES: dict[str, Case] = {
    "directory:service_edit": Case(SERVICE, "partner_staff", LISTING, {"name": "Taken over"}),
    "directory:service_edit_phones": Case(SERVICE, "partner_staff", LISTING),
    "directory:service_edit_hours": Case(SERVICE, "partner_staff", LISTING),
    "directory:service_edit_languages": Case(SERVICE, "partner_staff", LISTING),
    "directory:service_edit_intake": Case(SERVICE, "partner_staff", LISTING),
    "directory:organization_edit": Case(
        lambda w: {"organization_id": w.home.pk}, "partner_staff", LISTING, {"name": "Taken"}
    ),
    "directory:service_create": Case(
        lambda w: {"organization_id": w.home.pk}, "partner_staff", LISTING, {"name": "Planted"}
    ),
    "referrals:person_detail": Case(PERSON, "navigator", CARE),
    "referrals:person_edit": Case(PERSON, "navigator", CARE, {"given_name": "Renamed"}),
    "referrals:person_data_requests": Case(
        PERSON,
        "home_admin",
        ("intruder_admin", "intruder", "navigator", "receiver", "resident"),
        {"erase-reference": "Forged", "erase-confirm": "on"},
    ),
    "referrals:consent_create": Case(PERSON, "navigator", CARE, {"purpose": "Planted"}),
    "referrals:consent_revoke": Case(
        lambda w: {"person_id": w.person.pk, "consent_id": w.consent.pk},
        "navigator",
        CARE,
        {"reason": "Taken"},
    ),
    "referrals:care_plan": Case(PERSON, "navigator", CARE),
    "referrals:care_plan_start": Case(PERSON, "navigator", CARE),
    "referrals:care_plan_close": Case(PERSON, "navigator", CARE, {"status": "revoked"}),
    "referrals:care_plan_goal_create": Case(
        PERSON, "navigator", CARE, {"description": "Planted goal"}
    ),
    "referrals:care_plan_goal_edit": Case(
        lambda w: {"person_id": w.person.pk, "goal_id": w.goal.pk},
        "navigator",
        CARE,
        {"description": "Changed goal", "status": "cancelled"},
    ),
    "referrals:care_plan_goal_links": Case(
        lambda w: {"person_id": w.person.pk, "goal_id": w.goal.pk},
        "navigator",
        CARE,
        {"referrals": "", "services": ""},
    ),
    "referrals:care_plan_review": Case(PERSON, "navigator", CARE, {"text": "Planted note"}),
    "referral:detail": Case(REFERRAL, "navigator", OUTSIDERS),
    "referral:move": Case(
        REFERRAL, "receiver", OUTSIDERS, {"status": "cancelled", "reason": "duplicate"}
    ),
    "referral:appointment": Case(REFERRAL, "receiver", OUTSIDERS, {"at": "2030-01-01T10:00"}),
    "screening:own_detail": Case(
        lambda w: {"screening_id": w.own_screening.pk},
        "resident",
        ("intruder_resident", "intruder", "navigator"),
    ),
    "screening:person_screen": Case(
        lambda w: {"person_id": w.person.pk, "code": "phq-9"}, "navigator", CARE
    ),
    "screening:screening_detail": Case(
        lambda w: {"screening_id": w.screening.pk}, "navigator", CARE
    ),
    "screening:safety_checklist": Case(
        lambda w: {"follow_up_id": w.follow_up.pk},
        "navigator",
        CARE,
        {"action": "close", "note": "Planted"},
    ),
    "accounts:person_access_history": Case(
        PERSON, "home_admin", ("intruder_admin", "intruder", "navigator", "resident")
    ),
    "accounts:token_revoke": Case(
        lambda w: {"token_id": w.token.pk}, "navigator", ("intruder", "partner_staff", "resident")
    ),
}

# Id-bearing routes whose ids name public records or the caller's own session, with why.
PUBLIC_PAGES = {
    "directory:my_list_add": "a public service, added to the visitor's own session list",
    "directory:my_list_remove": "a public service, removed from the visitor's own session list",
    "directory:category_detail": "a public taxonomy term",
    "directory:service_detail": "a public directory listing",
    "directory:service_save": "a public service saved to the signed-in user's own list",
    "directory:service_unsave": "a public service removed from the user's own list",
    "directory:organization_detail": "a public directory organisation",
    "screening:self_screen": "an instrument code, not a record",
    "screening:self_results": "an instrument code; the answers travel in the request",
    "screening:self_save": "an instrument code; saves to the caller's own account",
    "referral:status_page": "a random private code, not an id: see test_a_guessed_status_code_",
}

ApiIds = Callable[[World], dict[str, Any]]

API_CASES: dict[tuple[str, str], tuple[ApiIds, str]] = {
    ("GET", "/api/v1/screenings/people/{person_id}/screenings"): (PERSON, "navigator"),
    ("POST", "/api/v1/screenings/people/{person_id}/screenings"): (PERSON, "navigator"),
    ("GET", "/api/v1/screenings/stored/{screening_id}"): (
        lambda w: {"screening_id": w.screening.pk},
        "navigator",
    ),
    ("GET", "/api/v1/screenings/stored/{screening_id}/fhir"): (
        lambda w: {"screening_id": w.screening.pk},
        "navigator",
    ),
    ("GET", "/api/v1/referrals/{referral_id}/fhir"): (REFERRAL, "navigator"),
    ("GET", "/api/v1/referrals/{referral_id}"): (REFERRAL, "navigator"),
    ("POST", "/api/v1/referrals/{referral_id}/transition"): (REFERRAL, "receiver"),
    ("POST", "/api/v1/referrals/{referral_id}/appointment"): (REFERRAL, "receiver"),
    ("GET", "/api/v1/referrals/people/{person_id}/care-plan/fhir"): (PERSON, "navigator"),
}
PUBLIC_API = {
    ("GET", "/api/v1/screenings/instruments/{code}"): "an instrument, public",
}

# The insights area, the partnership workspace and programmes keep their cases in files of
# their own (idor_cases_*.py); merged here, before the tests below are parametrised.
from commonweal.web.tests import (  # noqa: E402
    idor_cases_campaigns,
    idor_cases_insights,
    idor_cases_partnerships,
    idor_cases_programs,
    idor_cases_reminders,
    idor_cases_routes,
    idor_cases_volunteers,
)

CASE_FILES = (
    idor_cases_insights,
    idor_cases_partnerships,
    idor_cases_programs,
    idor_cases_routes,
    idor_cases_reminders,
    idor_cases_volunteers,
    idor_cases_campaigns,
)
for _part in CASE_FILES:
    assert not set(_part.PAGE_CASES) & set(PAGE_CASES), "a route has two cases"
    PAGE_CASES.update(_part.PAGE_CASES)
    PUBLIC_PAGES.update(_part.PUBLIC_PAGES)
    API_CASES.update(_part.API_CASES)
    PUBLIC_API.update(_part.PUBLIC_API)


def _id_routes(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> list:
    """(route name, full pattern) of every URL pattern with a converter, admin excepted."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = ns
            if pattern.namespace:
                space = f"{ns}:{pattern.namespace}" if ns else pattern.namespace
            if space == "admin":
                continue  # superusers only; commonweal/accounts/tests/test_admin.py
            found += _id_routes(pattern, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters:
            name = f"{ns}:{pattern.name}" if ns else pattern.name
            found.append((name, prefix + str(pattern.pattern)))
    return found


def _api_id_operations() -> list[tuple[str, str]]:
    document = api_v1.get_openapi_schema(path_prefix="/api/v1")
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        if "{" in path
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_id_bearing_route_has_an_idor_case() -> None:
    pages = [
        (name, route)
        for name, route in _id_routes()
        if not route.startswith("api/")  # the JSON APIs: from their OpenAPI documents below
    ]
    assert len(pages) >= 30
    missing = [
        f"{name} ({route})" for name, route in pages if name not in PAGE_CASES | PUBLIC_PAGES
    ]
    assert not missing, (
        "These URL patterns take an id but have no IDOR case: add each to PAGE_CASES (who "
        "owns it, who must be refused) or, if its id names a public record, to PUBLIC_PAGES "
        "with the reason, in commonweal/web/tests/test_attack_idor.py: " + ", ".join(missing)
    )
    operations = _api_id_operations()
    missing_api = [op for op in operations if op not in API_CASES | PUBLIC_API]
    assert not missing_api, (
        "These API operations take an id but have no IDOR case: add each to API_CASES or "
        f"PUBLIC_API in commonweal/web/tests/test_attack_idor.py: {missing_api}"
    )
    stale = set(PAGE_CASES) - {name for name, _ in pages}
    stale_api = set(API_CASES) - set(operations)
    assert not stale and not stale_api, (stale, stale_api)


def test_the_hsda_api_ids_name_public_records_only() -> None:
    # Every HSDA record is a public listing: its {id} routes need no IDOR case.
    from commonweal.directory.hsda import openapi_document

    paths = [p for p in openapi_document("/api/hsda")["paths"] if "{" in p]
    assert paths and all(p.split("/")[1] in HSDA_PUBLIC for p in paths), paths


HSDA_PUBLIC = {"services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"}


def _snapshot() -> dict[str, list]:
    """Everything an intruder's request could change, as plain rows."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "consents": list(Consent.objects.order_by("pk").values()),
        "referrals": list(Referral.objects.order_by("pk").values()),
        "plans": list(CarePlan.objects.order_by("pk").values()),
        "goals": list(CarePlanGoal.objects.order_by("pk").values()),
        "notes": list(CarePlanNote.objects.order_by("pk").values()),
        "screenings": list(Screening.objects.order_by("pk").values()),
        "follow_ups": list(SafetyFollowUp.objects.order_by("pk").values()),
        "steps": list(SafetyStep.objects.order_by("pk").values()),
        "services": list(Service.objects.order_by("pk").values()),
        "organizations": list(Organization.objects.order_by("pk").values()),
        # Using a token touches its last_used; only revoking it is a change here.
        "tokens": list(ApiToken.objects.order_by("pk").values("pk", "revoked_at")),
    }


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _assert_refused(
    response, world: World, who: str, what: str, *, post_only: bool = False
) -> None:
    status = response.status_code
    refused = status in (403, 404)
    if who == "anonymous" and status == 302:
        refused = reverse("accounts:login") in response["Location"]
    if post_only and status == 405:
        refused = True  # a GET of a POST-only route looks nothing up; its POST is checked too
    assert refused, f"{who} got {status} from {what}"
    body = _text(response)
    shown = [secret for secret in world.secrets if secret in body]
    assert not shown, f"{who} saw {shown} in the refusal of {what}"


@pytest.fixture
def world(db) -> World:
    return attack_world.build()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_another_organisation_cannot_reach_a_page_by_its_id(world: World, name: str) -> None:
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.ids(world))
    owner = _client(getattr(world, case.owner)).get(url)
    # The rightful user reaches it (a POST-only route answers 405): so the ids are real.
    assert owner.status_code in (200, 302, 405), (name, owner.status_code)
    if owner.status_code == 302:
        assert reverse("accounts:login") not in owner["Location"], name

    before = _snapshot()
    for who in (*case.intruders, "anonymous"):
        client = _client(None if who == "anonymous" else getattr(world, who))
        post_only = owner.status_code == 405
        _assert_refused(client.get(url), world, who, f"GET {name}", post_only=post_only)
        _assert_refused(client.post(url, case.post), world, who, f"POST {name}")
    assert _snapshot() == before, f"an intruder's POST to {name} changed something"


def _api_url(template: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)


API_BODY = {
    "/transition": {"status": "cancelled", "reason": "duplicate"},
    "/appointment": {"at": "2030-01-01T10:00:00+00:00"},
    "/screenings": {"instrument": "phq-2", "answers": {}},
}


def _api_call(client: Client, method: str, url: str, headers: dict[str, str]):
    if method == "GET":
        return client.get(url, **headers)
    body = next((b for suffix, b in API_BODY.items() if url.endswith(suffix)), {})
    return client.generic(
        method,
        url,
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH='"99"',
        **headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(API_CASES), ids=" ".join)
def test_another_organisation_cannot_reach_an_api_record_by_its_id(
    world: World, operation: tuple[str, str]
) -> None:
    method, template = operation
    # A case may name the refusal: 404 (the default) where a record belongs to one
    # organisation's care; 403 where a whole area is closed to outsiders, so every id, real
    # or made up, gets the same 403 (checked below: the answer gives nothing away).
    ids, owner, *rest = API_CASES[operation]
    refused = rest[0] if rest else 404
    url = _api_url(template, ids(world))
    # GET reads it; a POST is taken or refused for its content (a stale If-Match, an empty
    # questionnaire), never answered as unknown: so the ids are real. A DELETE is made last
    # (made first, it would leave the intruders nothing to reach).
    expected = {200} if method == "GET" else {200, 201, 204, 400, 412}
    if method != "DELETE":
        rightful = _api_call(Client(), method, url, attack_world.bearer(getattr(world, owner)))
        assert rightful.status_code in expected, (operation, rightful.status_code)

    intruders = {who: attack_world.bearer(getattr(world, who)) for who in OUTSIDERS}
    before = _snapshot()
    for who, headers in intruders.items():
        response = _api_call(Client(), method, url, headers)
        assert response.status_code == refused, (operation, who, response.status_code)
        _assert_refused(response, world, who, f"{method} {template}")
        if refused != 404:
            made_up = _api_url(template, {name: uuid.uuid4() for name in ids(world)})
            guess = _api_call(Client(), method, made_up, headers)
            assert (guess.status_code, guess.content) == (refused, response.content), who
        # The session signed in on the pages opens the API the same way, and no wider.
        response = _api_call(_client(getattr(world, who)), method, url, {})
        assert response.status_code in (403, 404), (operation, who, "session")
    anonymous = _api_call(Client(), method, url, {})
    assert anonymous.status_code == 401, (operation, anonymous.status_code)
    _assert_refused_body(anonymous, world)
    assert _snapshot() == before, f"an intruder's {method} {template} changed something"
    if method == "DELETE":
        rightful = _api_call(Client(), method, url, attack_world.bearer(getattr(world, owner)))
        assert rightful.status_code in expected, (operation, rightful.status_code)


def _assert_refused_body(response, world: World) -> None:
    body = _text(response)
    assert not [secret for secret in world.secrets if secret in body]


@pytest.mark.django_db
def test_an_id_in_the_body_is_checked_like_one_in_the_path(world: World) -> None:
    """Referring someone else's person through the API: as unknown as a made-up id."""
    before = Referral.objects.count()
    body = {
        "person_id": str(world.person.pk),
        "service_id": str(world.receiving_service.pk),
        "needs": ["health"],
    }
    response = Client().post(
        "/api/v1/referrals/",
        body,
        content_type="application/json",
        **attack_world.bearer(world.intruder),
    )
    assert response.status_code == 404
    _assert_refused_body(response, world)
    assert Referral.objects.count() == before

    rightful = Client().post(
        "/api/v1/referrals/",
        body,
        content_type="application/json",
        **attack_world.bearer(world.navigator),
    )
    assert rightful.status_code == 201
    # The refer page takes the person in its query string: checked the same way.
    page = reverse("referral:new") + f"?service={world.receiving_service.pk}"
    intruder = _client(world.intruder).get(page + f"&person={world.person.pk}")
    _assert_refused(intruder, world, "intruder", "referral:new?person=")
    owner = _client(world.navigator).get(page + f"&person={world.person.pk}")
    assert owner.status_code == 200 and "Zeph" in owner.content.decode()


@pytest.mark.django_db
def test_a_child_id_is_checked_against_its_parent_in_the_url(world: World) -> None:
    """The intruder's own person in the URL with the home person's consent or goal id."""
    from commonweal.referrals import care_plans
    from commonweal.referrals.models import CareTeamMember

    own = Person.objects.create(given_name="Ours", family_name="Only")
    CareTeamMember.objects.create(person=own, organization=world.outside)
    care_plans.start_plan(person=own, by=world.intruder)
    client = _client(world.intruder)
    urls = {
        "consent_revoke": reverse("referrals:consent_revoke", args=[own.pk, world.consent.pk]),
        "goal_edit": reverse("referrals:care_plan_goal_edit", args=[own.pk, world.goal.pk]),
        "goal_links": reverse("referrals:care_plan_goal_links", args=[own.pk, world.goal.pk]),
    }
    before = _snapshot()
    for what, url in urls.items():
        _assert_refused(client.get(url), world, "intruder", what)
        posted = client.post(url, {"reason": "x", "description": "Changed", "status": "cancelled"})
        _assert_refused(posted, world, "intruder", what)
    assert _snapshot() == before
    # The review form names goals by id in its body: another plan's goal is refused too.
    review = client.post(
        reverse("referrals:care_plan_review", args=[own.pk]),
        {"text": "Review", f"goal-{world.goal.pk}-status": "cancelled"},
    )
    assert review.status_code in (200, 302, 400, 404)
    assert CarePlanGoal.objects.get(pk=world.goal.pk).status == world.goal.status


@pytest.mark.django_db
def test_a_guessed_status_code_shows_nothing(world: World) -> None:
    guessed = Client().get(reverse("referral:status_page", args=["23456789ABCD"]))
    assert guessed.status_code == 404
    _assert_refused_body(guessed, world)
    real = Client().get(reverse("referral:status_page", args=[world.referral.status_code]))
    assert real.status_code == 200


@pytest.mark.django_db
def test_the_admin_shows_no_record_to_staff_of_any_organisation(world: World) -> None:
    # People are not in the admin at all; the tokens and listings that are open to no one
    # but a superuser, whatever their organisation.
    urls = [
        reverse("admin:accounts_apitoken_change", args=[world.token.pk]),
        reverse("admin:directory_organization_change", args=[world.home.pk]),
    ]
    for url in urls:
        for who in ("intruder", "navigator", "partner_staff"):
            response = _client(getattr(world, who)).get(url)
            assert response.status_code == 302 and "login" in response["Location"], who
            _assert_refused_body(response, world)
