"""Storing a screening: scored and stored in one transaction, once per submission.

`record_for_person` is what the navigator's form and the API call: it scores the answers
(bad answers raise before anything is written), stores the screening with its result,
audit-logs it and — when the result triggers the crisis safety protocol — opens the
urgent follow-up in the same transaction. The submission's idempotency key makes a
double click, a resubmitted page or an API retry return the screening already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.screening import instruments, results, safety, scoring
from commonweal.screening.models import SafetyFollowUp, Screening
from commonweal.screening.types import ScoreResult

SCREENING_TYPE = "screening.screening"
MAX_KEY_LENGTH = 80


class RecordingError(ValueError):
    pass


class KeyReused(RecordingError):
    """The idempotency key already made a screening of someone else, or by someone else."""


@dataclass(frozen=True)
class Recorded:
    screening: Screening
    created: bool
    follow_up: SafetyFollowUp | None


def _existing(key: str | None) -> Screening | None:
    if not key:
        return None
    return Screening.objects.filter(idempotency_key=key).first()


def _same_submission(
    screening: Screening, *, person: Any = None, user: Any = None, by: Any
) -> bool:
    if person is not None:
        return screening.person_id == person.pk and screening.created_by_id == by.pk
    return screening.user_id == user.pk


def _replay(screening: Screening) -> Recorded:
    return Recorded(
        screening=screening,
        created=False,
        follow_up=SafetyFollowUp.objects.filter(screening=screening).first(),
    )


def record_for_person(
    *,
    person: Any,
    instrument: instruments.Instrument,
    answers: dict[str, Any],
    language: str,
    by: Any,
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
    result: ScoreResult | None = None,
) -> Recorded:
    """Score and store a navigator's screening of `person`; start the safety protocol if due.

    Raises scoring.InvalidAnswers (nothing stored), KeyReused, or PermissionError."""
    if not policy.can_edit_person(by, person):
        raise PermissionError("Only the person's care team can screen them.")
    organization = policy.acting_organization(by, person)
    if organization is None:
        raise PermissionError("Screen people on behalf of an organisation in their care team.")
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise RecordingError(f"An idempotency key has 1 to {MAX_KEY_LENGTH} characters.")
    existing = _existing(idempotency_key)
    if existing is not None:
        if not _same_submission(existing, person=person, by=by):
            raise KeyReused("This submission key was already used for another screening.")
        return _replay(existing)
    if result is None:
        result = scoring.score(instrument, answers)
    try:
        with transaction.atomic():
            screening = Screening.objects.create(
                person=person,
                instrument=instrument.code,
                language=language,
                answers=answers,
                result=results.to_json(result),
                safety_triggered=result.safety.triggered,
                safety_acute=result.safety.acute,
                organization=organization,
                created_by=by,
                idempotency_key=idempotency_key or None,
            )
            audit.record(
                action=AuditEvent.Action.CREATE,
                actor=by,
                obj=screening,
                object_type=SCREENING_TYPE,
                person_id=str(person.pk),
                request=request,
                detail={"instrument": instrument.code, "organization": str(organization.pk)},
            )
            follow_up = None
            if result.safety.triggered:
                follow_up = safety.start_protocol(screening=screening, by=by, request=request)
    except IntegrityError:
        # Two identical submissions raced; the other one won and made the screening.
        existing = _existing(idempotency_key)
        if existing is None or not _same_submission(existing, person=person, by=by):
            raise
        return _replay(existing)
    return Recorded(screening=screening, created=True, follow_up=follow_up)


def save_own(
    *,
    user: Any,
    instrument: instruments.Instrument,
    answers: dict[str, Any],
    language: str,
    idempotency_key: str,
    request: HttpRequest | None = None,
) -> Recorded:
    """A resident keeps their own self-screen on their account (their explicit choice)."""
    existing = _existing(idempotency_key)
    if existing is not None:
        if not _same_submission(existing, user=user, by=user):
            raise KeyReused("This submission key was already used for another screening.")
        return _replay(existing)
    result = scoring.score(instrument, answers)
    try:
        with transaction.atomic():
            screening = Screening.objects.create(
                user=user,
                instrument=instrument.code,
                language=language,
                answers=answers,
                result=results.to_json(result),
                safety_triggered=result.safety.triggered,
                safety_acute=result.safety.acute,
                created_by=user,
                idempotency_key=idempotency_key,
            )
            audit.record(
                action=AuditEvent.Action.CREATE,
                actor=user,
                obj=screening,
                object_type=SCREENING_TYPE,
                request=request,
                detail={"instrument": instrument.code, "own": True},
            )
    except IntegrityError:
        existing = _existing(idempotency_key)
        if existing is None or not _same_submission(existing, user=user, by=user):
            raise
        return _replay(existing)
    return Recorded(screening=screening, created=True, follow_up=None)


def record_read(
    *, screening: Screening, by: Any, request: HttpRequest | None = None, what: str = "screening"
) -> None:
    """Audit-log a read of one screening (answers are sensitive health data)."""
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        obj=screening,
        object_type=SCREENING_TYPE,
        person_id=str(screening.person_id or ""),
        request=request,
        detail={
            "read": what,
            **({"as_superuser": True} if policy.reads_outside_care_team(by) else {}),
        },
    )
