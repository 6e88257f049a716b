"""Schemathesis fuzzes the unmet-need API as an analyst, on a world with figures to hide.

The project-wide fuzz (web/tests/test_attack_api_fuzz.py) calls every operation as a
navigator, who is refused here (403): only an analyst reaches the tables, so only this
run checks that their body conforms to the documented schema.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from commonweal.accounts.models import ApiToken
from commonweal.api import api_v1
from commonweal.insights.tests.test_unmet import _searches
from commonweal.wsgi import application

schema = schemathesis.openapi.from_dict(api_v1.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application
unmet_schema = schema.include(path_regex=r"^/api/v1/insights/unmet/")


@pytest.fixture
def analyst_token(analyst, in_process_wsgi) -> str:
    # Searches in every quarter offered, large and small, so both kinds of figure appear.
    day = dt.date(2021, 10, 1)
    while day < dt.date.today():
        _searches(12, area="33135", categories=["1102"], results=0, day=day)
        _searches(3, area="33010", categories=["1102"], results=1, day=day)
        day += dt.timedelta(days=92)
    _, raw = ApiToken.issue(user=analyst, name="fuzz")
    return raw


@unmet_schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
def test_it_conforms_for_an_analyst(analyst_token, case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {analyst_token}"},
        excluded_checks=[positive_data_acceptance],
    )


@pytest.mark.django_db
def test_the_document_holds_the_unmet_operation() -> None:
    paths = api_v1.get_openapi_schema(path_prefix="/api/v1")["paths"]
    operation = paths["/api/v1/insights/unmet/"]["get"]
    assert set(operation["responses"]) >= {200, 400, 401, 403}


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"quarter": "2021-Q4"}, {"quarter": "nope"}])
def test_the_tables_conform_to_the_document(analyst_token, query) -> None:
    operation = schema["/api/v1/insights/unmet/"]["GET"]
    case = operation.Case(query=query)
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {analyst_token}"},
        excluded_checks=[positive_data_acceptance],
    )
    assert response.status_code == (400 if query.get("quarter") == "nope" else 200)
    if response.status_code == 200:
        tables = response.json()["tables"]
        assert any(
            f["suppressed"] for t in tables for r in t["rows"] for f in r["figures"].values()
        )
