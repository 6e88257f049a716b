"""Send the heavy reads (directory search, insights) to a read replica; all else to default.

With `DATABASE_REPLICA_URL` set (settings.READ_REPLICA names its alias), a read goes to the
replica only when all of these hold:

- it runs inside `replica_reads()`: the search engine's entry point and the insights
  pages and API (`InsightsReadReplicaMiddleware`, GET and HEAD only) set it;
- its model belongs to an app whose data a replica may serve a little late
  (`REPLICA_APPS`); accounts, sessions, two-step sign-in devices, the login lockout and the
  task queue always read the primary, so a sign-in or a permission check never waits for
  replication;
- the primary has no transaction open: a read inside one (which may have written) must
  see that transaction's own rows.

Every write goes to the primary, whichever database an instance was read from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

# The apps whose tables search and insights read. A replica's copy of them may trail the
# primary by a moment (streaming replication), which a search or a monthly chart can bear.
REPLICA_APPS = frozenset(
    {"directory", "insights", "referrals", "screening", "partnerships", "programs"}
)
# URL prefixes of the insights pages and their API: read-only when asked with GET or HEAD.
INSIGHTS_PREFIXES = ("/insights/", "/api/v1/insights/")

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads the router may serve from the replica go there."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def in_transaction(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether code has a transaction open on `alias` (the test runner's own wrapping
    transaction, which stands for "outside any transaction" in a test, does not count)."""
    connection = connections[alias]
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def read_alias(model: type) -> str:
    """The database alias a read of `model` goes to right now."""
    replica = getattr(settings, "READ_REPLICA", "")
    if (
        replica
        and _replica_reads.get()
        and model._meta.app_label in REPLICA_APPS
        and not in_transaction()
    ):
        return replica
    return DEFAULT_DB_ALIAS


class ReadReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        alias = read_alias(model)
        # Otherwise Django's own choice: the database a related instance came from, else
        # the primary.
        return alias if alias != DEFAULT_DB_ALIAS else None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        # Django saves an instance to the database it was read from: never the replica.
        instance = hints.get("instance")
        replica = getattr(settings, "READ_REPLICA", "")
        if replica and instance is not None and instance._state.db == replica:
            return DEFAULT_DB_ALIAS
        return None  # Django's own choice: the instance's database, else the primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A replica follows the primary's schema by replication; migrate never writes to it.
        if db != DEFAULT_DB_ALIAS and db == getattr(settings, "READ_REPLICA", ""):
            return False
        return None


class InsightsReadReplicaMiddleware:
    """Insights pages and API (GET, HEAD) read their aggregates from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"GET", "HEAD"} and request.path.startswith(INSIGHTS_PREFIXES):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
