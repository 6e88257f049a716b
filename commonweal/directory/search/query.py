"""Query understanding: from what a person typed to what the engine looks for.

Steps, each driven by data rather than code: split off the place (PLACES' `extract_place`,
done by the engine), normalise and drop stop words (`text.py`), read named languages as a
preference ("speaks Vietnamese", "en español"), correct misspellings to the nearest known
word (the need vocabulary, taxonomy names and the names in the directory, within a small
edit distance), and find the need vocabulary's phrases (→ taxonomy codes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from threading import Lock

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from commonweal.directory.models import TaxonomyTerm
from commonweal.directory.search import index
from commonweal.directory.search.text import (
    MAX_QUERY_WORDS,
    STOP_WORDS,
    stems,
    truncate_query,
    words,
)
from commonweal.directory.search.vocabulary import PhraseMatch, Vocabulary, find_phrases, vocabulary

MIN_CORRECTABLE_LENGTH = 4


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()  # content words searched, after correction
    phrases: tuple[PhraseMatch, ...] = ()
    languages: tuple[str, ...] = ()  # ISO codes named in the query
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def stem_groups(self) -> tuple[tuple[str, ...], ...]:
        """Per searched word, its stems (any of them matches)."""
        return tuple(stems(w) for w in self.words)


@dataclass
class _Dictionary:
    generation: str | None = None  # the index's generation it was read at (None: never)
    stems: frozenset[str] = frozenset()
    targets: list[str] = field(default_factory=list)


_dictionary = _Dictionary()
_dictionary_lock = Lock()


def _name_words(values: list[str]) -> set[str]:
    found: set[str] = set()
    for value in values:
        found.update(w for w in words(value) if len(w) >= 3 and not w.isdigit())
    return found


def dictionary(vocab: Vocabulary) -> _Dictionary:
    """Known stems (to tell a misspelling from a rare word) and correction targets
    (readable words, vocabulary first so a tie goes to the everyday word).

    The directory's words are kept by the index as it writes documents
    (`index.known_words`), so this reads one small table, never the directory; it is
    read again only when the index's generation token has changed (after an import, a
    reindex or an edit), which costs one indexed lookup per query."""
    global _dictionary
    current = index.generation()
    if _dictionary.generation == current:
        return _dictionary
    with _dictionary_lock:
        if _dictionary.generation == current:
            return _dictionary
        index_stems, index_names = index.known_words()
        names = index_names | _name_words(list(TaxonomyTerm.objects.values_list("name", flat=True)))
        vocab_words = sorted(vocab.known_words)
        targets = vocab_words + sorted(names - vocab.known_words)
        known = index_stems | vocab.known_stems
        known.update(s for w in names for s in stems(w))
        _dictionary = _Dictionary(generation=current, stems=frozenset(known), targets=targets)
    return _dictionary


def reset_dictionary() -> None:
    """Forget the cached dictionary (tests)."""
    global _dictionary
    _dictionary = _Dictionary()


@cache
def _crisis_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The words of the crisis lexicon's phrases, and its word prefixes ("suicid*")."""
    from commonweal.lib.crisis import load_lexicon

    plain: set[str] = set()
    prefixes: set[str] = set()
    for term in load_lexicon().terms:
        for word in term.phrase.split():
            if word.endswith("*"):
                prefixes.add(word[:-1])
            elif word != "#":
                plain.add(word)
    return frozenset(plain), tuple(sorted(prefixes))


def is_crisis_word(word: str) -> bool:
    """Whether `word` belongs to the crisis lexicon: such a word is never "corrected"
    ("kill myself" must not become "bill myself"), whatever the directory holds."""
    plain, prefixes = _crisis_words()
    return word in plain or word.startswith(prefixes)


def _max_edits(word: str) -> int:
    return 1 if len(word) < 7 else 2


def correct(word: str, vocab: Vocabulary) -> str | None:
    """The known word nearest to an unknown `word`, or None when it is known or nothing
    is close enough."""
    if len(word) < MIN_CORRECTABLE_LENGTH or not word.isalpha():
        return None
    if word in vocab.known_words or is_crisis_word(word):
        return None
    known = dictionary(vocab)
    if any(s in known.stems for s in stems(word)):
        return None
    found = process.extractOne(
        word, known.targets, scorer=Levenshtein.distance, score_cutoff=_max_edits(word)
    )
    return found[0] if found else None


def _languages(all_words: list[str], vocab: Vocabulary) -> tuple[list[str], set[int]]:
    """Languages named with a cue ("speaks X", "en X", "X speaking") and the positions of
    the words that named them (cue and name), which are not searched as text."""
    codes: list[str] = []
    used: set[int] = set()
    longest = max((len(k) for k in vocab.languages), default=0)
    i = 0
    while i < len(all_words):
        matched = False
        for size in range(min(longest, len(all_words) - i), 0, -1):
            code = vocab.languages.get(tuple(all_words[i : i + size]))
            if code is None:
                continue
            before = [j for j in (i - 1, i - 2) if j >= 0]
            cue_at = next((j for j in before if all_words[j] in vocab.language_cues), None)
            # "who speaks", "que hable": a cue may sit one stop word further back.
            if cue_at == i - 2 and all_words[i - 1] not in STOP_WORDS:
                cue_at = None
            after = i + size
            if (
                cue_at is None
                and after < len(all_words)
                and all_words[after] in vocab.language_cues
            ):
                cue_at = after
            if cue_at is not None:
                if code not in codes:
                    codes.append(code)
                used.update(range(i, i + size))
                used.add(cue_at)
                i += size
                matched = True
            break
        if not matched:
            i += 1
    return codes, used


def parse(text: str, vocab: Vocabulary | None = None) -> ParsedQuery:
    """Read the need part of a query (the place already taken out)."""
    vocab = vocab or vocabulary()
    all_words = words(truncate_query(text))[: MAX_QUERY_WORDS * 2]
    languages, used = _languages(all_words, vocab)
    content = [w for k, w in enumerate(all_words) if k not in used and w not in STOP_WORDS]
    content = content[:MAX_QUERY_WORDS]
    corrections: list[tuple[str, str]] = []
    searched: list[str] = []
    for word in content:
        fixed = correct(word, vocab)
        if fixed is not None and fixed != word:
            corrections.append((word, fixed))
            searched.append(fixed)
        else:
            searched.append(word)
    return ParsedQuery(
        words=tuple(searched),
        phrases=tuple(find_phrases(searched, vocab)),
        languages=tuple(languages),
        corrections=tuple(corrections),
    )
