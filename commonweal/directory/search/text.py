"""Words for search: one normalisation shared by the index and the query.

The index stores *stems*, not the words people wrote, so that the same stemming applies on
SQLite (FTS5) and PostgreSQL (tsvector with the 'simple' configuration) and in both
languages the product ships: every word is indexed under its English and its Spanish
Snowball stem ("renta" → "renta" and "rent"; "rent" → "rent"), so an English or Spanish
query meets a description in either language. Text is lower-cased and accents are removed
first ("médico" = "medico"), so stems are plain ASCII-like tokens that no FTS syntax can
hide in: a token is only ever letters and digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# A query longer than this is cut (at a word boundary): nobody types more to find help,
# and it bounds the work a request can cause.
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 32

_WORD_RE = re.compile(r"[a-z0-9]+")
_APOSTROPHES_RE = re.compile(r"(?<=\w)['’ʼ`](?=\w)")

_EN = snowballstemmer.stemmer("english")
_ES = snowballstemmer.stemmer("spanish")

# Function words that carry no need (English and Spanish, accents removed). Kept short on
# purpose: "no", "not", "sin" are not here because "no food" and "sin casa" mean something.
STOP_WORDS = frozenset(
    """
    a an the and or of to for in on at by with from into about as is are was were be been
    am i im me my mine we our you your he she his her it its they them their this that these
    those there here what which who whom how when where why can cant could would should will
    wont do does did dont doesnt didnt have has had having get got getting need needs needed
    want wants wanted looking look find finding help please some any just really very also
    t s d ll m re ve so too up out if then than but till til until
    el la los las un una unos unas y o u de del al a en con por para que quien como cuando
    donde mi mis tu tus su sus yo me te se nos le les lo es son esta estan estoy soy ser
    hay tengo tiene tienen necesito necesita necesitamos busco buscando quiero ayuda ayudar hasta
    favor algun alguna algo muy mas pero porque si ya este ese esa eso
    """.split()
)


def normalise(text: str) -> str:
    """Lower-case, accents removed, everything but letters and digits turned into spaces."""
    # Apostrophes join, as people type them either way: "won't" = "wont", "Mary's" = "marys".
    joined = _APOSTROPHES_RE.sub("", text or "")
    decomposed = unicodedata.normalize("NFKD", joined.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD_RE.findall(plain))


def words(text: str) -> list[str]:
    """The normalised words of `text`, stop words included."""
    return _WORD_RE.findall(normalise(text))


def content_words(text: str) -> list[str]:
    """The words that say something: stop words left out."""
    return [w for w in words(text) if w not in STOP_WORDS]


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The English and Spanish stems of one normalised word (one when they agree)."""
    if word.isdigit():
        return (word,)
    english = _EN.stemWord(word)
    spanish = _ES.stemWord(word)
    return (english,) if english == spanish else (english, spanish)


@lru_cache(maxsize=65536)
def stem_in(word: str, language: str) -> str:
    """The stem of a normalised word in one language ("en" or "es")."""
    if word.isdigit():
        return word
    return (_ES if language == "es" else _EN).stemWord(word)


def index_text(text: str) -> str:
    """What the index stores for a piece of text: each content word's stems, in order."""
    out: list[str] = []
    for word in content_words(text):
        out.extend(stems(word))
    return " ".join(out)


def truncate_query(text: str) -> str:
    """A query cut to a sane length at a word boundary (10,000 characters help nobody)."""
    text = (text or "").replace("\x00", " ")
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_QUERY_CHARS // 2 else cut
