"""CACHE_URL and the production cache: every web process counts in one place.

lib/rate_limit and the API's anonymous throttle count in Django's cache. With several
gunicorn workers, a per-process cache would let each worker count alone; the production
default (the database cache) and Redis are shared. The processes here are real ones,
configured as production is (no DEBUG, no test mode), against a database of their own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonweal.lib import rate_limit
from commonweal.settings import cache_from_url

ROOT = Path(__file__).resolve().parents[2]
DATABASE_CACHE = "commonweal.lib.database_cache.DatabaseCache"
HITS_EACH = 40

# One process of the site, production settings, counting HITS_EACH hits once told "go".
COUNTER = """
import sys, django
django.setup()
from django.conf import settings
from commonweal.lib import rate_limit
print(settings.CACHES["default"]["BACKEND"], flush=True)
sys.stdin.readline()
print(" ".join(str(rate_limit.hit(sys.argv[1], window_seconds=3600)) for _ in range(HITS)))
""".replace("HITS", str(HITS_EACH))


def test_it_reads_each_cache_url() -> None:
    assert cache_from_url("", default_locmem=False)["BACKEND"] == DATABASE_CACHE
    assert cache_from_url("", default_locmem=False)["LOCATION"] == "commonweal_cache"
    assert cache_from_url("db://rate_counts", default_locmem=True)["LOCATION"] == "rate_counts"
    assert cache_from_url("", default_locmem=True)["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("locmem://", default_locmem=False)["BACKEND"].endswith("LocMemCache")
    redis = cache_from_url("rediss://:secret@cache.internal:6380/2", default_locmem=True)
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "rediss://:secret@cache.internal:6380/2",
    }


def test_it_names_an_unknown_scheme_without_its_password() -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        cache_from_url("memcached://user:hunter2@cache:11211", default_locmem=False)
    assert "'memcached'" in str(error.value)
    assert "hunter2" not in str(error.value)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process on a database of its own: the test
    database on PostgreSQL (its cache table is made and dropped by the test), a file in
    tmp_path on SQLite (the test database lives in this process's memory)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "DEBUG", "COMMONWEAL_TESTING", "CACHE_URL"}
    }
    env.update(
        {
            "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789",
            "ALLOWED_HOSTS": "example.org",
            "DJANGO_SETTINGS_MODULE": "commonweal.settings",
            "COMMONWEAL_DATA_DIR": str(tmp_path),
            **extra,
        }
    )
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
    return env


def count_in_two_processes(env: dict[str, str], key: str) -> tuple[list[str], list[int]]:
    """Two processes count `key` at the same moment; (their cache backends, every count)."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, key],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        backends = [p.stdout.readline().strip() for p in processes]  # both set up: go
        for p in processes:
            p.stdin.write("go\n")
            p.stdin.flush()
        outputs = [p.communicate(timeout=60) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    for p, (_out, err) in zip(processes, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    counts = [int(n) for out, _err in outputs for n in out.split()]
    return backends, counts


@pytest.fixture
def cache_table(tmp_path: Path, django_db_setup, django_db_blocker) -> Iterator[dict[str, str]]:
    """The production environment with a database cache table of its own (CACHE_URL
    names it; the default table is the same backend), dropped afterwards."""
    table = f"cache_race_{uuid.uuid4().hex[:8]}"
    env = production_env(tmp_path, CACHE_URL=f"db://{table}")
    subprocess.run(
        [sys.executable, "-m", "commonweal", "createcachetable"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    yield env
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def test_two_processes_share_one_count_in_the_database_cache(
    cache_table: dict[str, str],
) -> None:
    backends, counts = count_in_two_processes(cache_table, "race")
    assert backends == [DATABASE_CACHE, DATABASE_CACHE]
    # Every hit counted once: no two processes saw the same count, none was lost.
    assert sorted(counts) == list(range(1, 2 * HITS_EACH + 1))


def test_the_production_default_is_the_database_cache(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    env.pop("DATABASE_URL", None)
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default'], settings.SESSION_ENGINE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    caches, session_engine = json.loads(result.stdout)
    assert caches["BACKEND"] == DATABASE_CACHE
    assert caches["LOCATION"] == "commonweal_cache"
    assert session_engine == "django.contrib.sessions.backends.db"


@pytest.fixture
def database_cache(settings, db) -> Iterator[None]:
    settings.CACHES = {"default": {"BACKEND": DATABASE_CACHE, "LOCATION": "commonweal_cache_test"}}
    call_command("createcachetable")
    yield


def test_a_count_keeps_its_window(database_cache) -> None:
    """Django's own incr re-set the key with the default timeout (300 s): an hour's
    limit was forgotten after five minutes."""
    assert rate_limit.hit("window", window_seconds=3600) == 1
    assert rate_limit.hit("window", window_seconds=3600) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM commonweal_cache_test")
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):  # SQLite stores text
        from django.utils.dateparse import parse_datetime

        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=UTC)
    assert expires > timezone.now() + timedelta(minutes=55)


def test_an_expired_count_starts_a_new_window(database_cache) -> None:
    cache.set("gone", 5, timeout=-1)
    with pytest.raises(ValueError):
        cache.incr("gone")
    assert rate_limit.hit("gone", window_seconds=60) == 1


@pytest.mark.django_db(transaction=True)
def test_only_its_own_transaction_skips_the_disk_flush(settings) -> None:
    """A count alone commits without waiting for the disk (PostgreSQL); inside a caller's
    transaction it leaves that transaction's commit as durable as it was."""
    settings.CACHES = {"default": {"BACKEND": DATABASE_CACHE, "LOCATION": "cache_flush_test"}}
    call_command("createcachetable")
    postgres = connection.vendor == "postgresql"
    try:
        with CaptureQueriesContext(connection) as alone:
            rate_limit.hit("alone", window_seconds=60)
        with transaction.atomic(), CaptureQueriesContext(connection) as inside:
            rate_limit.hit("inside", window_seconds=60)
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SHOW synchronous_commit")
                    assert cursor.fetchone() == ("on",)
        set_local = "SET LOCAL synchronous_commit"
        flagged = [q["sql"] for q in alone.captured_queries if set_local in q["sql"]]
        assert len(flagged) == (2 if postgres else 0)  # the add and the incr
        assert not [q for q in inside.captured_queries if set_local in q["sql"]]
        assert rate_limit.hit("alone", window_seconds=60) == 2
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE cache_flush_test")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_two_processes_share_one_count_in_redis(tmp_path: Path) -> None:
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("CI must have Redis on 127.0.0.1:6379 (the machine starts it)")
        pytest.skip("SKIPPED LOUDLY: no Redis server on 127.0.0.1:6379 on this machine")
    # A database number and a key of its own: other users of this Redis are spared.
    env = production_env(tmp_path, CACHE_URL="redis://127.0.0.1:6379/13")
    backends, counts = count_in_two_processes(env, f"race-{uuid.uuid4().hex}")
    assert backends == ["django.core.cache.backends.redis.RedisCache"] * 2
    assert sorted(counts) == list(range(1, 2 * HITS_EACH + 1))
