"""Property tests: any text at all, given to the search function or the API, gives a
well-formed answer and never an error."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonweal.directory.search import engine
from commonweal.directory.search.query import reset_dictionary
from commonweal.directory.search.types import SearchRequest, SearchResponse
from commonweal.directory.tests.search_directory import build_search_directory

# Text people type, and text attackers type: FTS5 and tsquery syntax, SQL, unicode.
SYNTAX = st.sampled_from(
    [
        '"',
        "*",
        "NEAR(",
        "OR",
        "AND",
        "NOT",
        "-",
        "^",
        ":",
        "(",
        ")",
        "'",
        ";",
        "--",
        "|",
        "&",
        "!",
        "<->",
        "\\",
        "%",
        "_",
    ]
)
WORDS = st.sampled_from(
    ["food", "rent", "renta", "médico", "near", "33135", "en", "Hialeah", "speaks", "creole", "me"]
)
QUERY = st.lists(st.one_of(st.text(max_size=30), SYNTAX, WORDS), max_size=12).map(" ".join)

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def directory(db):
    reset_dictionary()
    # English labels ("Spanish", "1.2 mi"), whatever language an earlier test left active.
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


@HYPOTHESIS
@given(
    q=QUERY,
    near=st.one_of(
        st.just(""), st.text(max_size=20), st.sampled_from(["33135", "99999", "Hialeah"])
    ),
    radius=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    page=st.integers(min_value=-5, max_value=10_000),
    per_page=st.integers(min_value=-5, max_value=1000),
)
def test_the_search_function_answers_any_text(directory, q, near, radius, page, per_page) -> None:
    response = engine.search(
        SearchRequest(q=q, near=near, radius_km=radius, page=page, per_page=per_page)
    )
    assert isinstance(response, SearchResponse)
    assert response.total >= len(response.hits) >= 0
    assert 1 <= response.request.per_page <= 100
    assert len(response.hits) <= response.request.per_page
    assert all(isinstance(w, str) for hit in response.hits for w in hit.why)


@HYPOTHESIS
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "near",
                "lat",
                "lon",
                "radius_km",
                "category",
                "open_now",
                "open_at",
                "language",
                "free",
                "page",
                "per_page",
            ]
        ),
        st.one_of(
            st.text(max_size=40), QUERY, st.from_regex(r"-?\d{1,4}(\.\d{1,3})?", fullmatch=True)
        ),
        max_size=6,
    )
)
def test_the_api_answers_any_parameters_with_json(client, directory, params) -> None:
    response = client.get("/api/v1/search", params)
    assert response.status_code in (200, 400)
    body = response.json()
    if response.status_code == 400:
        assert isinstance(body["detail"], str) and body["detail"]
    else:
        assert isinstance(body["crisis"], bool)
        assert isinstance(body["total"], int)
        assert isinstance(body["results"], list)
        for result in body["results"]:
            assert isinstance(result["name"], str)
            assert result["distance_km"] is None or result["distance_km"] >= 0
            assert result["open_now"] in (True, False, None)
