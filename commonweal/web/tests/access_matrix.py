"""The access matrix: who may use every page and every API operation, written as data.

One entry per URL pattern name (pages) and per OpenAPI operation id (the JSON APIs).
Each row gives the expected outcome for the nine roles of `matrix_cast.ROLES`, in order:

    anonymous  resident  navigator  staff  outside  admin  analyst  superuser  receiver

- navigator, staff, admin, analyst: members of `home`, whose care the World's person is in
  and whose navigator sent the World's referral;
- outside: partner staff of `outside`, an organisation with nothing to do with the person;
- receiver: partner staff of `receiving`, the organisation the referral was sent to;
- resident: a signed-in account with no membership (owner of the World's own screening).

Outcomes:

    ok       2xx, or a 3xx that is not a redirect to sign-in
    login    a redirect to sign-in (pages, anonymous)
    401      no credentials (API, anonymous)
    403      refused, and the object's existence is no secret (a listing, one's own role)
    404      refused as if the object did not exist: person-level objects answer 404 to
             anyone outside the care (or referral) relationship, so ids cannot be probed
    denied   403 or 404, where either is right (one who may read a record but not act on it)
    405      the method is not allowed (GET of a POST-only route)
    503      the server lacks an optional system library (the PDF report without Pango)

The rows are written from the product rules — docs/referrals.md "Who sees what",
docs/screening.md, commonweal/policy.py, commonweal/policy.py, screening/safety.py,
referrals/metrics.py, referrals/person_rights.py, accounts/access_history.py — not recorded
from what the code answers. A route without an entry fails test_access_matrix.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commonweal.web.tests.matrix_cast import ROLES, Cast

OUTCOMES = frozenset({"ok", "login", "401", "403", "404", "denied", "405", "503"})


def row(spec: str) -> dict[str, str]:
    """`"login 404 ok …"` (one outcome per role, in ROLES order) as {role: outcome}."""
    outcomes = spec.split()
    assert len(outcomes) == len(ROLES), f"{spec!r}: want {len(ROLES)} outcomes"
    assert set(outcomes) <= OUTCOMES, f"{spec!r}: unknown outcome"
    return dict(zip(ROLES, outcomes, strict=True))


Params = Callable[[Cast], dict[str, Any]]
Form = Callable[[Cast], dict[str, Any]]


def _none(cast: Cast) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Page:
    """A URL pattern: reverse() kwargs from the cast, the GET row and, if it changes
    anything, the POST row with a plausible form (valid for whoever may post it)."""

    get: dict[str, str]
    post: dict[str, str] | None = None
    params: Params = _none
    form: Form = _none
    query: Callable[[Cast], str] = lambda cast: ""


@dataclass(frozen=True)
class Operation:
    """An OpenAPI operation: its path parameters, the row, and a JSON body for writes."""

    expect: dict[str, str]
    params: Params = _none
    body: Form = _none
    headers: Callable[[Cast], dict[str, str]] = field(default=lambda cast: {})


#                   anon   res  nav  staff out  admin anal super recv
PUBLIC = row("      ok     ok   ok   ok    ok   ok    ok   ok    ok")
SIGNED_IN = row("   login  ok   ok   ok    ok   ok    ok   ok    ok")
POST_ONLY = row("   405    405  405  405   405  405   405  405   405")
SIGNED_POST = row(" login  405  405  405   405  405   405  405   405")
# The person's record and everything hung on it: the care team reads and works on it; a
# superuser reads it (audit-flagged); anyone else is told it does not exist.
CARE_READ = row("   login  404  ok   ok    404  404   404  ok    404")
# Care work on the person (screening them, consent, the care plan): the care team only; a
# superuser outside the team may read but never act.
CARE_WORK = row("   login  404  ok   ok    404  404   404  denied 404")
# Roles that work with people at all (lists of one's own organisations' work).
CARE_ROLE = row("   login  403  ok   ok    ok   403   403  ok    ok")
# Care staff of any organisation, for pages of their own organisation's work.
CARE_STAFF = row("  login  403  ok   ok    ok   403   403  403   ok")
# A listing of `home`: its partner staff, coalition admins and superusers edit it. Listings
# are public, so a refusal may say so (403).
LISTING = row("     login  403  403  ok    403  ok    403  ok    403")
# Rights requests and access history: superusers and coalition admins of a care-team org.
RIGHTS = row("      login  404  404  404   404  ok    404  ok    404")
# The insights area (policy.can_see_insights): aggregates for coalition admins, analysts and
# superusers; everyone else is refused, and the area's existence is no secret.
INSIGHTS = row("    login  403  403  403   403  ok    ok    ok    403")
API_INSIGHTS_ROW = "401 403  403  403   403  ok    ok    ok    403"
STORIES = row("     login  403  403  403   403  ok    403   ok    403")
# The referral: care staff of the sender and of the receiver; a superuser reads it.
REFERRAL_READ = row("login 404 ok   ok    404  404   404  ok    ok")

PERSON: Params = lambda c: {"person_id": c.world.person.pk}  # noqa: E731
REFERRAL: Params = lambda c: {"referral_id": c.world.referral.pk}  # noqa: E731
SERVICE: Params = lambda c: {"service_id": c.world.home_service.pk}  # noqa: E731
HOME: Params = lambda c: {"organization_id": c.world.home.pk}  # noqa: E731
GOAL: Params = lambda c: {"person_id": c.world.person.pk, "goal_id": c.world.goal.pk}  # noqa: E731
SCREENING: Params = lambda c: {"screening_id": c.world.screening.pk}  # noqa: E731


def _version(cast: Cast) -> int:
    cast.world.referral.refresh_from_db()
    return cast.world.referral.version


def _phq9(cast: Cast) -> dict[str, Any]:
    from commonweal.screening.tests.answers import phq9

    return phq9(first_eight=1, item9=0)


def _carried(cast: Cast) -> dict[str, Any]:
    """A self-screen's answers as the results page carries them (signed, in the form)."""
    from commonweal.screening import carried

    return {"token": carried.pack(instrument="phq-9", language="en", answers=_phq9(cast))}


def _consent(cast: Cast) -> dict[str, Any]:
    return {
        "organizations": [str(cast.world.receiving.pk)],
        "categories": ["contact", "needs"],
        "purpose": "Food",
        "method": "verbal",
        "expires_on": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
    }


def _goal(cast: Cast) -> dict[str, Any]:
    return {"description": "A goal", "status": "active", "achievement": "in-progress"}


def _review(cast: Cast) -> dict[str, Any]:
    goal = cast.world.goal.pk
    return {"text": "Reviewed", f"status_{goal}": "active", f"achievement_{goal}": "improving"}


def _last_quarter() -> str:
    from django.utils import timezone

    from commonweal.insights import periods

    return periods.completed_quarters(timezone.localdate())[0].label


def _story(cast: Cast) -> dict[str, Any]:
    return {
        "quarter": _last_quarter(),
        "kind": "quote",
        "text": "They called me back the same day.",
        "attribution": "a parent",
        "agreed": "on",
    }


def _story_id(cast: Cast) -> dict[str, Any]:
    from commonweal.insights.models import ReportStory

    story, _created = ReportStory.objects.get_or_create(
        quarter=_last_quarter(), text="A story to remove", defaults={"kind": "story"}
    )
    return {"story_id": story.pk}


def _pdf_row() -> dict[str, str]:
    """The PDF report answers 503 where WeasyPrint's Pango library is missing."""
    from commonweal.insights import report_pdf

    if report_pdf.available():
        return INSIGHTS
    return {role: "503" if outcome == "ok" else outcome for role, outcome in INSIGHTS.items()}


_PDF = _pdf_row()

PAGES: dict[str, Page] = {
    # --- the public site -----------------------------------------------------------------
    "web:home": Page(PUBLIC),
    "web:about": Page(PUBLIC),
    "web:accessibility": Page(PUBLIC),
    "web:healthz": Page(PUBLIC),
    "livez": Page(PUBLIC),
    "readyz": Page(PUBLIC),
    "set_language": Page(PUBLIC, PUBLIC, form=lambda c: {"language": "es", "next": "/"}),
    "directory:search": Page(PUBLIC, query=lambda c: "?q=groceries"),
    "directory:category_index": Page(PUBLIC),
    "directory:category_detail": Page(PUBLIC, params=lambda c: {"term_id": c.world.term.pk}),
    "directory:service_detail": Page(PUBLIC, params=SERVICE),
    "directory:organization_detail": Page(PUBLIC, params=HOME),
    # The visitor's own list, held in their session.
    "directory:my_list": Page(PUBLIC),
    "directory:my_list_print": Page(PUBLIC),
    "directory:my_list_add": Page(POST_ONLY, PUBLIC, params=SERVICE),
    "directory:my_list_remove": Page(POST_ONLY, PUBLIC, params=SERVICE),
    "directory:my_list_clear": Page(POST_ONLY, PUBLIC),
    "directory:my_list_send_text": Page(
        SIGNED_POST, SIGNED_IN, form=lambda c: {"phone": "(305) 555-0100", "language": "en"}
    ),
    "directory:my_list_send_email": Page(
        SIGNED_POST, SIGNED_IN, form=lambda c: {"email": "a@example.org", "language": "en"}
    ),
    # A signed-in user's own saved services.
    "directory:saved_services": Page(SIGNED_IN),
    "directory:service_save": Page(SIGNED_POST, SIGNED_IN, params=SERVICE),
    "directory:service_unsave": Page(SIGNED_POST, SIGNED_IN, params=SERVICE),
    # --- editing listings (commonweal/policy.py) --------------------------------------
    "directory:my_organizations": Page(
        #    anon   res  nav  staff out  admin anal super recv
        row("login  403  403  ok    ok   ok    403  ok    ok")
    ),
    "directory:organization_edit": Page(
        LISTING, LISTING, params=HOME, form=lambda c: {"name": "Home Pantry"}
    ),
    "directory:service_create": Page(
        LISTING, LISTING, params=HOME, form=lambda c: {"name": "New groceries"}
    ),
    "directory:service_edit": Page(
        LISTING, LISTING, params=SERVICE, form=lambda c: {"name": "Home groceries"}
    ),
    "directory:service_edit_phones": Page(LISTING, LISTING, params=SERVICE),
    "directory:service_edit_hours": Page(LISTING, LISTING, params=SERVICE),
    "directory:service_edit_languages": Page(LISTING, LISTING, params=SERVICE),
    "directory:service_edit_intake": Page(LISTING, LISTING, params=SERVICE),
    # --- people (commonweal/policy.py) ------------------------------------------------
    "referrals:person_list": Page(CARE_ROLE),
    "referrals:person_create": Page(
        #    anon   res  nav  staff out  admin anal super recv
        row("login  403  ok   ok    ok   403   403  403   ok"),
        row("login  403  ok   ok    ok   403   403  403   ok"),
        form=lambda c: {"given_name": "New", "family_name": "Person"},
    ),
    "referrals:person_detail": Page(CARE_READ, params=PERSON),
    # Whoever cares for a person keeps the record current; a superuser outside the care
    # team reads the record but never changes it (policy.can_edit_person).
    "referrals:person_edit": Page(
        CARE_WORK, CARE_WORK, params=PERSON, form=lambda c: {"given_name": "Zephyrine"}
    ),
    "referrals:person_data_requests": Page(
        RIGHTS,
        RIGHTS,
        params=PERSON,
        form=lambda c: {"export-reference": "REQ-1", "export-format": "json"},
    ),
    "accounts:person_access_history": Page(RIGHTS, params=PERSON),
    # Only the person's care team records or revokes consent (docs/referrals.md, Consent).
    "referrals:consent_create": Page(CARE_WORK, CARE_WORK, params=PERSON, form=_consent),
    "referrals:consent_revoke": Page(
        CARE_WORK,
        CARE_WORK,
        params=lambda c: {"person_id": c.world.person.pk, "consent_id": c.world.consent.pk},
        form=lambda c: {"reason": "The person asked"},
    ),
    # The care plan: care team reads and changes; a superuser reads, changes nothing.
    "referrals:care_plan": Page(CARE_READ, params=PERSON),
    "referrals:care_plan_start": Page(SIGNED_POST, CARE_WORK, params=PERSON),
    "referrals:care_plan_close": Page(
        SIGNED_POST, CARE_WORK, params=PERSON, form=lambda c: {"status": "completed"}
    ),
    "referrals:care_plan_goal_create": Page(CARE_WORK, CARE_WORK, params=PERSON, form=_goal),
    "referrals:care_plan_goal_edit": Page(CARE_WORK, CARE_WORK, params=GOAL, form=_goal),
    "referrals:care_plan_goal_links": Page(
        CARE_WORK,
        CARE_WORK,
        params=GOAL,
        form=lambda c: {"action": "link-service", "id": str(c.world.home_service.pk)},
    ),
    "referrals:care_plan_review": Page(CARE_WORK, CARE_WORK, params=PERSON, form=_review),
    # --- referrals (docs/referrals.md, "Who sees what") -----------------------------------
    # One's own organisations' open referrals: a superuser (of no organisation) has none.
    "referral:worklist": Page(CARE_STAFF),
    "referral:inbox": Page(CARE_STAFF),
    # Referring is care work for the person's care team; the receiver and outsiders do not
    # know the person. Without a person the page offers one's own people (any care role).
    "referral:new": Page(
        #    anon   res  nav  staff out  admin anal super  recv
        row("login  403  ok   ok    404  403   403  denied 404"),
        row("login  403  ok   ok    404  403   403  denied 404"),
        query=lambda c: f"?service={c.world.receiving_service.pk}&person={c.world.person.pk}",
        form=lambda c: {"needs": ["food"], "urgency": "routine"},
    ),
    # Loop-closure figures (docs/referrals.md): coalition admins and analysts (de-identified)
    # every partner, navigators and partner staff their own organisation's referrals.
    "referral:metrics": Page(
        #    anon   res  nav  staff out  admin anal super recv
        row("login  403  ok   ok    ok   ok    ok   ok    ok")
    ),
    # The person's own status page: anyone holding the code (no account needed).
    "referral:status": Page(PUBLIC),
    "referral:status_page": Page(PUBLIC, params=lambda c: {"code": c.world.referral.status_code}),
    "referral:detail": Page(REFERRAL_READ, params=REFERRAL),
    # Either side may cancel an accepted or in-progress referral; a superuser never acts.
    "referral:move": Page(
        SIGNED_POST,
        #    anon   res  nav  staff out  admin anal super recv
        row("login  404  ok   ok    404  404   404  403   ok"),
        params=REFERRAL,
        form=lambda c: {"status": "cancelled", "reason": "duplicate", "version": _version(c)},
    ),
    # Only the receiver sets the appointment; the sender sees the referral but may not.
    "referral:appointment": Page(
        SIGNED_POST,
        #    anon   res  nav  staff out  admin anal super recv
        row("login  404  403  403   404  404   404  403   ok"),
        params=REFERRAL,
        form=lambda c: {"version": _version(c), "day": "2030-01-15", "time": "10:30"},
    ),
    # --- screening (docs/screening.md) ----------------------------------------------------
    "screening:instrument_list": Page(PUBLIC),
    "screening:self_screen": Page(PUBLIC, PUBLIC, params=lambda c: {"code": "phq-9"}, form=_phq9),
    "screening:self_results": Page(
        POST_ONLY, PUBLIC, params=lambda c: {"code": "phq-9"}, form=_carried
    ),
    "screening:self_save": Page(
        POST_ONLY, SIGNED_IN, params=lambda c: {"code": "phq-9"}, form=_carried
    ),
    "screening:own_list": Page(SIGNED_IN),
    # A resident's own saved screening is theirs alone: no organisation holds it.
    "screening:own_detail": Page(
        #    anon   res  nav  staff out  admin anal super recv
        row("login  ok   404  404   404  404   404  404   404"),
        params=lambda c: {"screening_id": c.world.own_screening.pk},
    ),
    "screening:person_screen": Page(
        CARE_WORK, CARE_WORK, params=lambda c: {"person_id": c.world.person.pk, "code": "phq-9"}
    ),
    "screening:screening_detail": Page(CARE_READ, params=SCREENING),
    "screening:follow_up_list": Page(CARE_ROLE),
    # Coalition admins designate their organisation's safety contacts.
    "screening:safety_contacts": Page(
        #    anon   res  nav  staff out  admin anal super recv
        row("login  403  403  403   403  ok    403  ok    403"),
        row("login  403  403  403   403  ok    403  ok    403"),
        form=lambda c: {
            "organization": str(c.world.home.pk),
            "action": "add",
            "user": c.world.navigator.pk,
        },
    ),
    # Follow-ups, like screenings, are the care team's; a superuser reads but never acts.
    "screening:safety_checklist": Page(
        CARE_READ,
        #    anon   res  nav  staff out  admin anal super recv
        row("login  404  ok   ok    404  404   404  403   404"),
        params=lambda c: {"follow_up_id": c.world.follow_up.pk},
        form=lambda c: {"action": "note", "note": "Called back"},
    ),
    # --- accounts -------------------------------------------------------------------------
    "accounts:login": Page(PUBLIC),
    "accounts:logout": Page(POST_ONLY, PUBLIC),
    "accounts:sign_up": Page(PUBLIC),
    "accounts:two_factor_verify": Page(SIGNED_IN),
    "accounts:two_factor_setup": Page(SIGNED_IN),
    "accounts:two_factor_recovery_codes": Page(SIGNED_POST, SIGNED_IN),
    "accounts:home": Page(SIGNED_IN),
    "accounts:preferences": Page(SIGNED_POST, SIGNED_IN, form=lambda c: {"language": "en"}),
    "accounts:token_create": Page(SIGNED_POST, SIGNED_IN, form=lambda c: {"name": "laptop"}),
    # A token is its owner's alone: anyone else's revoke is of a token that does not exist.
    "accounts:token_revoke": Page(
        SIGNED_POST,
        #    anon   res  nav  staff out  admin anal super recv
        row("login  404  ok   404   404  404   404  404   404"),
        params=lambda c: {"token_id": c.world.token.pk},
    ),
    "accounts:password_change": Page(SIGNED_IN),
    "accounts:password_change_done": Page(SIGNED_IN),
    # The insights area: coalition admins, analysts and superusers (aggregates only).
    "insights:index": Page(INSIGHTS),
    "insights:report": Page(INSIGHTS, query=lambda c: "?quarter=" + _last_quarter()),
    "insights:report_pdf": Page(_PDF, query=lambda c: "?quarter=" + _last_quarter()),
    # Stories in the report: coalition admins (and superusers) add and remove them.
    "insights:story_add": Page(SIGNED_POST, STORIES, form=_story),
    "insights:story_delete": Page(SIGNED_POST, STORIES, params=_story_id),
    "alerts:index": Page(INSIGHTS),
    "alerts:detail": Page(
        INSIGHTS, params=lambda c: {"signal": "crisis-check-ups", "area": "33101"}
    ),
    # --- the APIs' own pages (their operations are below) ---------------------------------
    "api_v1:openapi-json": Page(PUBLIC),
    "api_v1:openapi-view": Page(PUBLIC),
    # ninja's root of /api/v1/ is no page: not found, for everyone alike.
    "api_v1:api-root": Page(row("404 404 404 404 404 404 404 404 404")),
    "hsda:openapi_json": Page(PUBLIC),
}

# Routes a request can never reach (an earlier pattern answers the same path), with why.
SHADOWED = {
    "hsda:api-root": "ninja's default root for /api/hsda/, after HSDA's own api_root",
}

#                        anon res  nav  staff out  admin anal super recv
API_PUBLIC = row("       ok   ok   ok   ok    ok   ok    ok   ok    ok")
API_SIGNED_IN = row("    401  ok   ok   ok    ok   ok    ok   ok    ok")
API_CARE_READ = row("    401  404  ok   ok    404  404   404  ok    404")
API_CARE_WORK = row("    401  404  ok   ok    404  404   404  denied 404")
API_REFERRAL_READ = row("401 404  ok   ok    404  404   404  ok    ok")


def _referral_body(cast: Cast) -> dict[str, Any]:
    return {
        "person_id": str(cast.world.person.pk),
        "service_id": str(cast.world.receiving_service.pk),
        "needs": ["health"],
    }


def _if_match(cast: Cast) -> dict[str, str]:
    return {"HTTP_IF_MATCH": f'"{_version(cast)}"'}


def _fhir_bundle(cast: Cast) -> dict[str, Any]:
    from commonweal.referrals.tests.test_fhir_api import incoming

    return incoming(cast.world.receiving_service, cast.world.receiving)


def _questionnaire_response(cast: Cast) -> dict[str, Any]:
    from commonweal.screening.tests.test_api import phq9

    return phq9()


P = "commonweal_"
OPERATIONS: dict[str, Operation] = {
    f"{P}accounts_api_me": Operation(API_SIGNED_IN),
    f"{P}directory_search_api_search": Operation(API_PUBLIC),
    f"{P}screening_api_score": Operation(API_PUBLIC, body=_questionnaire_response),
    f"{P}screening_api_instrument_list": Operation(API_PUBLIC),
    f"{P}screening_api_instrument_detail": Operation(
        API_PUBLIC, params=lambda c: {"code": "phq-9"}
    ),
    f"{P}screening_api_person_screenings": Operation(API_CARE_READ, params=PERSON),
    f"{P}screening_api_submit_screening": Operation(
        API_CARE_WORK,
        params=PERSON,
        body=lambda c: {"instrument": "phq-9", "answers": _phq9(c), "language": "en"},
    ),
    f"{P}screening_api_stored_screening": Operation(API_CARE_READ, params=SCREENING),
    f"{P}screening_api_stored_screening_fhir": Operation(API_CARE_READ, params=SCREENING),
    # Referring: the person's care team only; to anyone else the person's id is unknown
    # (a superuser, who may read the person, is refused either way: oversight never acts).
    f"{P}referrals_api_create": Operation(
        #    anon res  nav  staff out  admin anal super  recv
        row("401  404  ok   ok    404  404   404  denied 404"),
        body=_referral_body,
    ),
    # One's own organisations' referrals (an empty list for those with none).
    f"{P}referrals_api_list_referrals": Operation(API_SIGNED_IN),
    # An EHR's referral: navigators and partner staff, for their own organisation.
    f"{P}referrals_api_import_fhir": Operation(
        #    anon res  nav  staff out  admin anal super recv
        row("401  403  ok   ok    ok   403   403  403   ok"),
        body=_fhir_bundle,
    ),
    f"{P}referrals_api_read": Operation(API_REFERRAL_READ, params=REFERRAL),
    f"{P}referrals_api_read_fhir": Operation(API_REFERRAL_READ, params=REFERRAL),
    f"{P}referrals_api_transition": Operation(
        #    anon res  nav  staff out  admin anal super recv
        row("401  404  ok   ok    404  404   404  403   ok"),
        params=REFERRAL,
        body=lambda c: {"status": "cancelled", "reason": "duplicate"},
        headers=_if_match,
    ),
    f"{P}referrals_api_appointment": Operation(
        #    anon res  nav  staff out  admin anal super recv
        row("401  404  403  403   404  404   404  403   ok"),
        params=REFERRAL,
        body=lambda c: {"at": "2030-01-15T10:30:00-05:00"},
        headers=_if_match,
    ),
    f"{P}referrals_care_plan_api_care_plan_fhir_bundle": Operation(API_CARE_READ, params=PERSON),
}

# Open Referral HSDA 3.0: the public directory, read-only, for everyone. Operation ids are
# the official document's (two of them swapped there: kept as published).
_HSDA_ID: Params = lambda c: {"id": c.world.home_service.pk}  # noqa: E731
HSDA_OPERATIONS: dict[str, Operation] = {
    "getAPIMetaInformation": Operation(API_PUBLIC),
    "getPaginatedListOfServices": Operation(API_PUBLIC),
    "getFullyNestedServiceById": Operation(API_PUBLIC, params=_HSDA_ID),
    "getPaginatedListOfOrganizations": Operation(API_PUBLIC),
    "getOrganizationById": Operation(API_PUBLIC, params=lambda c: {"id": c.world.home.pk}),
    "getPaginatedListOfServiceAtLocation": Operation(API_PUBLIC),
    "getServiceAtLocationWithNestedDataById": Operation(
        API_PUBLIC,
        params=lambda c: {"id": c.world.receiving_service.service_at_locations.get().pk},
    ),
    "getPaginatedListOfTaxonomies": Operation(API_PUBLIC),
    "getTaxonomyById": Operation(API_PUBLIC, params=lambda c: {"id": c.taxonomy.pk}),
    "getTaxonomyTermById": Operation(API_PUBLIC),
    "getPaginatedListOfTaxonomyTerms": Operation(
        API_PUBLIC, params=lambda c: {"id": c.world.term.pk}
    ),
}

# The insights area, the partnership workspace and the programmes keep their rows in files of
# their own, one per part; merged here so that the matrix stays one table. Imported last:
# those files use row(), Page and Operation.
from commonweal.web.tests import (  # noqa: E402
    access_matrix_campaigns,
    access_matrix_gaps,
    access_matrix_outcomes,
    access_matrix_participation,
    access_matrix_partnerships,
    access_matrix_programs,
    access_matrix_reminders,
    access_matrix_routes,
    access_matrix_unmet,
    access_matrix_volunteers,
)

_PARTS = (
    access_matrix_gaps,
    access_matrix_unmet,
    access_matrix_outcomes,
    access_matrix_partnerships,
    access_matrix_programs,
    access_matrix_routes,
    access_matrix_reminders,
    access_matrix_volunteers,
    access_matrix_campaigns,
    access_matrix_participation,
)
for _part in _PARTS:
    assert not set(_part.PAGES) & set(PAGES), "a page has two rows"
    PAGES.update(_part.PAGES)
    OPERATIONS.update(_part.OPERATIONS)
