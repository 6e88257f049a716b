"""Does a piece of free text (a search, an answer) signal danger, and how strongly?

The words live in data (`crisis_lexicon.json` beside this module); the rule, written out
in docs/search.md ("Crisis first"), is:

- a *danger* phrase (first person, or someone in danger now: "I want to kill myself",
  "he is going to kill me", "overdosed", "quiero matarlo") → EMERGENCY, whatever else
  the text says;
- a *subject* word on its own ("suicide", "overdose", "domestic violence") → EMERGENCY,
  because a person in pain is the likely writer — but TOPIC when a topic marker
  ("prevention", "training", "volunteer", "awareness" …) stands within a few words of it
  ("suicide prevention training volunteer");
- a *topic* word ("naloxone", "poison control") → TOPIC;
- nothing → NONE.

Deliberately broad: a false alarm only puts crisis lines first, a miss can cost a life.
Matching is case-, accent- and apostrophe-insensitive and whole-word ("skills" never
matches "kills"); each phrase may list longer phrases that cancel it ("20 kms").
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from commonweal.directory.search.types import CrisisLevel

LEXICON_FILE = Path(__file__).resolve().parent / "crisis_lexicon.json"
CATEGORIES = ("suicide_self_harm", "overdose_poisoning", "violence")
KINDS = ("danger", "subject", "topic")
LANGUAGES = ("en", "es")
_ORDER = {CrisisLevel.NONE: 0, CrisisLevel.TOPIC: 1, CrisisLevel.EMERGENCY: 2}


class LexiconError(ValueError):
    """The crisis lexicon file is missing, not JSON, or breaks its schema."""


@dataclass(frozen=True)
class CrisisMatch:
    term: str  # the lexicon phrase, e.g. "suicid*"
    found: str  # the words it matched in the normalised text, e.g. "suicide"
    category: str  # one of CATEGORIES
    kind: str  # one of KINDS
    level: CrisisLevel  # this match's level after the topic-marker rule


@dataclass(frozen=True)
class _Term:
    phrase: str
    category: str
    kind: str
    pattern: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[_Term, ...]
    markers: frozenset[str]
    window: int
    # Per category, the taxonomy codes of the services that help in that crisis.
    services: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # Terms by their first word (or first-word prefix, for "suicid*"): only the terms
    # whose first word is in the text are tried, so most texts cost one pass over words.
    _by_first_word: dict[str, tuple[_Term, ...]] = field(init=False, repr=False, compare=False)
    _by_prefix: dict[str, tuple[_Term, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words: dict[str, list[_Term]] = {}
        prefixes: dict[str, list[_Term]] = {}
        for term in self.terms:
            first = term.phrase.split()[0]
            if first.endswith("*"):
                prefixes.setdefault(first[:-1], []).append(term)
            else:
                words.setdefault(first, []).append(term)
        object.__setattr__(self, "_by_first_word", {w: tuple(t) for w, t in words.items()})
        object.__setattr__(self, "_by_prefix", {p: tuple(t) for p, t in prefixes.items()})

    def _candidates(self, normalised: str) -> list[_Term]:
        chosen: set[_Term] = set()
        prefixes = tuple(self._by_prefix)
        for word in set(normalised.split()):
            chosen.update(self._by_first_word.get(word, ()))
            if word.startswith(prefixes):
                for prefix, terms in self._by_prefix.items():
                    if word.startswith(prefix):
                        chosen.update(terms)
        # Lexicon order, so matches come out the same way every time.
        return sorted(chosen, key=self.terms.index) if chosen else []

    def matches(self, text: str) -> tuple[CrisisMatch, ...]:
        normalised = normalise(text)
        if not normalised:
            return ()
        found = []
        for term in self._candidates(normalised):
            for hit in term.pattern.finditer(normalised):
                if any(_covers(u, normalised, hit.span()) for u in term.unless):
                    continue
                level = self._level(term.kind, normalised, hit.span())
                found.append(CrisisMatch(term.phrase, hit.group(), term.category, term.kind, level))
        return tuple(found)

    def _level(self, kind: str, text: str, span: tuple[int, int]) -> CrisisLevel:
        if kind == "danger":
            return CrisisLevel.EMERGENCY
        if kind == "topic":
            return CrisisLevel.TOPIC
        before = text[: span[0]].split()[-self.window :]
        after = text[span[1] :].split()[: self.window]
        near_marker = any(word in self.markers for word in (*before, *after))
        return CrisisLevel.TOPIC if near_marker else CrisisLevel.EMERGENCY


def _covers(pattern: re.Pattern[str], text: str, span: tuple[int, int]) -> bool:
    return any(m.start() <= span[0] and span[1] <= m.end() for m in pattern.finditer(text))


_APOSTROPHES = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, no accents, no apostrophes (don't → dont), words split by single spaces."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", stripped)).strip()


def _compile(phrase: str, where: str) -> re.Pattern[str]:
    """A whole-word pattern for a lexicon phrase: words in order, `*` ends a word freely,
    `#` is a number."""
    words = phrase.split()
    if not words or normalise(phrase.replace("*", "").replace("#", "0")) != " ".join(
        w.replace("*", "").replace("#", "0") for w in words
    ):
        raise LexiconError(
            f"{where}: {phrase!r} must be lower-case words without accents or punctuation "
            "(a trailing * or a # word allowed)"
        )
    parts = []
    for word in words:
        if word == "#":
            parts.append(r"\d+")
        elif word.endswith("*") and "*" not in word[:-1] and len(word) > 1:
            parts.append(re.escape(word[:-1]) + r"\w*")
        elif "*" in word or "#" in word:
            raise LexiconError(f"{where}: {phrase!r}: * only at the end of a word, # alone")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<!\w)" + r" ".join(parts) + r"(?!\w)")


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Read and check a lexicon file; a malformed one raises LexiconError saying where."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the crisis lexicon ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        raise LexiconError(f'{path}: expected an object with "version": 1')

    markers = data.get("topic_markers")
    if not (
        isinstance(markers, dict)
        and isinstance(markers.get("window"), int)
        and markers["window"] > 0
        and _strings(markers.get("words"))
    ):
        raise LexiconError(
            f'{path}: "topic_markers" needs a positive "window" and a list of "words"'
        )
    unless = data.get("unless", {})
    if not isinstance(unless, dict) or not all(_strings(v) for v in unless.values()):
        raise LexiconError(f'{path}: "unless" must map a phrase to a list of phrases')

    terms_by_category = data.get("terms")
    if not isinstance(terms_by_category, dict) or set(terms_by_category) != set(CATEGORIES):
        raise LexiconError(f'{path}: "terms" must have exactly the categories {CATEGORIES}')
    terms: list[_Term] = []
    seen: set[str] = set()
    for category in CATEGORIES:
        kinds = terms_by_category[category]
        if not isinstance(kinds, dict) or not set(kinds) <= set(KINDS):
            raise LexiconError(f"{path}: {category}: levels must be among {KINDS}")
        for kind, by_language in kinds.items():
            where = f"{path}: {category}.{kind}"
            if not isinstance(by_language, dict) or not set(by_language) <= set(LANGUAGES):
                raise LexiconError(f"{where}: expected lists of phrases by language {LANGUAGES}")
            for lang, phrases in by_language.items():
                if not _strings(phrases, allow_empty=True):
                    raise LexiconError(f"{where}.{lang}: expected a list of phrases")
                for phrase in phrases:
                    if phrase in seen:
                        raise LexiconError(f"{where}.{lang}: {phrase!r} is listed twice")
                    seen.add(phrase)
                    terms.append(
                        _Term(
                            phrase=phrase,
                            category=category,
                            kind=kind,
                            pattern=_compile(phrase, f"{where}.{lang}"),
                            unless=tuple(
                                _compile(longer, f'{path}: unless "{phrase}"')
                                for longer in unless.get(phrase, ())
                            ),
                        )
                    )
    services = data.get("services", {})
    if not isinstance(services, dict) or not all(
        category in CATEGORIES and _strings(codes)
        for category, codes in services.items()
        if category != "about"
    ):
        raise LexiconError(
            f'{path}: "services" must map categories {CATEGORIES} to lists of taxonomy codes'
        )
    orphans = sorted(set(unless) - seen)
    if orphans:
        raise LexiconError(f'{path}: "unless" names phrases not in the lexicon: {orphans}')
    for word in markers["words"]:
        if normalise(word) != word or " " in word:
            raise LexiconError(f"{path}: topic marker {word!r} must be one plain lower-case word")
    return Lexicon(
        tuple(terms),
        frozenset(markers["words"]),
        markers["window"],
        {c: tuple(codes) for c, codes in services.items() if c != "about"},
    )


def _strings(value: object, allow_empty: bool = False) -> bool:
    return (
        isinstance(value, list)
        and (allow_empty or bool(value))
        and all(isinstance(v, str) and v.strip() for v in value)
    )


@cache
def _bundled() -> Lexicon:
    return load_lexicon()


def matched_terms(text: str) -> tuple[CrisisMatch, ...]:
    """Every lexicon phrase found in `text`, with its category and level."""
    return _bundled().matches(text)


def crisis_level(text: str) -> CrisisLevel:
    """How strongly `text` signals danger: the highest level of any match (NONE if none)."""
    return max(
        (m.level for m in matched_terms(text)), key=_ORDER.__getitem__, default=CrisisLevel.NONE
    )


def emergency_service_codes(text: str) -> tuple[str, ...]:
    """The taxonomy codes of help for each crisis `text` signals as an emergency (not a
    topic), in lexicon order: what a search should put first."""
    lexicon = _bundled()
    categories = dict.fromkeys(
        m.category for m in lexicon.matches(text) if m.level == CrisisLevel.EMERGENCY
    )
    return tuple(dict.fromkeys(c for cat in categories for c in lexicon.services.get(cat, ())))


def signals_self_harm(text: str) -> bool:
    """Whether crisis help must come first: any crisis signal at all, topic or emergency.

    Kept for the callers written before levels (the directory page, screening answers)."""
    return crisis_level(text) != CrisisLevel.NONE
