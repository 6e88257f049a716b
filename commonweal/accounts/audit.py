"""Writing the audit log: one function, used by pages, API and commands alike."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

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
