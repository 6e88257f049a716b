"""Counting what one address does in a time window, in Django's cache.

Public forms that anyone may send without an account (a referral status look-up, a sign-up
for a meeting, an offer to volunteer) count each sending per client address; past the
form's limit the page answers 429 and nothing is saved. The count lives in the configured
cache, so every web process behind a shared cache (the database cache, Redis) sees the
same one.
"""

from __future__ import annotations

from django.core.cache import cache


def hit(key: str, *, window_seconds: int) -> int:
    """Count one event under `key`; the number counted in the current window, this one
    included. The window starts with the first event and lasts `window_seconds`."""
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.set(key, 1, window_seconds)
        return 1
