"""The referral state machine: FHIR Task statuses, who may move a referral, and why.

One table (`TRANSITIONS`) says which moves exist and which side makes each: the *sender*
(care staff of the referring organisation) or the *receiver* (care staff of the
organisation the referral is addressed to). `transition` is the only code that changes a
referral's status. It checks, in order: the caller's version (stale → StaleVersion,
nothing written), that the move exists (IllegalTransition), that the caller's side may
make it (NotAllowed), and the reason/outcome the move needs (InvalidReferral). Then, in
one transaction, it updates the referral, bumps its version, appends a ReferralEvent and
writes the audit log. See docs/referrals.md for the diagram.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.referrals import notifications, reminders
from commonweal.referrals.errors import (
    IllegalTransition,
    InvalidReferral,
    NotAllowed,
    StaleVersion,
)
from commonweal.referrals.models import Outcome, ReasonCode, Referral, ReferralEvent
from commonweal.referrals.models import ReferralStatus as S

REFERRAL_TYPE = "referrals.referral"
SENDER, RECEIVER = "sender", "receiver"
MAX_TEXT = 2000

# (from, to) → the sides that may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.REQUESTED): frozenset({SENDER}),
    (S.DRAFT, S.CANCELLED): frozenset({SENDER}),
    (S.REQUESTED, S.RECEIVED): frozenset({RECEIVER}),
    (S.REQUESTED, S.ACCEPTED): frozenset({RECEIVER}),
    (S.REQUESTED, S.REJECTED): frozenset({RECEIVER}),
    (S.REQUESTED, S.CANCELLED): frozenset({SENDER}),
    (S.RECEIVED, S.ACCEPTED): frozenset({RECEIVER}),
    (S.RECEIVED, S.REJECTED): frozenset({RECEIVER}),
    (S.RECEIVED, S.CANCELLED): frozenset({SENDER}),
    (S.ACCEPTED, S.IN_PROGRESS): frozenset({RECEIVER}),
    (S.ACCEPTED, S.ON_HOLD): frozenset({RECEIVER}),
    (S.ACCEPTED, S.FAILED): frozenset({RECEIVER}),
    (S.ACCEPTED, S.COMPLETED): frozenset({RECEIVER}),
    (S.ACCEPTED, S.CANCELLED): frozenset({SENDER, RECEIVER}),
    (S.IN_PROGRESS, S.ON_HOLD): frozenset({RECEIVER}),
    (S.IN_PROGRESS, S.FAILED): frozenset({RECEIVER}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({RECEIVER}),
    (S.IN_PROGRESS, S.CANCELLED): frozenset({SENDER, RECEIVER}),
    (S.ON_HOLD, S.ACCEPTED): frozenset({RECEIVER}),
    (S.ON_HOLD, S.IN_PROGRESS): frozenset({RECEIVER}),
    (S.ON_HOLD, S.FAILED): frozenset({RECEIVER}),
    (S.ON_HOLD, S.CANCELLED): frozenset({SENDER, RECEIVER}),
}
TERMINAL = frozenset({S.REJECTED, S.CANCELLED, S.FAILED, S.COMPLETED})
OPEN = frozenset(set(S.values) - TERMINAL - {S.DRAFT})

# Moves that need a reason code, and which codes fit each ("other" always needs text).
REASONS: dict[str, frozenset[str]] = {
    S.REJECTED: frozenset(
        {
            ReasonCode.NO_CAPACITY,
            ReasonCode.NOT_ELIGIBLE,
            ReasonCode.COULD_NOT_CONTACT,
            ReasonCode.PERSON_DECLINED,
            ReasonCode.DUPLICATE,
            ReasonCode.OTHER,
        }
    ),
    S.CANCELLED: frozenset(
        {ReasonCode.PERSON_DECLINED, ReasonCode.DUPLICATE, ReasonCode.NO_CAPACITY, ReasonCode.OTHER}
    ),
    S.FAILED: frozenset(
        {
            ReasonCode.COULD_NOT_CONTACT,
            ReasonCode.PERSON_DECLINED,
            ReasonCode.NOT_ELIGIBLE,
            ReasonCode.NO_CAPACITY,
            ReasonCode.OTHER,
        }
    ),
    S.ON_HOLD: frozenset(set(ReasonCode.values) - {ReasonCode.CONSENT_REVOKED}),
}


@dataclass(frozen=True)
class Move:
    """What a caller asks for: the target status and what that status needs."""

    to_status: str
    reason: str = ""
    text: str = ""
    outcome: str = ""
    outcome_note: str = ""


def sides(user: Any, referral: Referral) -> set[str]:
    """Which sides of this referral the user acts for (both when one organisation is both)."""
    found = set()
    organization_ids = set(policy.care_organization_ids(user))
    if referral.from_organization_id in organization_ids:
        found.add(SENDER)
    if referral.to_organization_id in organization_ids:
        found.add(RECEIVER)
    return found


def allowed_moves(user: Any, referral: Referral) -> list[str]:
    """The statuses this user may move the referral to now (for offering buttons)."""
    mine = sides(user, referral)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == referral.status and who & mine]


def _check_move(referral: Referral, move: Move, mine: set[str]) -> None:
    key = (referral.status, move.to_status)
    if move.to_status not in S.values:
        raise InvalidReferral(
            _("“%(status)s” is not a referral status.") % {"status": move.to_status}
        )
    if key not in TRANSITIONS:
        raise IllegalTransition(
            _("A referral that is %(current)s cannot become %(target)s.")
            % {"current": S(referral.status).label, "target": S(move.to_status).label}
        )
    if not TRANSITIONS[key] & mine:
        if SENDER in TRANSITIONS[key]:
            raise NotAllowed(_("Only the referring organisation can make this change."))
        raise NotAllowed(_("Only the receiving organisation can make this change."))
    if "\x00" in move.text + move.outcome_note + move.reason:
        raise InvalidReferral(_("The explanation cannot contain control characters."))
    if len(move.text) > MAX_TEXT or len(move.outcome_note) > MAX_TEXT:
        raise InvalidReferral(_("Keep the explanation under %(n)d characters.") % {"n": MAX_TEXT})
    needed = REASONS.get(move.to_status)
    if move.to_status == S.ON_HOLD and not move.reason:
        pass  # on hold may be a plain pause
    elif needed is not None and move.reason not in needed:
        raise InvalidReferral(
            _("Choose a reason: %(choices)s.") % {"choices": ", ".join(sorted(needed))},
            code="reason-required",
        )
    elif needed is None and move.reason:
        raise InvalidReferral(_("This change takes no reason code."))
    if move.reason == ReasonCode.OTHER and not move.text.strip():
        raise InvalidReferral(_("Say why, when the reason is “other”."), code="text-required")
    if move.to_status == S.COMPLETED:
        if move.outcome not in Outcome.values:
            raise InvalidReferral(
                _("Say how it ended: served, partially served or not served."),
                code="outcome-required",
            )
        if move.outcome != Outcome.SERVED and not move.outcome_note.strip():
            raise InvalidReferral(
                _("Say why the person was not fully served."), code="text-required"
            )
    elif move.outcome or move.outcome_note:
        raise InvalidReferral(_("An outcome is recorded only when the referral is completed."))


def transition(
    *,
    referral: Referral,
    move: Move,
    by: Any,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Referral:
    """Move `referral` as `move` says, acting as `by`; returns the updated referral.

    Raises StaleVersion, IllegalTransition, NotAllowed or InvalidReferral; nothing is
    written unless the whole move succeeds."""
    with transaction.atomic():
        # The row lock makes a second writer wait, then see the version the first one wrote.
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.version != expected_version:
            raise _stale(current.version, expected_version)
        mine = sides(by, current)
        if not mine:
            # A superuser may read referrals (audit-logged) but acts on no one's behalf.
            raise NotAllowed(_("You are not on either side of this referral."))
        _check_move(current, move, mine)
        if move.to_status == S.REQUESTED:
            # Sending shares the person's data: the consent must still hold right now.
            from commonweal.referrals import referring

            referring.check_consent_for(current)
        return _apply(current, move, by, request)


def _apply(current: Referral, move: Move, by: Any, request: HttpRequest | None) -> Referral:
    now = timezone.now()
    from_status = current.status
    current.status = move.to_status
    current.status_reason = move.reason
    current.version += 1
    if move.to_status == S.REQUESTED:
        current.sent_at = now
    if move.to_status in TERMINAL:
        current.closed_at = now
    if move.to_status == S.COMPLETED:
        current.outcome = move.outcome
        current.outcome_note = move.outcome_note.strip()
    _save_if_unchanged(
        current, "status", "status_reason", "sent_at", "closed_at", "outcome", "outcome_note"
    )
    _event(current, from_status=from_status, by=by, reason=move.reason, text=move.text, at=now)
    notifications.on_transition(current, from_status)  # outbox rows, in this transaction
    audit.record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=current,
        object_type=REFERRAL_TYPE,
        person_id=str(current.person_id),
        request=request,
        detail={"from": from_status, "to": current.status, "reason": move.reason},
    )
    return current


def _stale(now: int, had: int) -> StaleVersion:
    return StaleVersion(
        _(
            "Someone else changed this referral (now version %(now)d, you had %(had)d). "
            "Reload it and try again."
        )
        % {"now": now, "had": had}
    )


def _save_if_unchanged(referral: Referral, *fields: str) -> None:
    """Write the fields and the bumped version only if nobody bumped it first.

    The row lock already makes a second writer wait on PostgreSQL; this compare-and-set
    keeps the promise on databases whose SELECT … FOR UPDATE is a no-op (SQLite)."""
    values = {name: getattr(referral, name) for name in fields}
    values["updated_at"] = timezone.now()
    written = Referral.objects.filter(pk=referral.pk, version=referral.version - 1).update(
        version=referral.version, **values
    )
    if written != 1:
        now = Referral.objects.filter(pk=referral.pk).values_list("version", flat=True).first()
        raise _stale(now or 0, referral.version - 1)


def _event(
    referral: Referral, *, from_status: str, by: Any, reason: str, text: str, at: dt.datetime
) -> ReferralEvent:
    mine = sides(by, referral)
    organization_id = (
        (referral.to_organization_id if RECEIVER in mine else referral.from_organization_id)
        if mine
        else None
    )
    return ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=referral.status,
        actor=by,
        actor_organization_id=organization_id,
        at=at,
        reason=reason,
        text=text.strip(),
        version=referral.version,
    )


# A year back covers recording an appointment after the fact, five years ahead any real
# booking; outside is a typing slip, and dates near year 1 or 9999 overflow when converted
# to other time zones (reminders, pages, .ics).
APPOINTMENT_PAST = dt.timedelta(days=366)
APPOINTMENT_AHEAD = dt.timedelta(days=5 * 366)


def _plausible_appointment(at: dt.datetime) -> bool:
    try:
        offset = at - timezone.now()
    except OverflowError:
        return False
    return -APPOINTMENT_PAST <= offset <= APPOINTMENT_AHEAD


def schedule_appointment(
    *,
    referral: Referral,
    at: dt.datetime | None,
    by: Any,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Referral:
    """The receiver sets (or clears, with None) the appointment; the status does not change."""
    if at is not None and timezone.is_naive(at):
        raise InvalidReferral(_("Give the appointment time with its time zone."))
    if at is not None and not _plausible_appointment(at):
        raise InvalidReferral(
            _("Give an appointment at most a year ago and at most five years ahead.")
        )
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.version != expected_version:
            raise _stale(current.version, expected_version)
        if RECEIVER not in sides(by, current):
            raise NotAllowed(_("Only the receiving organisation can schedule the appointment."))
        if current.status not in (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD):
            raise IllegalTransition(_("Accept the referral before scheduling an appointment."))
        current.appointment_at = at
        current.version += 1
        _save_if_unchanged(current, "appointment_at")
        _event(
            current,
            from_status=current.status,
            by=by,
            reason="appointment",
            text=at.isoformat() if at else "",
            at=timezone.now(),
        )
        reminders.plan(current)  # queues, moves or cancels the person's reminder
        audit.record(
            action=AuditEvent.Action.UPDATE,
            actor=by,
            obj=current,
            object_type=REFERRAL_TYPE,
            person_id=str(current.person_id),
            request=request,
            detail={"appointment": bool(at)},
        )
        return current
