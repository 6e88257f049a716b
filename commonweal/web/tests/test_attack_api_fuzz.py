"""Schemathesis fuzzes /api/v1/ from the project's own OpenAPI document.

Every operation of the document gets generated requests (valid ones and, where the schema
can say what is invalid, invalid ones) three ways: anonymously, as a navigator with a
bearer token and the generated ids (which name nothing), and as that navigator with the
ids of real records in their care, so the person, referral and screening endpoints are
exercised beyond their 404. Every response is checked: never a server error, a status
code and content type the document declares, a body and headers that conform to it.

Bounded for CI: few examples per operation, no deadline, derandomized so every run makes
the same requests. `positive_data_acceptance` is excluded for the reason the HSDA test
gives: the document's bodies are `{"type": "object"}` (a QuestionnaireResponse, a FHIR
Bundle) whose meaning no schema states, so a schema-valid body is often rightly a 400.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from commonweal.api import api_v1
from commonweal.web.tests import attack_world
from commonweal.web.tests.attack_world import World
from commonweal.wsgi import application


def _load() -> Any:
    loaded = schemathesis.openapi.from_dict(api_v1.get_openapi_schema(path_prefix="/api/v1"))
    loaded.app = application
    return loaded


schema = _load()
# Ids are guessed only where the path holds one; the other operations are fuzzed already.
schema_with_ids = schema.include(path_regex=r"\{")

FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    database=None,
    derandomize=True,  # the same requests on every run, so CI results are reproducible
)
EXCLUDED = [positive_data_acceptance]


@pytest.fixture
def empty(db, in_process_wsgi) -> None:
    """No records: an anonymous caller reaches none of them anyway."""


@pytest.fixture
def world(db, in_process_wsgi) -> World:
    return attack_world.build()


def _auth(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.raw_token}"}


def _real_ids(world: World) -> dict[str, str]:
    return {
        "person_id": str(world.person.pk),
        "referral_id": str(world.referral.pk),
        "screening_id": str(world.screening.pk),
        "code": "phq-9",
    }


@schema.parametrize()
@settings(FUZZ, max_examples=5)
def test_it_conforms_for_anonymous_callers(empty, case) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)


@schema_with_ids.parametrize()
@settings(FUZZ, max_examples=5)
def test_it_conforms_for_a_navigator_guessing_ids(world: World, case) -> None:
    case.call_and_validate(headers=_auth(world), excluded_checks=EXCLUDED)


@schema.parametrize()
@FUZZ
def test_it_conforms_for_a_navigator_with_real_ids(world: World, case) -> None:
    if case.path_parameters:
        real = _real_ids(world)
        case.path_parameters = {
            name: real.get(name, value) for name, value in case.path_parameters.items()
        }
    case.call_and_validate(headers=_auth(world), excluded_checks=EXCLUDED)


@pytest.mark.django_db
def test_the_fuzzed_document_holds_the_person_referral_and_screening_operations() -> None:
    operations = {
        f"{method.upper()} {path}"
        for path, item in api_v1.get_openapi_schema(path_prefix="/api/v1")["paths"].items()
        for method in item
    }
    for expected in (
        "GET /api/v1/screenings/people/{person_id}/screenings",
        "POST /api/v1/referrals/",
        "POST /api/v1/referrals/{referral_id}/transition",
        "GET /api/v1/referrals/people/{person_id}/care-plan/fhir",
        "GET /api/v1/search",
    ):
        assert expected in operations
