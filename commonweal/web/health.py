"""Probes for a load balancer or an orchestrator, public and cheap.

- `/livez`: the process answers. Touches neither the database nor the cache, so a
  database outage never makes a supervisor restart healthy web processes.
- `/readyz`: this server can serve: the database answers a `SELECT 1` and the cache a
  write and a read. A load balancer takes a server whose answer is 503 out of rotation.
- `/healthz` (web/views.py) stays what it was: one `SELECT 1`.

Machines read these, not people: the bodies are short fixed JSON, never translated, and
never name a host, a user or an error's text (which may hold a connection string).
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

PROBE_KEY_SECONDS = 10


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _database_answers() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("readyz: the database did not answer")
        return False


def _cache_answers() -> bool:
    # A key of its own per probe: concurrent probes must not read each other's value.
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, PROBE_KEY_SECONDS)
        answered = cache.get(key) == value
        cache.delete(key)
        return answered
    except Exception:  # Redis down raises its own errors; the database cache DatabaseError
        logger.warning("readyz: the cache did not answer")
        return False
