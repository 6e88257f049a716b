"""/api/v1/insights/gaps/: the same analysis as the page, for the same people, by token."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from commonweal.accounts.tokens import create_token
from commonweal.insights import gap_export, gap_report, gaps
from commonweal.insights.supply import supply_for_category
from commonweal.insights.tests.test_gap_views import counselling  # noqa: F401 (fixture)

API = "/api/v1/insights/gaps/"


def _get(user, path: str, **query: str):
    headers = {}
    if user is not None:
        _token, raw = create_token(user=user, name="test")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return Client().get(API + path, query, **headers)


def test_it_lists_the_categories_it_can_analyse(analyst, counselling) -> None:  # noqa: F811
    response = _get(analyst, "")
    assert response.status_code == 200
    assert response.json() == [{"code": "MH", "name": "Mental health"}]


def test_it_ranks_areas_with_the_summary_and_the_parameters_echoed(analyst, counselling) -> None:  # noqa: F811
    response = _get(analyst, "MH", method="e2sfca", limit="10", min_population="0")
    assert response.status_code == 200
    data = response.json()
    expected = gaps.compute(
        gap_report.bundled_areas(), supply_for_category("MH").sites, method="e2sfca", max_cost=30
    ).ranked(top=10)
    assert [a["id"] for a in data["areas"]] == [r.id for r in expected]
    assert [a["score"] for a in data["areas"]] == [r.score for r in expected]
    first = data["areas"][0]
    assert set(first) == {
        "rank",
        "id",
        "name",
        "population",
        "score",
        "sites_in_reach",
        "lat",
        "lon",
    }
    assert first["rank"] == 1 and 24 < first["lat"] < 27 and -83 < first["lon"] < -79
    assert data["parameters"]["method"] == "e2sfca"
    assert data["parameters"]["steps"] == "10:1,20:0.68,30:0.22"
    assert data["summary"]["areas"] == 1153 and data["summary"]["sites"] == 3
    assert data["message"] is None and data["regions"] == [] and data["need"] is None


def test_it_rolls_up_and_normalises_on_request(coalition_admin, counselling) -> None:  # noqa: F811
    data = _get(coalition_admin, "MH", by="county", scale="normalized").json()
    assert [r["id"] for r in data["regions"]][0] == "12087"
    assert data["score_unit"] == "relative to the population-weighted mean"


def test_its_geojson_variant_is_the_export(superuser, counselling) -> None:  # noqa: F811
    response = _get(superuser, "MH/geojson", method="gravity")
    result = gaps.compute(
        gap_report.bundled_areas(), supply_for_category("MH").sites, method="gravity",
        max_cost=30, min_cost=1.0,
    )  # fmt: skip
    listed = gap_report.subset(result, result.areas.population >= 100)
    assert response.json() == json.loads(json.dumps(gap_export.geojson(listed)))


@pytest.mark.parametrize("who", ["navigator", "partner_staff", "resident"])
def test_it_refuses_everyone_else(who, counselling, request) -> None:  # noqa: F811
    user = request.getfixturevalue(who)
    for path in ("", "MH", "MH/geojson"):
        response = _get(user, path)
        assert response.status_code == 403
        assert "coalition admins, analysts and superusers" in response.json()["detail"]


def test_it_wants_credentials(counselling) -> None:  # noqa: F811
    assert _get(None, "MH").status_code == 401


@pytest.mark.parametrize(
    ("path", "query", "said"),
    [
        ("NOPE", {}, "category: no taxonomy term has the code 'NOPE'"),
        ("MH", {"radius_km": "-1"}, "radius_km: Catchment distance must be more than 0"),
        ("MH", {"method": "kriging"}, "Method: “kriging” is not one of 2sfca"),
        ("MH", {"limit": "0"}, "limit: '0' is not a whole number"),
        ("MH", {"steps": "10:1:2"}, "Distance bands"),
        ("MH/geojson", {"beta": "-2"}, "Gravity exponent"),
    ],
)
def test_it_refuses_bad_parameters_by_name(analyst, counselling, path, query, said) -> None:  # noqa: F811
    response = _get(analyst, path, **query)
    assert response.status_code == 400
    assert said in response.json()["detail"]


def test_a_category_without_services_is_an_explicit_empty_result(analyst, counselling) -> None:  # noqa: F811
    data = _get(analyst, "SHELTER").json()
    assert data["areas"] == [] and "nothing to measure" in data["message"]
    geo = _get(analyst, "SHELTER/geojson").json()
    assert geo["features"] == [] and geo["message"] == gaps.NO_SERVICES


def _fuzzed_operations():  # built at import, like the project's own fuzz test
    import schemathesis

    from commonweal.api import api_v1
    from commonweal.wsgi import application

    loaded = schemathesis.openapi.from_dict(api_v1.get_openapi_schema(path_prefix="/api/v1"))
    loaded.app = application
    return loaded.include(path_regex=r"/insights/gaps/")


FUZZED = _fuzzed_operations()


@pytest.fixture
def analyst_token(analyst, counselling, in_process_wsgi) -> str:  # noqa: F811
    _token, raw = create_token(user=analyst, name="fuzz")
    return raw


@FUZZED.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_conforms_to_its_document_for_an_analyst(analyst_token, case) -> None:
    """Schemathesis as someone allowed in (the project-wide fuzz runs as a navigator, who
    only ever meets the 403): any category and parameter values, never a 500 or a body
    that breaks the documented schema."""
    case.call_and_validate(
        headers={"Authorization": f"Bearer {analyst_token}"},
        excluded_checks=[positive_data_acceptance],
    )
