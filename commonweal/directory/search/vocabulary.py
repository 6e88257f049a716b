"""The need vocabulary: everyday words (English and Spanish) → taxonomy codes, from data.

`data/need_vocabulary.json` holds entries `{"codes": [...], "en": [...], "es": [...]}`
(Open Eligibility codes; a code stands for every term of that name and its descendants),
plus language names and the cue words that make a language name a preference ("speaks
Vietnamese", "en español"). Phrases and queries are compared as sequences of stems after
the same normalisation (`text.py`), so "paying rent", "pay the rent" and "rent" all meet
the entry whose phrases include "pay rent" and "rent".

A phrase may name a word class in braces ("lost my {relative}"): it stands for one phrase
per word of that class in the phrase's language (`word_classes` in the file), so a way of
saying something is written once for every family member rather than listed by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from commonweal.directory.search.text import content_words, stem_in, stems, words

LANGUAGES = ("en", "es")

VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "data" / "need_vocabulary.json"


@dataclass(frozen=True)
class Entry:
    codes: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class PhraseMatch:
    """One vocabulary phrase found in a query: words start..end (content-word positions)."""

    phrase: str
    entry: Entry
    start: int
    end: int


@dataclass(frozen=True)
class Vocabulary:
    entries: tuple[Entry, ...]
    # (language, first word's stem) → (phrase stems per word, phrase text, entry)
    by_first_stem: dict[tuple[str, str], tuple[tuple[tuple[frozenset[str], ...], str, Entry], ...]]
    known_words: frozenset[str]
    common_words: frozenset[str]  # everyday words that are not needs ("free", "stop")
    known_stems: frozenset[str]
    languages: dict[tuple[str, ...], str]  # normalised name words → ISO code
    language_cues: frozenset[str]
    # Words matched only as written: their stem is also the stem of an unrelated everyday
    # word ("duelo", grief, and "me duele", it hurts, are both "duel").
    unstemmed: frozenset[str] = frozenset()


def _word_forms(
    word: str, language: str, unstemmed: frozenset[str] = frozenset()
) -> frozenset[str]:
    """A word and its stem in one language: a phrase word matches a query word when
    these meet. Stems are compared within the phrase's language only, since across
    languages Snowball stems collide ("medicaid" and "médico" are both "medic" in Spanish).
    An unstemmed word is only itself."""
    if word in unstemmed:
        return frozenset((word,))
    return frozenset((word, stem_in(word, language)))


_SLOT = re.compile(r"\{([a-z_]+)\}")


class VocabularyError(ValueError):
    """The vocabulary file names a word class it does not define."""


def expand(phrase: str, language: str, classes: dict[str, dict[str, list[str]]]) -> list[str]:
    """The phrases a phrase stands for: itself, or one per word of each class it names
    ("perdí a mi {relative}" → "perdí a mi madre", "perdí a mi hijo", …)."""
    found = _SLOT.search(phrase)
    if found is None:
        return [phrase]
    name = found.group(1)
    members = classes.get(name, {}).get(language)
    if not members:
        raise VocabularyError(f"the phrase {phrase!r} names an unknown word class {name!r}")
    out: list[str] = []
    for member in members:
        filled = phrase[: found.start()] + member + phrase[found.end() :]
        out.extend(expand(filled, language, classes))
    return out


def _build(raw: dict) -> Vocabulary:
    entries: list[Entry] = []
    index: dict[tuple[str, str], list[tuple[tuple[frozenset[str], ...], str, Entry]]] = {}
    known: set[str] = set()
    classes = raw.get("word_classes", {})
    unstemmed = frozenset(w for word in raw.get("unstemmed_words", ()) for w in words(word))
    for item in raw["entries"]:
        english = {p for t in item.get("en", ()) for p in expand(t, "en", classes)}
        # A phrase in both lists ("medicaid") is a name, matched as English: the Spanish
        # stemmer would cut it to a stem shared with unrelated words ("médico").
        by_language = [("en", p) for t in item.get("en", ()) for p in expand(t, "en", classes)]
        by_language += [
            ("es", p)
            for t in item.get("es", ())
            for p in expand(t, "es", classes)
            if p not in english
        ]
        phrases = tuple(dict.fromkeys(p for _lang, p in by_language))
        entry = Entry(codes=tuple(str(c) for c in item["codes"]), phrases=phrases)
        entries.append(entry)
        for lang, phrase in by_language:
            tokens = content_words(phrase)
            if not tokens:
                continue  # a phrase made only of stop words ("will") cannot be matched
            known.update(tokens)
            stem_seq = tuple(_word_forms(t, lang, unstemmed) for t in tokens)
            for first in stem_seq[0]:
                index.setdefault((lang, first), []).append((stem_seq, phrase, entry))
    languages: dict[tuple[str, ...], str] = {}
    for code, names in raw.get("languages", {}).items():
        for name in names:
            languages[tuple(words(name))] = code
    # Everyday words that are not needs ("stop", "pagar"): known, so never "corrected".
    common = {w for word in raw.get("common_words", ()) for w in words(word)}
    known.update(common)
    known_stems = {s for word in known for s in stems(word)}
    return Vocabulary(
        entries=tuple(entries),
        by_first_stem={k: tuple(v) for k, v in index.items()},
        known_words=frozenset(known),
        common_words=frozenset(common),
        known_stems=frozenset(known_stems),
        languages=languages,
        language_cues=frozenset(raw.get("language_cues", ())),
        unstemmed=unstemmed,
    )


@cache
def vocabulary() -> Vocabulary:
    return _build(json.loads(VOCABULARY_FILE.read_text(encoding="utf-8")))


def find_phrases(query_words: list[str], vocab: Vocabulary | None = None) -> list[PhraseMatch]:
    """The vocabulary phrases in a list of content words, longest first where they
    overlap: a phrase inside a longer matched phrase ("food" in "food stamps") is dropped,
    so the specific need wins over the general one."""
    vocab = vocab or vocabulary()
    forms = {
        lang: [_word_forms(w, lang, vocab.unstemmed) for w in query_words] for lang in LANGUAGES
    }
    found: list[PhraseMatch] = []
    for i in range(len(query_words)):
        seen: set[tuple[str, int]] = set()
        for lang in LANGUAGES:
            query_forms = forms[lang]
            for first in query_forms[i]:
                for stem_seq, phrase, entry in vocab.by_first_stem.get((lang, first), ()):
                    end = i + len(stem_seq)
                    if end > len(query_words) or (phrase, end) in seen:
                        continue
                    if all(stem_seq[k] & query_forms[i + k] for k in range(len(stem_seq))):
                        seen.add((phrase, end))
                        found.append(PhraseMatch(phrase=phrase, entry=entry, start=i, end=end))
    kept = [
        m
        for m in found
        if not any(
            o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
            for o in found
        )
    ]
    return kept
