"""Schemathesis runs the official HSDA 3.0 OpenAPI document against /api/hsda/.

It generates requests for every operation of the document (valid ones and, for typed
parameters, invalid ones), calls the Django app in-process through WSGI, and checks every
response: never a server error, a documented status code and content type, and a body
that conforms to the official HSDS schema the document names.

The document is used as published, except for these defects, each fixed here in the
test's copy and nowhere else:

1. Its schema $refs are URLs on raw.githubusercontent.com; tests load nothing from the
   internet, so they are pointed at the vendored copies of the same files.
2. GET /service_at_locations/{id} names compiled/service.json as its response, which a
   service_at_location record cannot satisfy (it requires a service's `name` and
   `status`); its own compiled/service_at_location.json is used instead.
3. It declares only 200 responses, so the 404 every `{id}` operation must give for an
   unknown id and the 400 for a bad parameter would fail the status-code check. They are
   declared (with our error body's schema) rather than the check being turned off, so any
   other status still fails it.
4. `format=ndjson` is described but its media type is not declared; it is added to the
   list operations' 200 response.
5. Its parameter types are looser than their meaning: `page` and `per_page` are integers
   without a minimum, the id filters free strings, `modified_after` has the unknown format
   "datetime", `search` any string (a NUL character included). Requests it calls valid (page=0, taxonomy_id=abc) must get a 400, so the
   `positive_data_acceptance` check is excluded. `test_it_accepts_every_well_formed_request`
   below runs it (and `negative_data_rejection`) against a copy that states those meanings
   as schema constraints.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from commonweal.directory.hsda import openapi_document
from commonweal.directory.models import ServiceAtLocation, TaxonomyTerm
from commonweal.directory.schema_validation import OFFICIAL_BASE, bundle_official_refs
from commonweal.directory.tests.directory_builder import build_full_service, build_taxonomy
from commonweal.wsgi import application

BASE_PATH = "/api/hsda"
ERROR_BODY = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}, "parameter": {"type": "string"}},
}
LIST_OPERATIONS = (
    "/services",
    "/organizations",
    "/service_at_locations",
    "/taxonomies",
    "/taxonomy_terms",
)


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


def hsda_document(*, strict_parameters: bool = False) -> dict[str, Any]:
    """The official document with the defects listed in this module's docstring fixed."""
    document = openapi_document(BASE_PATH)
    paths = document["paths"]
    paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": OFFICIAL_BASE + "compiled/service_at_location.json"}
    for path, item in paths.items():
        responses = item["get"]["responses"]
        if path != "/":
            responses["400"] = _error_response("A parameter is malformed.")
        if path.endswith("{id}"):
            responses["404"] = _error_response("No record has that id.")
        if path in LIST_OPERATIONS:
            responses["200"]["content"]["application/x-ndjson"] = {"schema": {"type": "string"}}
    if strict_parameters:
        _state_parameter_meanings(document)
    return bundle_official_refs(document)


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    # An empty text or id parameter counts as not given (as an empty HTML form field does).
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _state_parameter_meanings(document: dict[str, Any]) -> None:
    parameters = document["components"]["parameters"]
    for name in ("page", "per_page"):
        parameters[name]["schema"] = {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}
    uuid_schema = {"type": "string", "format": "uuid"}
    for name in ("taxonomy_term_id", "taxonomy_id", "organization_id"):
        parameters[name]["schema"] = _or_empty(uuid_schema)
    parameters["modified_after"]["schema"] = _or_empty(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    )
    parameters["format"]["schema"] = {"type": "string", "enum": ["", "json", "ndjson"]}
    # Text never holds a NUL character (PostgreSQL cannot store one; the API says so in a 400).
    parameters["search"]["schema"] = {"type": "string", "pattern": "^[^\\x00]*$"}
    parameters["postcode"]["schema"] = {
        "type": "string",
        "pattern": "^([A-Za-z0-9][A-Za-z0-9 -]{0,11})?$",
    }
    for item in document["paths"].values():
        operation = item["get"]
        # `proximity` is only valid with `postcode` (a 400 without it), which a parameter
        # schema cannot say; test_it_answers_list_operations_... covers it instead.
        operation["parameters"] = [
            p
            for p in operation.get("parameters", [])
            if p.get("$ref") != "#/components/parameters/proximity"
        ]
        for parameter in operation["parameters"]:
            if parameter.get("name") == "parent_id":
                parameter["schema"] = _or_empty(uuid_schema)
    for path, item in document["paths"].items():
        if path.endswith("{id}"):
            item["parameters"][0]["schema"] = uuid_schema


def _load(document: dict[str, Any]) -> Any:
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


schema = _load(hsda_document())
strict_schema = _load(hsda_document(strict_parameters=True))


@pytest.fixture
def directory(db, in_process_wsgi) -> None:
    _, _, term = build_taxonomy()
    build_full_service(name="Downtown Pantry", term=term, postal_code="33101")
    build_full_service(
        name="Northside Clinic", term=term, postal_code="33150", latitude=25.85, longitude=-80.2
    )
    assert TaxonomyTerm.objects.count() == 2 and ServiceAtLocation.objects.count() == 2


FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    database=None,
    derandomize=True,  # the same examples on every run, so CI results are reproducible
)


@schema.parametrize()
@FUZZ
def test_it_conforms_to_the_official_hsda_document(directory, case) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@strict_schema.parametrize()
@settings(FUZZ, max_examples=12)
def test_it_accepts_every_well_formed_request(directory, case) -> None:
    case.call_and_validate()


@pytest.mark.django_db
def test_it_answers_each_id_operation_for_existing_records_conformingly(directory) -> None:
    sal = ServiceAtLocation.objects.select_related("service__organization").first()
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(parent__isnull=False).first()
    cases = {
        "/services/{id}": sal.service_id,
        "/organizations/{id}": sal.service.organization_id,
        "/service_at_locations/{id}": sal.id,
        "/taxonomies/{id}": term.taxonomy_id,
        "/taxonomy_terms/{id}": term.id,
    }
    for path, record_id in cases.items():
        case = schema[path]["GET"].Case(path_parameters={"id": str(record_id)})
        response = case.call_and_validate()
        assert response.status_code == 200, path
        assert response.json()["id"] == str(record_id)


@pytest.mark.django_db
def test_it_answers_list_operations_with_their_parameters_conformingly(directory) -> None:
    term = TaxonomyTerm.objects.filter(parent__isnull=False).first()
    queries = {
        "/services": [
            {"full": "true"},
            {"minimal": "true"},
            {"taxonomy_term_id": str(term.id), "per_page": "1", "page": "2"},
            {"taxonomy_id": str(term.taxonomy_id), "modified_after": "2024-01-01T00:00:00Z"},
            {"search": "pantry"},
        ],
        "/organizations": [{"full": "true"}, {"full_service": "true"}, {"search": "clinic"}],
        "/service_at_locations": [
            {"full": "true"},
            {"postcode": "33101"},
            {"postcode": "33101", "proximity": "20000"},
            {"taxonomy_term_id": str(term.id)},
        ],
        "/taxonomies": [{"search": "open"}],
        "/taxonomy_terms": [
            {"top_only": "true"},
            {"parent_id": str(term.parent_id)},
            {"taxonomy_id": str(term.taxonomy_id)},
        ],
    }
    for path, variants in queries.items():
        for query in variants:
            response = schema[path]["GET"].Case(query=query).call_and_validate()
            assert response.status_code == 200, (path, query)
            assert response.json()["total_items"] >= 1, (path, query)


def test_the_fixes_leave_the_official_operations_and_parameters_as_published() -> None:
    official = openapi_document(BASE_PATH)
    fixed = copy.deepcopy(hsda_document())

    assert set(fixed["paths"]) == set(official["paths"])
    for path, item in official["paths"].items():
        assert fixed["paths"][path]["get"].get("parameters") == item["get"].get("parameters"), path
        assert fixed["paths"][path]["get"]["operationId"] == item["get"]["operationId"]
    assert fixed["components"]["parameters"] == official["components"]["parameters"]
