"""Language names as directories write them ("Spanish", "Creole", "Español") → HSDS
language rows: an English name and an ISO 639-1 code (ISO 639-3 where 639-1 has none).

HSDS 3.0 `language.code` is "the ISO 639-1 or ISO 639-3 code for the language"
(schema/language.json). Source data has free text in the language column — "Spanish
(limited)", "English and Spanish", "other languages available upon request" — so
`parse_languages` finds the languages a text names and says what else it said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# name as written (lower case) → (English name, code). 639-1 where it exists; otherwise
# 639-3 (ase, nan, hmn, ...). "Creole" in a US/Caribbean directory means Haitian Creole.
_LANGUAGES: dict[str, tuple[str, str]] = {
    "english": ("English", "en"),
    "ingles": ("English", "en"),
    "inglés": ("English", "en"),
    "ingl+¬s": ("English", "en"),  # Miami 211 mojibake of "Inglés"
    "spanish": ("Spanish", "es"),
    "español": ("Spanish", "es"),
    "espanol": ("Spanish", "es"),
    "espa+¦ol": ("Spanish", "es"),  # Miami 211 mojibake of "Español"
    "creole": ("Haitian Creole", "ht"),
    "haitian creole": ("Haitian Creole", "ht"),
    "haitian-creole": ("Haitian Creole", "ht"),
    "kreyol": ("Haitian Creole", "ht"),
    "kreyòl": ("Haitian Creole", "ht"),
    "créole": ("Haitian Creole", "ht"),
    "french": ("French", "fr"),
    "français": ("French", "fr"),
    "portuguese": ("Portuguese", "pt"),
    "hebrew": ("Hebrew", "he"),
    "russian": ("Russian", "ru"),
    "arabic": ("Arabic", "ar"),
    "italian": ("Italian", "it"),
    "greek": ("Greek", "el"),
    "yiddish": ("Yiddish", "yi"),
    "german": ("German", "de"),
    "japanese": ("Japanese", "ja"),
    "chinese": ("Chinese", "zh"),
    "mandarin": ("Mandarin", "zh"),
    "cantonese": ("Cantonese", "zh"),
    "chinese (mandarin)": ("Mandarin", "zh"),
    "chinese (cantonese)": ("Cantonese", "zh"),
    "taiwanese": ("Taiwanese", "nan"),
    "hindi": ("Hindi", "hi"),
    "urdu": ("Urdu", "ur"),
    "sindhi": ("Sindhi", "sd"),
    "gujarati": ("Gujarati", "gu"),
    "punjabi": ("Punjabi", "pa"),
    "bengali": ("Bengali", "bn"),
    "tamil": ("Tamil", "ta"),
    "telugu": ("Telugu", "te"),
    "nepali": ("Nepali", "ne"),
    "romanian": ("Romanian", "ro"),
    "dutch": ("Dutch", "nl"),
    "danish": ("Danish", "da"),
    "swedish": ("Swedish", "sv"),
    "norwegian": ("Norwegian", "no"),
    "icelandic": ("Icelandic", "is"),
    "finnish": ("Finnish", "fi"),
    "polish": ("Polish", "pl"),
    "czech": ("Czech", "cs"),
    "slovak": ("Slovak", "sk"),
    "hungarian": ("Hungarian", "hu"),
    "ukrainian": ("Ukrainian", "uk"),
    "bulgarian": ("Bulgarian", "bg"),
    "serbian": ("Serbian", "sr"),
    "croatian": ("Croatian", "hr"),
    "bosnian": ("Bosnian", "bs"),
    "albanian": ("Albanian", "sq"),
    "armenian": ("Armenian", "hy"),
    "georgian": ("Georgian", "ka"),
    "turkish": ("Turkish", "tr"),
    "persian": ("Persian", "fa"),
    "farsi": ("Persian", "fa"),
    "dari": ("Dari", "prs"),
    "pashto": ("Pashto", "ps"),
    "kurdish": ("Kurdish", "ku"),
    "korean": ("Korean", "ko"),
    "vietnamese": ("Vietnamese", "vi"),
    "thai": ("Thai", "th"),
    "khmer": ("Khmer", "km"),
    "lao": ("Lao", "lo"),
    "burmese": ("Burmese", "my"),
    "hmong": ("Hmong", "hmn"),
    "tagalog": ("Tagalog", "tl"),
    "filipino": ("Filipino", "fil"),
    "ilocano": ("Ilocano", "ilo"),
    "indonesian": ("Indonesian", "id"),
    "malay": ("Malay", "ms"),
    "samoan": ("Samoan", "sm"),
    "tongan": ("Tongan", "to"),
    "swahili": ("Swahili", "sw"),
    "somali": ("Somali", "so"),
    "amharic": ("Amharic", "am"),
    "tigrinya": ("Tigrinya", "ti"),
    "oromo": ("Oromo", "om"),
    "yoruba": ("Yoruba", "yo"),
    "igbo": ("Igbo", "ig"),
    "hausa": ("Hausa", "ha"),
    "wolof": ("Wolof", "wo"),
    "papiamento": ("Papiamento", "pap"),
    "quechua": ("Quechua", "qu"),
    "guarani": ("Guarani", "gn"),
    "navajo": ("Navajo", "nv"),
    "american sign language": ("American Sign Language", "ase"),
    "asl": ("American Sign Language", "ase"),
    "sign language": ("American Sign Language", "ase"),
}

# Words that only join language names ("English and Spanish", "Spanish & Creole").
_JOINERS = re.compile(r"(?i)\b(and|or|&|y)\b|[,;/.&*\s]+")


@dataclass(frozen=True)
class LanguageMention:
    name: str
    code: str
    note: str = ""


def language_code(name: str) -> str | None:
    """The code for a language name as written ("Creole" → "ht"), None when unknown."""
    found = _LANGUAGES.get(_normal(name))
    return found[1] if found else None


def language_name(code: str) -> str | None:
    """The English name for a code we know ("es" → "Spanish"), None otherwise."""
    code = code.strip().lower()
    return next((name for name, c in _LANGUAGES.values() if c == code), None)


def parse_languages(text: str) -> tuple[list[LanguageMention], str]:
    """The languages `text` names, and any other thing it says ("" when nothing else).

    "Spanish (limited)" → Spanish with note "limited"; "English and Spanish" → both, no
    note; "Creole with translators as needed" → Haitian Creole with the whole text as
    its note; "other languages available upon request" → no language, the text returned
    as the remainder (callers put it in interpretation_services).
    """
    text = text.strip()
    if not text:
        return [], ""
    exact = _LANGUAGES.get(_normal(text))
    if exact:
        return [LanguageMention(*exact)], ""
    qualified = re.fullmatch(r"(.+?)\s*\(([^()]*)\)\s*\.?", text)
    if qualified:
        base = _LANGUAGES.get(_normal(qualified.group(1)))
        if base:
            return [LanguageMention(base[0], base[1], qualified.group(2).strip())], ""
    mentions: list[LanguageMention] = []
    seen: set[str] = set()
    for match in _finder().finditer(text):
        name, code = _LANGUAGES[_normal(match.group(0))]
        if name not in seen:
            seen.add(name)
            mentions.append(LanguageMention(name, code))
    if not mentions:
        return [], text
    remainder = _JOINERS.sub("", _finder().sub("", text))
    if remainder:
        # The text says more than which languages ("Spanish (website)", "limited
        # Spanish"): keep it, word for word, as each language's note.
        mentions = [LanguageMention(m.name, m.code, text) for m in mentions]
    return mentions, ""


def _normal(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().strip(".,;:*").strip()).lower()


@cache
def _finder() -> re.Pattern[str]:
    names = sorted(_LANGUAGES, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?i)(?<![\w+]){alternatives}(?!\w)")
