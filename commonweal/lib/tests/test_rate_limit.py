from __future__ import annotations

from django.core.cache import cache

from commonweal.lib import rate_limit

# Each test starts with an empty cache (the root conftest's `empty_cache`).


def test_it_counts_each_hit_in_the_window() -> None:
    assert [rate_limit.hit("k", window_seconds=60) for _ in range(3)] == [1, 2, 3]


def test_it_counts_keys_apart() -> None:
    rate_limit.hit("a", window_seconds=60)
    assert rate_limit.hit("b", window_seconds=60) == 1


def test_a_new_window_starts_from_one_when_the_count_has_gone() -> None:
    rate_limit.hit("k", window_seconds=60)
    cache.delete("k")  # what the window's end does
    assert rate_limit.hit("k", window_seconds=60) == 1
