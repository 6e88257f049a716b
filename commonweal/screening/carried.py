"""A resident's self-screen answers carried between pages without being stored.

Nothing of an anonymous self-screen is kept on the server — not in the database, not in
the session. The answers travel in a hidden form field, signed (django.core.signing) so
they cannot be altered between the crisis page, the results page and "save to my
account", and dated so an old page cannot be replayed for long.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing

SALT = "commonweal.screening.self-screen"
MAX_AGE_SECONDS = 2 * 60 * 60  # long enough to read results and find services


class BadToken(ValueError):
    pass


@dataclass(frozen=True)
class Carried:
    instrument: str
    language: str
    answers: dict[str, Any]
    # Random per completed form: saving the same results twice makes one screening.
    nonce: str


def pack(*, instrument: str, language: str, answers: dict[str, Any], nonce: str = "") -> str:
    return signing.dumps(
        {"i": instrument, "l": language, "a": answers, "n": nonce or secrets.token_urlsafe(16)},
        salt=SALT,
        compress=True,
    )


def unpack(token: str, *, max_age: int = MAX_AGE_SECONDS) -> Carried:
    try:
        data = signing.loads(token or "", salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("expired") from None
    except signing.BadSignature:
        raise BadToken("bad signature") from None
    try:
        return Carried(
            instrument=str(data["i"]),
            language=str(data["l"]),
            answers=dict(data["a"]),
            nonce=str(data["n"]),
        )
    except (KeyError, TypeError, ValueError):
        raise BadToken("malformed") from None
