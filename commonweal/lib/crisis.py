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
    # Spanish
    "matarme",
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


def signals_self_harm(text: str) -> bool:
    normalised = _normalise(text or "")
    return any(phrase in normalised for phrase in CRISIS_PHRASES)
