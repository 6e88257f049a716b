"""The need vocabulary file and how a query is read with it (no database)."""

from __future__ import annotations

import csv
import json

import pytest

from commonweal.directory.search.evaluation import load_relevance_set
from commonweal.directory.search.query import _languages
from commonweal.directory.search.text import STOP_WORDS, content_words, normalise, words
from commonweal.directory.search.vocabulary import (
    VOCABULARY_FILE,
    VocabularyError,
    expand,
    find_phrases,
    vocabulary,
)
from commonweal.directory.sources.open_eligibility import BUNDLED_FILE


def _codes_in_taxonomy() -> set[str]:
    with BUNDLED_FILE.open(encoding="utf-8") as file:
        codes = {row["id"] for row in csv.DictReader(file)}
    return codes | {"1206a"}  # the reader's code for Primary Care (see data/README.md)


def test_every_code_is_an_open_eligibility_term() -> None:
    known = _codes_in_taxonomy()
    unknown = {c for e in vocabulary().entries for c in e.codes if c not in known}
    assert not unknown


def test_every_entry_has_english_and_spanish_phrases_that_can_match() -> None:
    raw = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    for entry in raw["entries"]:
        assert entry["en"] and entry["es"], entry["codes"]
        for phrase in entry["en"] + entry["es"]:
            assert phrase == phrase.lower().strip(), phrase
    # Breadth: every top-level service category and most of the taxonomy's names.
    codes = {c for e in vocabulary().entries for c in e.codes}
    for top in (
        "1101",
        "1102",
        "1103",
        "1104",
        "1105",
        "1106",
        "1107",
        "1108",
        "1109",
        "1110",
        "1111",
    ):
        assert top in codes
    assert len(vocabulary().entries) >= 150


def test_phrases_are_matched_on_stems_in_their_language() -> None:
    def codes(words: str) -> set[str]:
        return {c for m in find_phrases(content_words(words)) for c in m.entry.codes}

    assert "1116" in codes("paying the rent")  # "pay rent", stemmed
    assert "1116" in codes("alquileres")
    assert "1119" in codes("la luz")
    # The Spanish stemmer cuts "medicaid" and "médico" alike; matching stays in one language.
    assert "1202" not in codes("médicos")
    assert "1206a" in codes("médicos")


def test_the_longest_phrase_wins_where_phrases_overlap() -> None:
    matches = find_phrases(content_words("food stamps"))
    assert [m.phrase for m in matches] == ["food stamps"]


def test_a_language_is_a_preference_only_with_a_cue() -> None:
    vocab = vocabulary()

    def read(text: str) -> list[str]:
        return _languages(text.split(), vocab)[0]

    assert read("therapist who speaks vietnamese") == ["vi"]
    assert read("doctor que hable creole") == ["ht"]
    assert read("abogado en espanol") == ["es"]
    assert read("spanish speaking dentist") == ["es"]
    assert read("english classes") == []
    assert read("clases de ingles") == []


def test_common_words_are_not_needs_or_stop_words_by_accident() -> None:
    vocab = vocabulary()
    assert "stop" in vocab.common_words and "free" in vocab.common_words
    assert not ({"no", "sin", "not"} & STOP_WORDS)  # "no food", "sin casa" mean something


# ---------------------------------------------------------------- word classes


def test_a_word_class_stands_for_one_phrase_per_member_in_the_phrase_language() -> None:
    classes = {"relative": {"en": ["mother", "husband"], "es": ["madre", "esposo"]}}

    assert expand("lost my {relative}", "en", classes) == ["lost my mother", "lost my husband"]
    assert expand("perdí a mi {relative}", "es", classes) == [
        "perdí a mi madre",
        "perdí a mi esposo",
    ]
    assert expand("rent", "en", classes) == ["rent"]
    with pytest.raises(VocabularyError, match="unknown word class 'pet'"):
        expand("lost my {pet}", "en", classes)


def test_class_members_are_words_a_phrase_keeps() -> None:
    # A member that is a stop word ("son" is one in Spanish) would vanish from the phrase
    # and leave a phrase that matches far too much ("lost my son" → "lost").
    raw = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    for name, by_language in raw["word_classes"].items():
        for language, members in by_language.items():
            for member in members:
                assert content_words(member) == words(member), (name, language, member)


def test_losing_a_family_member_is_grief_in_both_languages_but_losing_a_job_is_not() -> None:
    def codes(text: str) -> set[str]:
        return {c for m in find_phrases(content_words(text)) for c in m.entry.codes}

    assert "1186" in codes("lost my wife last month")
    assert "1186" in codes("perdí a mi papá")
    assert "1186" in codes("murió mi abuela")
    assert "1186" not in codes("lost my job")
    assert "1186" not in codes("perdí mi identificación")


# ---------------------------------------------------------------- written apart from the set

# Relevance queries that are also vocabulary phrases because they are the everyday name of
# the service itself, which a vocabulary holds whatever any test says ("silla de ruedas"
# is how Spanish says wheelchair). Nothing else may coincide: the set measures how search
# generalises, and a query copied into the vocabulary measures nothing. A one-word query
# ("diapers") is a term, not a way of saying something, and is not checked.
STANDARD_NAMES = frozenset(
    {
        "asilo politico",
        "baby formula",
        "bus pass",
        "clases de ingles",
        "cuido de ninos",
        "estampillas de comida",
        "examen de la vista",
        "pase de autobus",
        "silla de ruedas",
        "std testing",
        "violencia domestica",
    }
)


def _phrases() -> set[str]:
    return {normalise(p) for entry in vocabulary().entries for p in entry.phrases}


def _queries() -> list[str]:
    return [q.q for q in load_relevance_set()]


def _copied(queries: list[str], phrases: set[str]) -> set[str]:
    """Queries of more than one word that are, normalised, a vocabulary phrase."""
    found = {normalise(q) for q in queries}
    return {q for q in found if len(q.split()) > 1 and q in phrases} - STANDARD_NAMES


def _long_copies(queries: list[str], phrases: set[str]) -> set[tuple[str, ...]]:
    """Phrases of three content words or more that say exactly what a query says, compared
    as the matcher reads them (content words), so stop words and accents hide nothing."""
    said = {tuple(content_words(q)) for q in queries}
    return {p for p in (tuple(content_words(p)) for p in phrases) if len(p) >= 3} & said


def test_no_relevance_query_is_a_vocabulary_phrase() -> None:
    phrases = _phrases()

    assert not _copied(_queries(), phrases)
    # The exceptions stay real: each is still a query and still a phrase.
    assert STANDARD_NAMES <= {normalise(q) for q in _queries()} & phrases


def test_no_vocabulary_phrase_of_three_words_or_more_says_what_a_query_says() -> None:
    assert not _long_copies(_queries(), _phrases())


def test_the_copy_checks_catch_a_copied_query() -> None:
    query = "Food pantry for my family, open Sunday"
    copy = "food pantry for the family open on sunday"  # the same content words

    assert _copied([query], _phrases() | {normalise(query)}) == {normalise(query)}
    assert _long_copies([query], _phrases() | {copy}) == {
        ("food", "pantry", "family", "open", "sunday")
    }
    assert not _copied([query], _phrases()) and not _long_copies([query], _phrases())
