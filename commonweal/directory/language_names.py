"""Language names in the page's language, from the ISO 639 code a listing stores.

Django already translates the names of the languages it knows (django.conf.locale.LANG_INFO);
a few that Miami listings use often are missing there, so they are named here for our own
catalogue. A stored name that is not simply the English name of its code ("Mandarin" filed
as `zh`, a source's own spelling) is kept as it is: translating it would lose detail.
"""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext, gettext_noop

# Codes absent from Django's LANG_INFO that appear in the shared data sets (ISO 639-1/-3).
EXTRA_NAMES: dict[str, str] = {
    "ase": gettext_noop("American Sign Language"),
    "ht": gettext_noop("Haitian Creole"),
    "tl": gettext_noop("Tagalog"),
    "yi": gettext_noop("Yiddish"),
    "zh": gettext_noop("Chinese"),
}


def english_name(code: str) -> str:
    code = code.strip().lower()
    if code in EXTRA_NAMES:
        return EXTRA_NAMES[code]
    info = LANG_INFO.get(code, {})
    return str(info.get("name", ""))


def display_name(*, name: str, code: str) -> str:
    """The language's name in the active language, or the stored name when we can't do better."""
    english = english_name(code) if code else ""
    if not english:
        return name
    if name and name.strip().casefold() != english.casefold():
        return name
    return gettext(english)
