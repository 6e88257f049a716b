"""The 503 page when the database cannot be reached (commonweal/web/database_down.py).

Tests without a django_db mark run with database access blocked by pytest-django: any
query there would raise instead of answering, so they also prove the page needs none.
The real outage (a server behind a proxy that stops) is tests/system/test_faults_database_down.py.
"""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import Client

from commonweal.web import database_down

CRISIS_LINES = ("tel:988", "741741", "tel:911")


def outage(*args: object, **kwargs: object) -> None:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def client_seeing_errors() -> Client:
    return Client(raise_request_exception=False)


def assert_crisis_page(response, title: str = "Temporarily unavailable") -> str:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(database_down.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert title in html
    for line in CRISIS_LINES:
        assert line in html
    return html


def test_it_answers_503_with_the_crisis_lines_when_a_view_cannot_reach_the_database(
    client_seeing_errors, monkeypatch
) -> None:
    monkeypatch.setattr("commonweal.web.views.browse.top_categories", outage)
    response = client_seeing_errors.get("/")
    html = assert_crisis_page(response)
    assert 'lang="en"' in html
    # The site's policies still apply to the error page.
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_it_answers_in_the_language_the_browser_asks_for(client_seeing_errors, monkeypatch) -> None:
    monkeypatch.setattr("commonweal.web.views.browse.top_categories", outage)
    response = client_seeing_errors.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert 'lang="es"' in assert_crisis_page(response, "No disponible por el momento")
    assert response["Content-Language"] == "es"


def test_it_answers_503_when_the_session_store_fails_in_a_middleware(
    client_seeing_errors, monkeypatch
) -> None:
    # A signed-in visitor: the session is read by the auth and two-step middleware,
    # before any view runs, and Django turns that failure into a 500 on its way out.
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", outage)
    client_seeing_errors.cookies["sessionid"] = "a" * 32
    response = client_seeing_errors.get("/accounts/")
    assert_crisis_page(response)
    assert "sessionid" not in response.cookies


def test_it_answers_the_api_with_503_json(client_seeing_errors, monkeypatch) -> None:
    monkeypatch.setattr("commonweal.accounts.api_auth.BearerToken.authenticate", outage)
    response = client_seeing_errors.get(
        "/api/v1/referrals/", HTTP_AUTHORIZATION="Bearer not-checked"
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "database-unavailable"
    assert response["Retry-After"] == str(database_down.RETRY_AFTER_SECONDS)


def test_the_health_check_says_503_in_json_for_load_balancers(
    client_seeing_errors, monkeypatch
) -> None:
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", outage)
    response = client_seeing_errors.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "database-unavailable"


def test_it_leaves_other_errors_as_500(client_seeing_errors, monkeypatch) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("commonweal.web.views.browse.top_categories", bug)
    response = client_seeing_errors.get("/")
    assert response.status_code == 500
    assert "Temporarily unavailable" not in response.content.decode()


@pytest.mark.django_db
def test_the_page_itself_makes_no_query(django_assert_num_queries, rf) -> None:
    request = rf.get("/search/?q=food", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(0):
        response = database_down.unavailable_response(request)
    assert_crisis_page(response)


@pytest.mark.django_db
def test_pages_answer_normally_while_the_database_is_up(client) -> None:
    assert client.get("/").status_code == 200
