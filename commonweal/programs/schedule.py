"""Writing programmes and sessions: keyword-only, validated, all-or-nothing.

Each function checks everything first and raises django's ValidationError naming the field
that is wrong (messages below, reused by the tests); nothing is saved unless all is well.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonweal.programs import recurrence
from commonweal.programs.models import (
    Cancellation,
    Programme,
    Registration,
    RegistrationStatus,
    Session,
)

PROGRAMME_FIELDS = (
    "name",
    "kind",
    "description",
    "service",
    "starts_on",
    "time_zone",
    "languages",
    "is_free",
    "fee",
    "minimum_age",
    "maximum_age",
    "published",
)
SESSION_FIELDS = (
    "title",
    "starts_on",
    "start_time",
    "duration_minutes",
    "rule",
    "exdates",
    "location",
    "online_url",
    "capacity",
)


def _programme_errors(programme: Programme) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        recurrence.zone(programme.time_zone)
    except recurrence.RecurrenceError as error:
        errors["time_zone"] = [str(error)]
    if programme.service_id and programme.service.organization_id != programme.organization_id:
        errors["service"] = [_("Choose a service of this organisation.")]
    low, high = programme.minimum_age, programme.maximum_age
    if low is not None and high is not None and low > high:
        errors["maximum_age"] = [_("The oldest age must not be below the youngest age.")]
    if not programme.is_free and not programme.fee.strip():
        errors["fee"] = [_("Say what it costs, or tick “free”.")]
    return errors


def _check_programme(programme: Programme) -> None:
    errors: dict[str, list[str]] = {}
    try:
        programme.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    for field, messages in _programme_errors(programme).items():
        errors.setdefault(field, []).extend(messages)
    sessions = [] if programme._state.adding else programme.sessions.all()
    early = [s for s in sessions if s.starts_on < programme.starts_on]
    if early:
        errors.setdefault("starts_on", []).append(
            _("A session starts on %(day)s, before this date. Move the session first.")
            % {"day": min(s.starts_on for s in early).isoformat()}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_programme(*, organization: Any, by: Any, **fields: Any) -> Programme:
    """A new programme of `organization` (the caller has checked `by` may manage it)."""
    programme = Programme(organization=organization, **_only(fields, PROGRAMME_FIELDS))
    _check_programme(programme)
    programme.save()
    return programme


@transaction.atomic
def update_programme(programme: Programme, *, by: Any, **fields: Any) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in _only(fields, PROGRAMME_FIELDS).items():
        setattr(programme, name, value)
    _check_programme(programme)
    programme.save()
    return programme


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(unknown)}")
    return fields


def registrations_count(session: Session) -> int:
    """Places taken at the session's busiest occurrence (the capacity is per occurrence)."""
    busiest = (
        Registration.objects.filter(session=session, status=RegistrationStatus.REGISTERED)
        .values("occurrence")
        .annotate(taken=Count("id"))
        .order_by("-taken")
        .first()
    )
    return busiest["taken"] if busiest else 0


def _check_session(session: Session) -> None:
    errors: dict[str, list[str]] = {}
    try:
        session.full_clean(exclude=["programme"])
    except ValidationError as error:
        errors.update(error.message_dict)
    programme = session.programme
    if session.starts_on and session.starts_on < programme.starts_on:
        errors.setdefault("starts_on", []).append(
            _("A session cannot start before its programme starts (%(day)s).")
            % {"day": programme.starts_on.isoformat()}
        )
    if session.location_id and session.location.organization_id not in (
        None,
        programme.organization_id,
    ):
        errors.setdefault("location", []).append(_("Choose a place of this organisation."))
    if session.duration_minutes is not None and not 0 < session.duration_minutes <= 24 * 60:
        errors.setdefault("duration_minutes", []).append(
            _("A session lasts between 1 minute and 24 hours.")
        )
    if session.rule and session.starts_on and session.start_time:
        try:
            recurrence.parse_rule(
                session.rule, first=session.first_start, time_zone=programme.time_zone
            )
        except recurrence.RecurrenceError as error:
            errors.setdefault("rule", []).append(str(error))
        else:
            session.rule = recurrence.normalize_rule(session.rule)
    if not session._state.adding and "rule" not in errors and "starts_on" not in errors:
        stranded = _stranded_registrations(session)
        if stranded:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ngettext(
                    "%(count)s person signed up for a meeting this change removes.",
                    "%(count)s people signed up for meetings this change removes.",
                    stranded,
                )
                % {"count": stranded}
                + " "
                + _("Cancel those meetings instead, so they are told.")
            )
    taken = 0 if session._state.adding else registrations_count(session)
    if session.capacity is not None and session.capacity < taken:
        errors.setdefault("capacity", []).append(
            _("%(taken)s people have registered already: the places cannot be fewer.")
            % {"taken": taken}
        )
    if errors:
        raise ValidationError(errors)


def _stranded_registrations(session: Session) -> int:
    """Active sign-ups for meetings the session's new schedule no longer has."""
    try:
        keys = {o.key.isoformat() for o in session.occurrences()}
    except recurrence.RecurrenceError:
        return 0  # reported on the rule's field already
    return (
        Registration.objects.filter(session=session)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(occurrence__in=keys)
        .count()
    )


def _exdate_text(values: Any) -> list[str]:
    out = []
    for value in values or []:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        out.append(moment.replace(tzinfo=None, microsecond=0).isoformat())
    return sorted(set(out))


@transaction.atomic
def add_session(programme: Programme, *, by: Any, **fields: Any) -> Session:
    """A new session (one-off or recurring) of `programme`."""
    fields = dict(_only(fields, SESSION_FIELDS))
    fields["exdates"] = _exdate_text(fields.get("exdates"))
    session = Session(programme=programme, **fields)
    _check_session(session)
    session.save()
    return session


@transaction.atomic
def update_session(session: Session, *, by: Any, **fields: Any) -> Session:
    session = Session.objects.select_for_update().select_related("programme").get(pk=session.pk)
    fields = dict(_only(fields, SESSION_FIELDS))
    if "exdates" in fields:
        fields["exdates"] = _exdate_text(fields["exdates"])
    for name, value in fields.items():
        setattr(session, name, value)
    _check_session(session)
    session.save()
    return session


def find_occurrence(session: Session, key: dt.datetime) -> recurrence.Occurrence | None:
    wall = key.replace(tzinfo=None, microsecond=0)
    return next((o for o in session.occurrences() if o.key == wall), None)


@transaction.atomic
def cancel_occurrence(
    session: Session, *, occurrence: dt.datetime, by: Any, reason: str = ""
) -> Cancellation:
    """Mark one occurrence cancelled (it stays on the calendar, marked), once."""
    found = find_occurrence(session, occurrence)
    if found is None:
        raise ValidationError({"occurrence": [_("This session has no meeting at that time.")]})
    cancellation, created = Cancellation.objects.get_or_create(
        session=session, occurrence=found.key.isoformat(), defaults={"reason": reason[:200]}
    )
    if created:
        from commonweal.programs import registration

        # In the same transaction: the people signed up are told, their reminders withdrawn.
        registration.meeting_cancelled(session, found)
    return cancellation


@transaction.atomic
def restore_occurrence(session: Session, *, occurrence: dt.datetime, by: Any) -> None:
    wall = occurrence.replace(tzinfo=None, microsecond=0)
    Cancellation.objects.filter(session=session, occurrence=wall.isoformat()).delete()
