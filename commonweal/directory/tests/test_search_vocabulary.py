"""The need vocabulary file and how a query is read with it (no database)."""

from __future__ import annotations

import csv
import json

from commonweal.directory.search.query import _languages
from commonweal.directory.search.text import STOP_WORDS, content_words
from commonweal.directory.search.vocabulary import VOCABULARY_FILE, find_phrases, vocabulary
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
    assert "1206" in codes("médicos")


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
