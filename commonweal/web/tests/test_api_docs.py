from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_it_serves_the_api_docs_without_any_third_party_script(client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "jsdelivr" not in page and "unpkg" not in page


@pytest.mark.django_db
def test_it_publishes_an_openapi_document(client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/accounts/me" in document["paths"]
