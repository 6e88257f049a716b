"""Writing the audit log: one function, used by pages, API and commands alike."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from commonweal.accounts.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is spoofable unless a trusted proxy sets it,
    # and deploy docs put the proxy's real-IP module in front instead.
    return request.META.get("REMOTE_ADDR") or None


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
