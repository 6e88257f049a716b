"""Field encryption at rest: a MultiFernet over the keys in COMMONWEAL_ENCRYPTION_KEYS.

Keys are listed newest first: the first encrypts, every key decrypts, so an operator adds a
new key in front, runs `commonweal rotate-keys`, and only then drops the old one.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

VARIABLE = "COMMONWEAL_ENCRYPTION_KEYS"
GENERATE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
MISSING_KEYS = (
    f"{VARIABLE} is not set: sensitive notes and screening answers cannot be encrypted. "
    f"Generate a key with {GENERATE_KEY} and set {VARIABLE} to it."
)
UNDECRYPTABLE = (
    "{what} could not be decrypted with any key in "
    f"{VARIABLE}: the key it was encrypted with is missing (was an old key removed before "
    "`commonweal rotate-keys` finished?) or the stored value was altered."
)


class UndecryptableValue(Exception):
    """A stored token that no configured key opens (never silently returned as garbage)."""


def is_development() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def configured_keys() -> list[str]:
    """The keys from settings, newest first; in DEBUG or tests, a development key if none."""
    keys = [key.strip() for key in getattr(settings, "ENCRYPTION_KEYS", []) if key.strip()]
    if keys or not is_development():
        return keys
    return [development_key(settings.SECRET_KEY)]


def development_key(secret_key: str) -> str:
    """A deterministic Fernet key derived from SECRET_KEY, for demo mode and tests only.

    Deterministic so demo data stays readable across restarts; never used in production,
    where an empty COMMONWEAL_ENCRYPTION_KEYS is a system check error (commonweal.E001).
    """
    digest = hashlib.sha256(b"commonweal field encryption (development):" + secret_key.encode())
    return base64.urlsafe_b64encode(digest.digest()).decode()


def key_problems(keys: list[str]) -> list[str]:
    """Why each malformed key is refused, naming its position but never its value."""
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, binascii.Error, TypeError):
            problems.append(
                f"key {position} of {len(keys)} in {VARIABLE} is not a Fernet key "
                "(32 url-safe base64-encoded bytes, 44 characters)"
            )
    return problems


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    problems = key_problems(list(keys))
    if problems:
        raise ImproperlyConfigured("; ".join(problems) + f". Generate one with {GENERATE_KEY}.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet for the current settings (cached per key list, so tests may override)."""
    return _multi_fernet(tuple(configured_keys()))


def primary() -> Fernet:
    """The newest key alone: what a token must open with to count as rotated."""
    return _primary(tuple(configured_keys()))


@functools.lru_cache(maxsize=8)
def _primary(keys: tuple[str, ...]) -> Fernet:
    _multi_fernet(keys)  # the same clear errors as fernet() for a bad setting
    return Fernet(keys[0].encode())


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str, *, what: str = "A stored value") -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(UNDECRYPTABLE.format(what=what)) from None


def rotate(token: str, *, what: str = "A stored value") -> str:
    """The same value encrypted with the newest key (its original timestamp is kept)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(UNDECRYPTABLE.format(what=what)) from None


def is_current(token: str) -> bool:
    """Whether the newest key alone opens this token (so rotating it would change nothing)."""
    try:
        primary().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@checks.register("commonweal")
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: production has keys, and every key given is a well-formed Fernet key."""
    keys = [key.strip() for key in getattr(settings, "ENCRYPTION_KEYS", []) if key.strip()]
    if not keys and not is_development():
        return [
            checks.Error(
                MISSING_KEYS,
                hint=(
                    f"Keep the key secret and backed up: data encrypted with it cannot be "
                    f"read without it. Rotate with a new key first in {VARIABLE}, then "
                    "`commonweal rotate-keys`, then remove the old key."
                ),
                id="commonweal.E001",
            )
        ]
    return [
        checks.Error(problem, hint=f"Generate a key with {GENERATE_KEY}", id="commonweal.E002")
        for problem in key_problems(keys)
    ]
