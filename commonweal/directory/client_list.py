"""A short list of chosen services, kept in the browser session, to print or send to someone.

A navigator collects services for the person in front of them; a resident collects
services for themselves. The list holds service ids only (no person data) and lives in
the session, so it needs no account and ends when the session does. Sending it by text
or email never stores the number or address (see `client_list_views`).
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping, Sequence
from enum import Enum
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from commonweal.directory.browse import listed_services
from commonweal.directory.models import Service, ServiceAtLocation

SESSION_KEY = "client_list"
MAX_ITEMS = 30
# Twilio refuses a body over 1,600 characters; long lists are cut with "and N more".
MAX_SMS_CHARS = 1600


class Added(Enum):
    ADDED = "added"
    ALREADY = "already"
    FULL = "full"


def service_ids(session: MutableMapping[str, Any]) -> list[str]:
    ids = session.get(SESSION_KEY)
    return [str(i) for i in ids] if isinstance(ids, list) else []


def contains(session: MutableMapping[str, Any], service_id: uuid.UUID | str) -> bool:
    return str(service_id) in service_ids(session)


def add(session: MutableMapping[str, Any], service: Service) -> Added:
    ids = service_ids(session)
    if str(service.id) in ids:
        return Added.ALREADY
    if len(ids) >= MAX_ITEMS:
        return Added.FULL
    session[SESSION_KEY] = [*ids, str(service.id)]
    return Added.ADDED


def remove(session: MutableMapping[str, Any], service_id: uuid.UUID | str) -> bool:
    ids = service_ids(session)
    if str(service_id) not in ids:
        return False
    session[SESSION_KEY] = [i for i in ids if i != str(service_id)]
    return True


def clear(session: MutableMapping[str, Any]) -> None:
    session.pop(SESSION_KEY, None)


def services(session: MutableMapping[str, Any]) -> list[Service]:
    """The listed services on the list, in the order they were added.

    A service that was removed from the directory, or is no longer offered, drops out."""
    ids = service_ids(session)
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    found = {
        s.id: s
        for s in listed_services()
        .filter(id__in=valid)
        .select_related("organization")
        .prefetch_related(
            "phones",
            "schedules",
            "service_at_locations__location__addresses",
            "service_at_locations__location__phones",
        )
    }
    return [found[i] for i in valid if i in found]


def first_phone(service: Service) -> Any:
    phones = list(service.phones.all())
    for sal in service.service_at_locations.all():
        phones.extend(sal.location.phones.all())
    return phones[0] if phones else None


def first_address(service: Service) -> Any:
    sals: Sequence[ServiceAtLocation] = list(service.service_at_locations.all())
    for sal in sals:
        addresses = sorted(sal.location.addresses.all(), key=lambda a: a.address_type != "physical")
        if addresses:
            return addresses[0]
    return None


def entries(items: Sequence[Service]) -> list[dict[str, Any]]:
    """What each message and the print view show of a service."""
    return [
        {"service": s, "phone": first_phone(s), "address": first_address(s), "number": n}
        for n, s in enumerate(items, start=1)
    ]


def message(items: Sequence[Service], *, language: str, base_url: str, channel: str) -> str:
    """The plain-text message for a text (`channel` "sms") or an email, in `language`."""
    template = f"directory/client_list_message_{channel}.txt"
    with translation.override(language):
        for count in range(len(items), 0, -1):
            text = render_to_string(
                template,
                {
                    "entries": entries(items[:count]),
                    "more": len(items) - count,
                    "base_url": base_url.rstrip("/"),
                    "SITE_NAME": settings.SITE_NAME,
                },
            ).strip()
            if channel != "sms" or len(text) <= MAX_SMS_CHARS:
                return text
        return text[:MAX_SMS_CHARS]
