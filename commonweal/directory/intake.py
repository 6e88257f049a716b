"""Whether a service takes new clients: partner staff keep it current, search and referrals
read it.

Writes follow `editing.py`: one transaction that checks the editor's permission,
validates, records one HSDS-style `metadata` row per changed field (resource type
"serviceintake", so the change history of the listing stays in one place), bumps the
service's `last_modified` and appends an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from commonweal.accounts import audit
from commonweal.directory import editing
from commonweal.directory.models import Service, ServiceIntake

FIELDS = ("accepting_new_clients", "waitlist", "typical_response_days", "accepting_referrals")
ANSWERS = tuple(value for value, _label in ServiceIntake.ANSWERS)
MAX_RESPONSE_DAYS = 365
WAITLIST_MAX = 200

BAD_ANSWER = _("Choose yes, no or not known.")
BAD_DAYS = _("Enter a number of days from 0 to 365.")
WAITLIST_TOO_LONG = _("Keep the waitlist note under 200 characters.")


@dataclass(frozen=True)
class IntakeInput:
    accepting_new_clients: str = ServiceIntake.UNKNOWN
    waitlist: str = ""
    typical_response_days: int | None = None
    accepting_referrals: str = ServiceIntake.UNKNOWN


def current(service: Service) -> IntakeInput:
    """What the service says now (all "not known" when nobody has said)."""
    row = ServiceIntake.objects.filter(service=service).first()
    if row is None:
        return IntakeInput()
    return IntakeInput(**{field: getattr(row, field) for field in FIELDS})


def _validate(values: IntakeInput) -> IntakeInput:
    cleaned = IntakeInput(
        accepting_new_clients=(values.accepting_new_clients or "").strip(),
        waitlist=(values.waitlist or "").strip(),
        typical_response_days=values.typical_response_days,
        accepting_referrals=(values.accepting_referrals or "").strip(),
    )
    for field in ("accepting_new_clients", "accepting_referrals"):
        if getattr(cleaned, field) not in ANSWERS:
            raise ValidationError({field: BAD_ANSWER})
    if len(cleaned.waitlist) > WAITLIST_MAX:
        raise ValidationError({"waitlist": WAITLIST_TOO_LONG})
    days = cleaned.typical_response_days
    if days is not None and not (0 <= days <= MAX_RESPONSE_DAYS):
        raise ValidationError({"typical_response_days": BAD_DAYS})
    return cleaned


@transaction.atomic
def set_intake(
    service: Service,
    *,
    by: Any,
    values: IntakeInput,
    request: HttpRequest | None = None,
) -> bool:
    """Record what the service says about taking new clients; return whether it changed."""
    editing._require_editor(by, service.organization)
    cleaned = _validate(values)
    row = ServiceIntake.objects.select_for_update().filter(service=service).first()
    wanted = {field: getattr(cleaned, field) for field in FIELDS}
    if row is None:
        if cleaned == IntakeInput():
            return False  # "not known" everywhere is what no row already means
        row = ServiceIntake.objects.create(service=service, updated_by=by, **wanted)
        for field in FIELDS:
            default = getattr(IntakeInput(), field)
            if wanted[field] != default:
                editing._log(
                    row, action="create", field=field, previous="", replacement=wanted[field], by=by
                )
        changed = True
    else:
        changed = editing._update_logged(row, wanted, by=by)
        if changed:
            row.updated_by = by
            row.save(update_fields=["updated_by", "updated"])
    if changed:
        editing._touch(service)
        audit.record(
            action="update", actor=by, obj=service, request=request, detail={"fields": ["intake"]}
        )
    return changed
