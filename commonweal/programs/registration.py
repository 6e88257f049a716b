"""Registering residents for meetings: places, the waiting list, messages, cancel, check-in.

Capacity is per meeting (occurrence). `register` locks the session's row (SELECT … FOR
UPDATE) before counting, so two people registering at once for the last place are
serialised: one gets it, the other the waiting list. Names and contacts are person data:
never logged, encrypted at rest, read only through pages that check
`policy.can_see_registrants` and audit the read.

The private link that cancels is derived, not stored: an HMAC (keyed from SECRET_KEY) of the
registration's id and a stored nonce, so the confirmation, a place freed from the waiting
list, a cancelled meeting and the reminder can all carry it; only its SHA-256 is stored.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from commonweal.lib import rate_limit
from commonweal.programs import recurrence
from commonweal.programs.models import Registration, RegistrationStatus, Session
from commonweal.referrals import outbox
from commonweal.referrals.phones import normalise_phone

REMINDER_BEFORE = dt.timedelta(hours=24)
# Sign-ups per client address per hour: a family or a youth worker signs up a handful; a
# script filling meetings with made-up names meets the limit.
SIGNUP_LIMIT = 10
SIGNUP_WINDOW_SECONDS = 60 * 60
TOKEN_SALT = "commonweal.programs.registration.link"

NO_SUCH_MEETING = _("This meeting is not on the calendar.")
MEETING_CANCELLED = _("This meeting is cancelled.")
MEETING_PAST = _("This meeting has already started.")
NAME_NEEDED = _("Enter a name or initials.")
CONTACT_NEEDED = _("Enter a phone number or an email address.")


@dataclass(frozen=True)
class Counts:
    registered: int = 0
    waitlisted: int = 0
    attended: int = 0


def parse_contact(raw: str) -> tuple[str, str]:
    """(channel, normalised contact) of a phone number or an email, or ValidationError."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError({"contact": [CONTACT_NEEDED]})
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                {"contact": [_("This is not an email address like name@example.org.")]}
            ) from None
        return outbox.Channel.EMAIL, text
    try:
        return outbox.Channel.SMS, normalise_phone(text)
    except ValidationError as error:
        raise ValidationError({"contact": error.messages}) from None


def meeting(session: Session, key: dt.datetime) -> recurrence.Occurrence | None:
    wall = key.replace(tzinfo=None, microsecond=0)
    return next((o for o in session.occurrences() if o.key == wall), None)


def _check(session: Session, key: dt.datetime, now: dt.datetime) -> recurrence.Occurrence:
    found = meeting(session, key)
    if found is None:
        raise ValidationError({"occurrence": [NO_SUCH_MEETING]})
    if found.cancelled:
        raise ValidationError({"occurrence": [MEETING_CANCELLED]})
    if found.start <= now:
        raise ValidationError({"occurrence": [MEETING_PAST]})
    return found


def _taken(session: Session, key: str) -> int:
    return Registration.objects.filter(
        session=session, occurrence=key, status=RegistrationStatus.REGISTERED
    ).count()


def within_signup_limit(address: str | None) -> bool:
    """Count one sign-up from this client address; False once it is past SIGNUP_LIMIT."""
    key = f"meeting-signups:{address or 'unknown'}"
    return rate_limit.hit(key, window_seconds=SIGNUP_WINDOW_SECONDS) <= SIGNUP_LIMIT


def register(
    session: Session,
    *,
    occurrence: dt.datetime,
    name: str,
    contact: str,
    language: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """A place at one meeting, or the waiting list when it is full; the confirmation and the
    reminder are queued in the same transaction."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [NAME_NEEDED]
    elif len(name) > 100:
        errors["name"] = [_("A name of at most 100 letters, please.")]
    try:
        channel, contact = parse_contact(contact)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        found = _check(session, occurrence, now)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The lock that makes "count, then insert" safe under concurrent registrations.
        locked = Session.objects.select_for_update().select_related("programme").get(pk=session.pk)
        key = found.key.isoformat()
        full = locked.capacity is not None and _taken(locked, key) >= locked.capacity
        registration = Registration(
            session=locked,
            occurrence=key,
            name=name,
            contact=contact,
            channel=channel,
            language=outbox.language_code(language),
            status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED,
            token_nonce=secrets.token_hex(16),
        )
        registration.token_hash = hash_token(_derive(registration, settings.SECRET_KEY))
        registration.save(force_insert=True)
        _send(registration, found, "programme-registered", now=now)
        if not full:
            _remind(registration, found, now=now)
    return registration


def cancel(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The resident's own cancel (private link); the first on the waiting list moves up."""
    now = now or timezone.now()
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=registration.session_id).first()
        registration = Registration.objects.select_related("session__programme").get(
            pk=registration.pk
        )
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        held_place = registration.status == RegistrationStatus.REGISTERED
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        outbox.OutboxMessage.objects.filter(
            idempotency_key=_key(registration, "programme-reminder"),
            status=outbox.OutboxStatus.PENDING,
        ).update(status=outbox.OutboxStatus.CANCELLED)
        if held_place:
            _promote(registration.session, registration.occurrence, now=now)
    return registration


def _promote(session: Session, key: str, *, now: dt.datetime) -> None:
    if session.capacity is not None and _taken(session, key) >= session.capacity:
        return
    waiting = (
        Registration.objects.filter(
            session=session, occurrence=key, status=RegistrationStatus.WAITLISTED
        )
        .order_by("created_at")
        .first()
    )
    found = meeting(session, dt.datetime.fromisoformat(key))
    if waiting is None or found is None or found.start <= now:
        return
    waiting.status = RegistrationStatus.REGISTERED
    waiting.save(update_fields=["status"])
    _send(waiting, found, "programme-place-free", now=now)
    _remind(waiting, found, now=now)


def meeting_cancelled(session: Session, found: recurrence.Occurrence) -> int:
    """Tell everyone signed up (or waiting) for a meeting the partner cancelled; withdraw their
    reminders. Returns how many were told."""
    people = list(
        Registration.objects.filter(session=session, occurrence=found.key.isoformat())
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session__programme", "session__location")
    )
    for person in people:
        outbox.OutboxMessage.objects.filter(
            idempotency_key=_key(person, "programme-reminder"),
            status=outbox.OutboxStatus.PENDING,
        ).update(status=outbox.OutboxStatus.CANCELLED)
        _enqueue(person, found, "programme-meeting-cancelled", send_after=timezone.now())
    return len(people)


def check_in(registration: Registration, *, attended: bool, by: Any) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(attended=attended)
    registration.attended = attended
    return registration


def counts(session: Session) -> dict[str, Counts]:
    """Registered, waiting and attended per meeting (occurrence key) of a session."""
    rows = (
        Registration.objects.filter(session=session)
        .values("occurrence")
        .annotate(
            registered=Count("id", filter=Q(status=RegistrationStatus.REGISTERED)),
            waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
            attended=Count("id", filter=Q(status=RegistrationStatus.REGISTERED, attended=True)),
        )
    )
    return {
        row["occurrence"]: Counts(row["registered"], row["waitlisted"], row["attended"])
        for row in rows
    }


def _key(registration: Registration, kind: str) -> str:
    return f"{kind}:{registration.pk}"


# --- the private link -----------------------------------------------------------------------


def _derive(registration: Registration, secret: str) -> str:
    value = f"{registration.pk}:{registration.token_nonce}"
    digest = salted_hmac(TOKEN_SALT, value, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(registration: Registration) -> str:
    """The private link's token, derived again (it is not stored). Derived with SECRET_KEY, or
    with a key in SECRET_KEY_FALLBACKS while one is kept after a rotation; once no key gives
    the stored hash (the old key retired, or a row of before the hashing), the registration is
    re-keyed: a new nonce and hash, the old hash kept so the link already sent still works."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        token = _derive(registration, secret)
        if constant_time_compare(hash_token(token), registration.token_hash):
            return token
    return _rekey(registration)


def _rekey(registration: Registration) -> str:
    old = registration.token_hash
    fresh = Registration(pk=registration.pk, token_nonce=secrets.token_hex(16))
    token = _derive(fresh, settings.SECRET_KEY)
    # Only if nobody re-keyed it meanwhile: two messages at once must not leave one dead link.
    changed = Registration.objects.filter(pk=registration.pk, token_hash=old).update(
        token_nonce=fresh.token_nonce, token_hash=hash_token(token), previous_token_hash=old
    )
    if not changed:
        registration.refresh_from_db(fields=["token_nonce", "token_hash", "previous_token_hash"])
        return token_for(registration)
    registration.token_nonce = fresh.token_nonce
    registration.token_hash = hash_token(token)
    registration.previous_token_hash = old
    return token


def find(token: str, queryset: QuerySet[Registration] | None = None) -> Registration | None:
    """The registration whose private link holds this token, by its hash (the current link,
    or the one before a re-key); None for anything else."""
    if not token or len(token) > 64:
        return None
    wanted = hash_token(token)
    rows = Registration.objects.all() if queryset is None else queryset
    return rows.filter(Q(token_hash=wanted) | Q(previous_token_hash=wanted)).first()


def cancel_url(registration: Registration) -> str:
    return reverse("events:registration", kwargs={"token": token_for(registration)})


def _send(
    registration: Registration, found: recurrence.Occurrence, kind: str, *, now: dt.datetime
) -> None:
    _enqueue(registration, found, kind, send_after=now)


def _remind(registration: Registration, found: recurrence.Occurrence, *, now: dt.datetime) -> None:
    due = found.start - REMINDER_BEFORE
    if due > now:
        _enqueue(registration, found, "programme-reminder", send_after=due)


def _enqueue(
    registration: Registration,
    found: recurrence.Occurrence,
    kind: str,
    *,
    send_after: dt.datetime,
) -> None:
    session = registration.session
    context = {
        "kind": kind,
        "status": registration.status,
        "programme": session.programme.name,
        "start": found.start,
        "place": session.location.name if session.location_id else "",
        "online": session.online_url,
        "link": settings.COMMONWEAL_SITE_URL + cancel_url(registration),
    }
    language = registration.language or settings.LANGUAGE_CODE
    outbox.enqueue(
        kind=kind,
        channel=registration.channel,
        recipient_kind=outbox.RecipientKind.PERSON,
        to=registration.contact,
        subject=session.programme.name,
        body=outbox.render("programs/messages/registration.txt", context, language),
        language=language,
        key=_key(registration, kind),
        send_after=send_after,
    )
