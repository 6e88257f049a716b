"""The words search reads: one normalisation for the index and the query."""

from __future__ import annotations

import pytest

from commonweal.directory.search.text import content_words, normalise


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("can't pay rent", "cant pay rent"),
        ("won’t stop drinking", "wont stop drinking"),  # a typographic apostrophe
        ("St. Mary's Clinic", "st marys clinic"),
        ("Médico en español", "medico en espanol"),
        ("'quoted'", "quoted"),  # quotes around words are not apostrophes
    ],
)
def test_apostrophes_join_words_and_accents_go(typed: str, read: str) -> None:
    assert normalise(typed) == read


def test_till_and_contractions_are_not_needs() -> None:
    # "till" was once "corrected" to "bill", turning a food search into bill help.
    assert content_words("no food till Friday") == ["no", "food", "friday"]
    assert content_words("he won't stop drinking") == ["stop", "drinking"]
