"""The load balancer's probes: /livez never touches the database, /readyz does."""

from __future__ import annotations

import pytest
from django.db import OperationalError


def refuse(*args: object, **kwargs: object) -> None:
    raise OperationalError("connection refused")


@pytest.mark.django_db
def test_livez_answers_without_any_query(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_livez_answers_while_the_database_is_down(client, monkeypatch) -> None:
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", refuse)
    assert client.get("/livez").status_code == 200


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_cache(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "cache": True}}


@pytest.mark.django_db
def test_readyz_says_503_when_the_database_is_down(client, monkeypatch) -> None:
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": False, "cache": True},
    }
    assert "refused" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_says_503_when_the_cache_is_missing(client, settings) -> None:
    # The database cache before `createcachetable`: its table does not exist.
    settings.CACHES = {
        "default": {
            "BACKEND": "commonweal.lib.database_cache.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "cache": False}


def test_probes_over_plain_http_are_not_redirected(client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/livez").status_code == 200
    assert client.get("/about/").status_code == 301
