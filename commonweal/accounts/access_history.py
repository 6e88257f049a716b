"""A person's access history: every audit event about one person, for those who oversee them.

Who may see it: a superuser, and a coalition admin of an organisation in the person's
care team — whoever handles the person's data requests
(`commonweal.policy.can_view_access_history`). The history
shows who did what and from where, never the person's record itself, so a coalition admin
sees it without the record (the page names the person only to someone who may open them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent

OBJECT_TYPE = "accounts.access_history"

ACTION_LABELS = {
    AuditEvent.Action.VIEW: gettext_lazy("Viewed"),
    AuditEvent.Action.CREATE: gettext_lazy("Created"),
    AuditEvent.Action.UPDATE: gettext_lazy("Changed"),
    AuditEvent.Action.DELETE: gettext_lazy("Deleted"),
    AuditEvent.Action.EXPORT: gettext_lazy("Exported"),
    AuditEvent.Action.IMPORT: gettext_lazy("Imported"),
    AuditEvent.Action.ERASE: gettext_lazy("Erased"),
}
# A list in an event's detail (ids of referrals, screenings…) is summarised beyond this.
LIST_SHOWN = 3
TEXT_SHOWN = 80


def person_exists(person_id: str) -> bool:
    from commonweal.referrals.models import Person

    return Person.objects.filter(pk=person_id).exists()


def events_for(person_id: str) -> QuerySet[AuditEvent]:
    """Every audit event about this person, newest first."""
    return AuditEvent.objects.filter(person_id=person_id).order_by("-at", "-id")


def record_view(*, person_id: str, by: Any, request: HttpRequest | None, page: int) -> None:
    """Reading who accessed a person is itself an access: it goes in the same history."""
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        object_type=OBJECT_TYPE,
        object_id=person_id,
        person_id=person_id,
        request=request,
        detail={"read": "access_history", "page": page},
    )


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    who: str
    what: str
    on: str
    detail: str


def _object_label(object_type: str) -> str:
    if object_type == OBJECT_TYPE:
        return _("access history")
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _detail_value(value: Any) -> str:
    if isinstance(value, list):
        if len(value) > LIST_SHOWN:
            return _("%(count)d items") % {"count": len(value)}
        return ", ".join(_detail_value(item) for item in value)
    if isinstance(value, dict):
        return _("%(count)d values") % {"count": len(value)}
    text = "" if value is None else str(value)
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def describe(event: AuditEvent) -> Entry:
    """One row of the page: who, what, on what, and the event's (non-personal) detail."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    return Entry(
        event=event,
        who=event.actor_label or _("No signed-in user"),
        what=str(ACTION_LABELS.get(event.action, event.get_action_display())),
        on=_object_label(event.object_type),
        detail="; ".join(f"{key}: {_detail_value(value)}" for key, value in detail.items()),
    )


def person_for(*, user: Any, person_id: str) -> Any:
    """The person, for a heading and a link back, only if `user` may open their record."""
    from commonweal.referrals.models import Person

    person = Person.objects.filter(pk=person_id).first()
    if person is None or not policy.can_view_person(user, person):
        return None
    return person


def page_number(raw: str | None) -> int:
    """The page asked for, as the audit log records it (anything odd reads as page 1)."""
    try:
        return min(max(1, int(raw or 1)), 10**9)
    except (TypeError, ValueError):
        return 1
