"""Writing the audit log (one function, used by pages, API and commands) and checking it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest

from commonweal.accounts import audit_chain
from commonweal.accounts.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address, for the audit log and the login rate limit (axes).

    Behind TRUSTED_PROXY_COUNT reverse proxies that each append to X-Forwarded-For,
    the client is that many entries from the right; the header's other entries are
    whatever the client sent and are never trusted. Without proxies: REMOTE_ADDR.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops and remote:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            try:
                return str(ipaddress.ip_address(forwarded[-hops]))
            except ValueError:
                return remote
    return remote


def record(
    *,
    action: str,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    person_id: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        ip_address=client_ip(request),
        detail=detail or {},
    )


# --- the append-only guard and the chain check ---------------------------------------------------

MAINTENANCE_TABLE = "commonweal_audit_maintenance"
GUARD_TRIGGERS = {
    "sqlite": {"commonweal_audit_no_update", "commonweal_audit_no_delete"},
    "postgresql": {"commonweal_audit_no_change", "commonweal_audit_no_truncate"},
}
VERIFY_BATCH = 5000


@contextmanager
def flush_allowed(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let the wipe-everything `flush` empty the audit table; call inside a transaction.

    The flag is raised and lowered in the caller's transaction, so no other connection
    sees it; on an error the transaction's rollback lowers it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("flush_allowed() must run inside transaction.atomic().")
    with connection.cursor() as cursor:
        present = MAINTENANCE_TABLE in connection.introspection.table_names(cursor)
        if present:
            cursor.execute(f"UPDATE {MAINTENANCE_TABLE} SET allow_flush = %s WHERE id = 1", [True])
    yield
    if present:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {MAINTENANCE_TABLE} SET allow_flush = %s WHERE id = 1", [False])


def guard_installed(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database triggers that refuse changes to audit events are in place."""
    connection = connections[using]
    expected = GUARD_TRIGGERS.get(connection.vendor)
    if not expected:
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [AuditEvent._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [AuditEvent._meta.db_table],
            )
        present = {name for (name,) in cursor.fetchall()}
    return expected <= present


def verify(
    *, using: str = DEFAULT_DB_ALIAS, batch_size: int = VERIFY_BATCH, expect_hash: str = ""
) -> audit_chain.Verdict:
    """Walk the whole chain in id order, one batch in memory at a time."""
    walker = audit_chain.ChainWalker(expect_hash=expect_hash)
    events = AuditEvent.objects.using(using).order_by("id")
    last_id = 0
    while True:
        batch = list(events.filter(id__gt=last_id).values(*audit_chain.FIELDS)[:batch_size])
        if not batch or not walker.feed(batch):
            break
        last_id = batch[-1]["id"]
    return walker.verdict()
