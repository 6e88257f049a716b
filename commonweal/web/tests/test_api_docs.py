from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_it_serves_a_reference_of_every_operation_as_plain_html(client) -> None:
    from commonweal.api import api_v1

    page = client.get("/api/v1/docs").content.decode()
    document = api_v1.get_openapi_schema()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f"<code>{method.upper()} {path}</code>" in page
            assert f'id="{operation["operationId"]}"' in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "swagger" not in page.lower()
    assert 'href="/api/v1/openapi.json"' in page


def test_it_describes_schemas_in_a_few_words() -> None:
    from commonweal.web.api_reference import type_of

    assert type_of({"$ref": "#/components/schemas/MeOut"}) == "MeOut"
    assert type_of({"type": "array", "items": {"$ref": "#/x/Result"}}) == "array of Result"
    assert type_of({"type": "string", "format": "uuid"}) == "string (uuid)"
    assert type_of({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer or null"
    assert type_of(None) == ""


@pytest.mark.django_db
def test_it_publishes_an_openapi_document(client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/accounts/me" in document["paths"]
