"""Query understanding: spelling correction never touches a crisis word, and the dictionary
of known words is kept at index time, read once per index generation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from commonweal.directory.models import Service
from commonweal.directory.search import engine, index, query
from commonweal.directory.search.query import is_crisis_word, parse, reset_dictionary
from commonweal.directory.search.types import CrisisLevel, SearchRequest
from commonweal.directory.search.vocabulary import vocabulary
from commonweal.directory.tests.search_directory import add, build_search_directory


@pytest.fixture
def directory(db):
    reset_dictionary()
    with translation.override("en"):
        yield build_search_directory()
    reset_dictionary()


def test_crisis_lexicon_words_are_known_to_the_query() -> None:
    assert is_crisis_word("kill")
    assert is_crisis_word("suicidal")  # "suicid*" in the lexicon
    assert not is_crisis_word("pantry")


def test_a_crisis_word_is_never_corrected(directory, monkeypatch) -> None:
    # "Bill" is in the directory, one edit from "kill": without the rule this read
    # "bill myself".
    add(directory.organization, "Bill Payment Help", description="Help with a bill.")
    index.refresh()
    assert query.correct("kill", vocabulary()) is None
    with monkeypatch.context() as without_rule:
        without_rule.setattr(query, "is_crisis_word", lambda word: False)
        assert query.correct("kill", vocabulary()) == "bill"
    response = engine.search(SearchRequest(q="kill myself"))
    assert response.interpretation.corrections == ()
    assert "kill" in response.interpretation.terms
    assert response.crisis == CrisisLevel.EMERGENCY


def test_an_ordinary_misspelling_near_a_directory_word_is_still_corrected(directory) -> None:
    add(directory.organization, "Bill Payment Help", description="Help with a bill.")
    index.refresh()
    # "bilk" is no crisis word: the rule above is narrow.
    assert parse("bilk").corrections == (("bilk", "bill"),)


def test_words_of_a_new_service_become_known_without_reading_the_directory(directory) -> None:
    index.refresh()
    # Unknown yet, and two edits from "dentist": corrected.
    assert parse("dentino").corrections == (("dentino", "dentist"),)
    add(directory.organization, "Dentino Kids Clinic", description="Dance for seniors.")
    assert index.refresh() == 1
    assert parse("dentino").corrections == ()
    stems, names = index.known_words()
    assert "dentino" in names
    assert "danc" in stems


def test_the_dictionary_is_read_once_per_index_generation(directory) -> None:
    index.refresh()
    parse("dentsit")  # builds it
    with CaptureQueriesContext(connection) as queries:
        parse("dentsit")
    # Only the generation token is read again, never the words or the directory.
    assert len(queries) == 1
    assert index.STATE_TABLE in queries[0]["sql"]
    Service.objects.filter(pk=directory.dental.pk).update(description="Braces for teens.")
    index.refresh()
    with CaptureQueriesContext(connection) as queries:
        parse("dentsit")
    assert any(index.WORD_TABLE in q["sql"] for q in queries)


def test_a_full_reindex_and_fill_words_rebuild_the_known_words(directory) -> None:
    index.reindex_all()
    before = index.known_words()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index.WORD_TABLE}")
    assert index.known_words() == (set(), set())
    index.fill_words()
    after = index.known_words()
    assert after[1] == before[1]
    assert before[0] <= after[0]
    assert parse("dentsit").corrections == (("dentsit", "dentist"),)


def test_a_search_with_nothing_marked_refreshes_in_one_query(directory) -> None:
    index.refresh()
    with CaptureQueriesContext(connection) as queries:
        assert index.refresh() == 0
    assert len(queries) == 1
