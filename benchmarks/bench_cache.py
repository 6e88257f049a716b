"""What one rate-limit count costs in each shared cache, against a bare round trip.

`lib/rate_limit.hit` (the public forms' limits) counts in Django's cache; production's
default is the database cache (commonweal/lib/database_cache.py, whose `incr` locks the
row), Redis the alternative. For each backend this times `rate_limit.hit` itself and
prints the median per hit, and its ratio to the cheapest round trip to the same server
measured in the same run (`SELECT 1` on the database's connection, `PING` for Redis).
Django's stock DatabaseCache is timed too (its `incr` loses counts under concurrency and
resets the window, see test_cache_settings.py): the price of counting right.

    .venv/bin/python benchmarks/bench_cache.py                  # SQLite file in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_deploy .venv/bin/python benchmarks/bench_cache.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def per_call_us(fn: Callable[[], object], calls: int, repeat: int) -> float:
    """Median over `repeat` runs of the mean time of one call, in microseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        runs.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    table = f"bench_cache_{uuid.uuid4().hex[:8]}"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + uuid.uuid4().hex * 2)
    os.environ.pop("DEBUG", None)
    os.environ["CACHE_URL"] = f"db://{table}"
    os.environ["COMMONWEAL_DATA_DIR"] = tempfile.mkdtemp(prefix="bench_cache_")
    os.environ["DJANGO_SETTINGS_MODULE"] = "commonweal.settings"
    import django

    django.setup()
    from django.core.cache.backends.db import DatabaseCache as StockDatabaseCache
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.management import call_command
    from django.db import connection

    from commonweal.lib import rate_limit
    from commonweal.lib.database_cache import DatabaseCache

    call_command("createcachetable")
    backends: dict[str, object] = {
        "database cache (ours)": DatabaseCache(table, {}),
        "database cache (Django's stock incr)": StockDatabaseCache(table, {}),
        "local memory (one process only)": LocMemCache("bench", {}),
    }

    def select_1() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    baselines = {"database": per_call_us(select_1, args.calls, args.repeat)}
    try:
        import redis
        from django.core.cache.backends.redis import RedisCache

        client = redis.Redis.from_url("redis://127.0.0.1:6379/13", socket_connect_timeout=1)
        client.ping()
        baselines["redis"] = per_call_us(client.ping, args.calls, args.repeat)
        backends["redis"] = RedisCache("redis://127.0.0.1:6379/13", {})
    except Exception as error:  # no server here: say so, time the rest
        print(f"(redis skipped: {type(error).__name__})")

    print(f"database: {connection.vendor}; {args.calls} hits x {args.repeat} runs, medians")
    for name, value in baselines.items():
        print(f"  baseline {name} round trip: {value:8.1f} us")
    for name, backend in backends.items():
        rate_limit.cache = backend  # the real counting code, on this backend
        key = f"bench-{uuid.uuid4().hex}"
        cost = per_call_us(
            lambda k=key: rate_limit.hit(k, window_seconds=3600), args.calls, args.repeat
        )
        base = baselines["redis" if name == "redis" else "database"]
        print(f"  {name:38} {cost:8.1f} us per hit = {cost / base:5.1f} x its round trip")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
