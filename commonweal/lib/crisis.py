"""Does a piece of free text (a search, an answer) signal risk of self-harm?

Deliberately broad: a false alarm only shows crisis lines first, a miss can cost a life.
Phrases in English and Spanish, the languages the product ships; matched after
lower-casing and stripping accents, so "suicidio" and "SUICIDIO" both match.
"""

from __future__ import annotations

import re
import unicodedata

CRISIS_PHRASES = (
    # English
    "suicid",  # suicide, suicidal
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "take my life",
    "want to die",
    "wanna die",
    "better off dead",
    "self harm",
    "self-harm",
    "selfharm",
    "hurt myself",
    "hurting myself",
    "cut myself",
    "cutting myself",
    "overdose",
    "no reason to live",
    "dont want to be alive",
    "don't want to be alive",
    "do not want to be alive",
    "dont want to live",
    "don't want to live",
    "end it all",
    # Spanish
    "matarme",
    "me quiero matar",
    "me voy a matar",
    "cortarme",
    "no quiero seguir viviendo",
    "quitarme la vida",
    "quiero morir",
    "me quiero morir",
    "hacerme dano",
    "autolesion",
    "no quiero vivir",
    "sobredosis",
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped)


# Short forms matched only as whole words ("kms" is also kilometres in "20 kms").
CRISIS_WORDS = ("kms",)
_CRISIS_WORDS_RE = re.compile(r"\b(" + "|".join(CRISIS_WORDS) + r")\b")


def signals_self_harm(text: str) -> bool:
    normalised = _normalise(text or "")
    if any(phrase in normalised for phrase in CRISIS_PHRASES):
        return True
    # "kms" alone, or with words around it that are not a distance.
    return bool(_CRISIS_WORDS_RE.search(normalised)) and not re.search(r"\d\s*kms\b", normalised)
