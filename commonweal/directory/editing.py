"""Partner edits of directory listings: validated writes with an HSDS change log.

Every write here is one transaction that checks the editor's permission, validates,
records one HSDS `metadata` row per changed field (who, when, old and new value),
bumps the service's `last_modified`, and appends an audit event. Pages call these
functions; they never save directory models themselves.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonweal import policy
from commonweal.accounts import audit
from commonweal.directory.hours import DAY_CODES
from commonweal.directory.models import Language, Metadata, Organization, Phone, Schedule, Service

# Fields a partner may change from the pages (the rest come from imports).
SERVICE_FIELDS = (
    "name",
    "description",
    "status",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "url",
    "email",
    "alert",
)
ORGANIZATION_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "year_incorporated",
    "legal_status",
)
PHONE_FIELDS = ("number", "extension", "type", "description")
SCHEDULE_FIELDS = ("freq", "byday", "opens_at", "closes_at", "description")
LANGUAGE_FIELDS = ("name", "code")

# HSDS 3.0 phone.type draws on RFC 6350's TEL types.
PHONE_TYPES = ("voice", "text", "fax", "cell", "video", "pager", "textphone")

NOT_ALLOWED = _("You may not edit this organization's listings.")
NAME_REQUIRED = _("A name is required.")
BAD_URL = _("Enter a full web address starting with http:// or https://.")
BAD_EMAIL = _("Enter a valid email address.")
AGES_REVERSED = _("The minimum age must not be above the maximum age.")
NEGATIVE_AGE = _("Ages cannot be negative.")
BAD_PHONE = _("Enter a phone number with at least 3 digits.")
BAD_PHONE_TYPE = _("Choose a phone type from the list.")
UNKNOWN_ROW = _("This row does not belong to this service.")
NO_DAYS = _("Choose at least one day.")
SAME_TIMES = _("Opening and closing times must differ (use 00:00 to 00:00 for 24 hours).")
MISSING_TIME = _("Give both an opening and a closing time.")
LANGUAGE_NAME_REQUIRED = _("A language needs a name.")


@dataclass(frozen=True)
class PhoneInput:
    number: str
    extension: str = ""
    type: str = ""
    description: str = ""
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class WeeklyHours:
    """One opening period repeated on the given days ("MO".."SU")."""

    days: tuple[str, ...]
    opens_at: dt.time
    closes_at: dt.time

    def key(self) -> tuple[frozenset[str], dt.time, dt.time]:
        return (frozenset(self.days), self.opens_at, self.closes_at)


@dataclass(frozen=True)
class LanguageInput:
    name: str
    code: str = ""

    def key(self) -> str:
        return (self.code or self.name).strip().lower()


def _as_text(value: Any) -> str:
    """A field value as HSDS metadata text (times HH:MM, decimals without trailing zeros)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def _log(
    resource: models.Model, *, action: str, field: str, previous: Any, replacement: Any, by: Any
) -> Metadata:
    return Metadata.objects.create(
        resource_id=resource.pk,
        resource_type=resource._meta.model_name,
        last_action_date=timezone.localdate(),
        last_action_type=action,
        field_name=field,
        previous_value=_as_text(previous),
        replacement_value=_as_text(replacement),
        updated_by=public_editor_label(by, _organization_of(resource)),
    )


def _organization_of(resource: models.Model) -> Organization | None:
    if isinstance(resource, Organization):
        return resource
    if getattr(resource, "organization_id", None):
        return resource.organization
    service = getattr(resource, "service", None)
    return service.organization if service is not None else None


def public_editor_label(by: Any, organization: Organization | None) -> str:
    """Who changed a listing, as published in HSDS `metadata.updated_by`.

    HSDS metadata is public (HSDA API, exports), so it names the editor's role and
    organisation, never a staff member's username; the audit log keeps who it was.
    """
    roles = set(
        by.memberships.filter(organization=organization).values_list("role", flat=True)
        if organization is not None
        else []
    )
    if roles & {"partner_staff", "coalition_admin"}:
        return f"{organization.name} staff"
    if by.memberships.filter(role="coalition_admin").exists():
        return "coalition administrator"
    if by.is_superuser:
        return "site administrator"
    return "staff"


def _log_created(resource: models.Model, fields: Iterable[str], *, by: Any) -> None:
    for field in fields:
        value = getattr(resource, field)
        if value not in (None, ""):
            _log(resource, action="create", field=field, previous="", replacement=value, by=by)


def _log_deleted(resource: models.Model, fields: Iterable[str], *, by: Any) -> None:
    for field in fields:
        value = getattr(resource, field)
        if value not in (None, ""):
            _log(resource, action="delete", field=field, previous=value, replacement="", by=by)


def _require_editor(user: Any, organization: Organization) -> None:
    if not policy.can_edit_organization(user, organization):
        raise PermissionDenied(NOT_ALLOWED)


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _validate_url(value: str, field: str) -> None:
    if not value:
        return
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise ValidationError({field: BAD_URL}) from error


def _validate_email(value: str, field: str) -> None:
    if not value:
        return
    try:
        EmailValidator()(value)
    except ValidationError as error:
        raise ValidationError({field: BAD_EMAIL}) from error


def _others(instance: models.Model, fields: Iterable[str]) -> list[str]:
    return [f.name for f in instance._meta.fields if f.name not in set(fields)]


# Only the fields being changed are checked: imported data is kept as given (a 211
# export has "www.example.org" without a scheme), and a partner fixing the hours must
# not first have to fix an old website address.
def _validate_service(service: Service, fields: Iterable[str]) -> None:
    fields = set(fields)
    if "name" in fields and not (service.name or "").strip():
        raise ValidationError({"name": NAME_REQUIRED})
    if "url" in fields:
        _validate_url(service.url, "url")
    if "email" in fields:
        _validate_email(service.email, "email")
    for field in ("minimum_age", "maximum_age"):
        age = getattr(service, field)
        if field in fields and age is not None and age < 0:
            raise ValidationError({field: NEGATIVE_AGE})
    if (
        fields & {"minimum_age", "maximum_age"}
        and service.minimum_age is not None
        and service.maximum_age is not None
        and service.minimum_age > service.maximum_age
    ):
        raise ValidationError({"maximum_age": AGES_REVERSED})
    service.full_clean(
        exclude=_others(service, fields), validate_unique=False, validate_constraints=False
    )


def _validate_organization(organization: Organization, fields: Iterable[str]) -> None:
    fields = set(fields)
    if "name" in fields and not (organization.name or "").strip():
        raise ValidationError({"name": NAME_REQUIRED})
    if "website" in fields:
        _validate_url(organization.website, "website")
    if "email" in fields:
        _validate_email(organization.email, "email")
    organization.full_clean(
        exclude=_others(organization, fields), validate_unique=False, validate_constraints=False
    )


def _apply(
    instance: models.Model, allowed: Sequence[str], changes: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Set the allowed fields from `changes`; return {field: (old, new)} for real changes."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    changed: dict[str, tuple[Any, Any]] = {}
    for field, raw in changes.items():
        model_field = instance._meta.get_field(field)
        new = _clean_text(raw)
        if new is None and not model_field.null:
            new = ""
        if new == "" and model_field.null:
            new = None
        old = getattr(instance, field)
        if old != new:
            changed[field] = (old, new)
            setattr(instance, field, new)
    return changed


def _update_logged(row: models.Model, values: Mapping[str, Any], *, by: Any) -> bool:
    """Set the fields of `row` that differ from `values`, one metadata row each; save."""
    updates = {f: v for f, v in values.items() if getattr(row, f) != v}
    for field, value in updates.items():
        _log(
            row,
            action="update",
            field=field,
            previous=getattr(row, field),
            replacement=value,
            by=by,
        )
        setattr(row, field, value)
    if updates:
        row.save(update_fields=list(updates))
    return bool(updates)


def _touch(service: Service) -> None:
    service.last_modified = timezone.now()
    service.save(update_fields=["last_modified"])


@transaction.atomic
def update_organization(
    organization: Organization,
    *,
    by: Any,
    changes: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Apply a partner's edit to an organisation; return the names of the changed fields."""
    _require_editor(by, organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changed = _apply(organization, ORGANIZATION_FIELDS, changes)
    if not changed:
        return []
    _validate_organization(organization, changed)
    organization.save(update_fields=list(changed))
    for field, (old, new) in changed.items():
        _log(organization, action="update", field=field, previous=old, replacement=new, by=by)
    audit.record(
        action="update",
        actor=by,
        obj=organization,
        request=request,
        detail={"fields": list(changed)},
    )
    return list(changed)


@transaction.atomic
def update_service(
    service: Service,
    *,
    by: Any,
    changes: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Apply a partner's edit to a service's own fields; return the names of the changed fields."""
    _require_editor(by, service.organization)
    service = Service.objects.select_for_update().get(pk=service.pk)
    changed = _apply(service, SERVICE_FIELDS, changes)
    if not changed:
        return []
    _validate_service(service, changed)
    service.last_modified = timezone.now()
    service.save(update_fields=[*changed, "last_modified"])
    for field, (old, new) in changed.items():
        _log(service, action="update", field=field, previous=old, replacement=new, by=by)
    audit.record(
        action="update", actor=by, obj=service, request=request, detail={"fields": list(changed)}
    )
    return list(changed)


@transaction.atomic
def create_service(
    *,
    organization: Organization,
    by: Any,
    values: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Service:
    """Add a new service to an organisation's listings."""
    _require_editor(by, organization)
    service = Service(organization=organization)
    _apply(service, SERVICE_FIELDS, values)
    _validate_service(service, SERVICE_FIELDS)
    service.last_modified = timezone.now()
    service.save()
    _log_created(service, SERVICE_FIELDS, by=by)
    audit.record(
        action="create",
        actor=by,
        obj=service,
        request=request,
        detail={"organization": str(organization.pk)},
    )
    return service


def _validate_phone(phone: PhoneInput) -> None:
    if sum(ch.isdigit() for ch in phone.number) < 3:
        raise ValidationError({"number": BAD_PHONE})
    if phone.type and phone.type not in PHONE_TYPES:
        raise ValidationError({"type": BAD_PHONE_TYPE})


@transaction.atomic
def set_phones(
    service: Service,
    *,
    by: Any,
    phones: Sequence[PhoneInput],
    request: HttpRequest | None = None,
) -> bool:
    """Make the service's own phone numbers exactly `phones` (rows with an id are kept and
    updated, the rest created; missing ones deleted). Returns whether anything changed."""
    _require_editor(by, service.organization)
    existing = {p.id: p for p in Phone.objects.select_for_update().filter(service=service)}
    cleaned = [
        PhoneInput(
            id=p.id,
            number=p.number.strip(),
            extension=p.extension.strip(),
            type=p.type.strip(),
            description=p.description.strip(),
        )
        for p in phones
    ]
    for phone in cleaned:
        if phone.id is not None and phone.id not in existing:
            raise ValidationError(UNKNOWN_ROW)
        _validate_phone(phone)
    changed = False
    kept = {p.id for p in cleaned if p.id is not None}
    for phone_id, row in existing.items():
        if phone_id not in kept:
            _log_deleted(row, PHONE_FIELDS, by=by)
            row.delete()
            changed = True
    for phone in cleaned:
        if phone.id is None:
            row = Phone.objects.create(
                service=service,
                number=phone.number,
                extension=phone.extension,
                type=phone.type,
                description=phone.description,
            )
            _log_created(row, PHONE_FIELDS, by=by)
            changed = True
            continue
        if _update_logged(existing[phone.id], {f: getattr(phone, f) for f in PHONE_FIELDS}, by=by):
            changed = True
    if changed:
        _touch(service)
        audit.record(
            action="update", actor=by, obj=service, request=request, detail={"fields": ["phones"]}
        )
    return changed


def is_weekly_row(schedule: Schedule) -> bool:
    """A plain weekly opening period, the kind the hours editor manages."""
    days = [d.strip() for d in schedule.byday.split(",") if d.strip()]
    return (
        # Hours tied to one location are shown (and edited) with that location.
        schedule.location_id is None
        and schedule.service_at_location_id is None
        and schedule.freq in ("", "WEEKLY")
        and bool(days)
        and all(d in DAY_CODES for d in days)
        and schedule.valid_from is None
        and schedule.valid_to is None
        and schedule.opens_at is not None
        and schedule.closes_at is not None
    )


def weekly_hours(service: Service) -> list[WeeklyHours]:
    """The service's editable weekly hours, as the editor shows them."""
    return [
        WeeklyHours(
            days=_ordered_days(s.byday.split(",")), opens_at=s.opens_at, closes_at=s.closes_at
        )
        for s in service.schedules.all()
        if is_weekly_row(s)
    ]


def _ordered_days(days: Iterable[str]) -> tuple[str, ...]:
    wanted = {d.strip() for d in days}
    return tuple(d for d in DAY_CODES if d in wanted)


def _validate_hours(period: WeeklyHours) -> None:
    if not period.days or any(d not in DAY_CODES for d in period.days):
        raise ValidationError({"days": NO_DAYS})
    if period.opens_at is None or period.closes_at is None:
        raise ValidationError({"opens_at": MISSING_TIME})
    if period.opens_at == period.closes_at and period.opens_at != dt.time(0, 0):
        raise ValidationError({"closes_at": SAME_TIMES})


@transaction.atomic
def set_weekly_hours(
    service: Service,
    *,
    by: Any,
    hours: Sequence[WeeklyHours],
    request: HttpRequest | None = None,
) -> bool:
    """Make the service's weekly opening hours exactly `hours`.

    Other schedule rows (holidays, monthly, per-location) are left alone. Periods that
    did not change keep their rows; a period whose days stay the same is updated in place.
    """
    _require_editor(by, service.organization)
    for period in hours:
        _validate_hours(period)
    wanted = [
        WeeklyHours(days=_ordered_days(p.days), opens_at=p.opens_at, closes_at=p.closes_at)
        for p in hours
    ]
    rows = [
        s for s in Schedule.objects.select_for_update().filter(service=service) if is_weekly_row(s)
    ]

    def row_key(row: Schedule) -> tuple[frozenset[str], dt.time, dt.time]:
        return (frozenset(d.strip() for d in row.byday.split(",")), row.opens_at, row.closes_at)

    unmatched_rows = list(rows)
    to_add: list[WeeklyHours] = []
    for period in wanted:
        same = next((r for r in unmatched_rows if row_key(r) == period.key()), None)
        if same is not None:
            unmatched_rows.remove(same)
        else:
            to_add.append(period)
    changed = False
    for period in list(to_add):
        same_days = next(
            (r for r in unmatched_rows if row_key(r)[0] == frozenset(period.days)), None
        )
        if same_days is None:
            continue
        unmatched_rows.remove(same_days)
        to_add.remove(period)
        _update_logged(
            same_days,
            {
                "opens_at": period.opens_at,
                "closes_at": period.closes_at,
                "freq": "WEEKLY",
                "description": "",
            },
            by=by,
        )
        changed = True
    for row in unmatched_rows:
        _log_deleted(row, SCHEDULE_FIELDS, by=by)
        row.delete()
        changed = True
    for period in to_add:
        row = Schedule.objects.create(
            service=service,
            freq="WEEKLY",
            byday=",".join(period.days),
            opens_at=period.opens_at,
            closes_at=period.closes_at,
        )
        _log_created(row, SCHEDULE_FIELDS, by=by)
        changed = True
    if changed:
        _touch(service)
        audit.record(
            action="update",
            actor=by,
            obj=service,
            request=request,
            detail={"fields": ["schedules"]},
        )
    return changed


@transaction.atomic
def set_languages(
    service: Service,
    *,
    by: Any,
    languages: Sequence[LanguageInput],
    request: HttpRequest | None = None,
) -> bool:
    """Make the languages the service is offered in exactly `languages` (matched by code,
    else by name). Returns whether anything changed."""
    _require_editor(by, service.organization)
    wanted: dict[str, LanguageInput] = {}
    for language in languages:
        cleaned = LanguageInput(name=language.name.strip(), code=language.code.strip().lower())
        if not cleaned.name:
            raise ValidationError({"name": LANGUAGE_NAME_REQUIRED})
        wanted.setdefault(cleaned.key(), cleaned)
    existing = list(Language.objects.select_for_update().filter(service=service))
    have = {LanguageInput(name=row.name, code=row.code.lower()).key() for row in existing}
    changed = False
    for row in existing:
        if LanguageInput(name=row.name, code=row.code.lower()).key() not in wanted:
            _log_deleted(row, LANGUAGE_FIELDS, by=by)
            row.delete()
            changed = True
    for key, language in wanted.items():
        if key in have:
            continue
        row = Language.objects.create(service=service, name=language.name, code=language.code)
        _log_created(row, LANGUAGE_FIELDS, by=by)
        changed = True
    if changed:
        _touch(service)
        audit.record(
            action="update",
            actor=by,
            obj=service,
            request=request,
            detail={"fields": ["languages"]},
        )
    return changed
