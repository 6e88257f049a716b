"""Personal reminders: plans set by a resident (double opt-in) or by a navigator (with consent).

A plan says what to remind of, when (reminder_schedule.py), by text or email, in which
language and inside which safe hours. Nothing is sent from here: the "personal-reminders"
job (`queue_due`) puts the reminders due in the next LOOKAHEAD into the outbox, one row
per occurrence (its idempotency key), so a restarted or doubled job never sends twice. The
outbox asks `still_wanted` again just before sending: a plan paused or stopped, an address
that said STOP, or a person's consent that lapsed since the row was queued sends nothing.

- A resident's plan starts "unconfirmed": only a confirmation message goes, carrying the
  private manage link; the plan is switched on from that link (so an address cannot be
  signed up by someone else). The link's token is derived from SECRET_KEY and a stored
  nonce, and only its hash is stored.
- A navigator's plan needs the person's active consent to be contacted (a referrals Consent
  naming the navigator's organisation and the "contact" category); it starts at once.
- Every message is generic by default ("your 3:00 PM appointment"): a lock screen is not
  private. The resident's note is shown only if they asked for it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.lib import rate_limit
from commonweal.programs import opt_out, recurrence, reminder_schedule
from commonweal.programs.reminder_models import (
    PlanStatus,
    ReminderKind,
    ReminderPlan,
    Repeat,
)
from commonweal.referrals import consent as consents
from commonweal.referrals import outbox
from commonweal.referrals.models import Person
from commonweal.referrals.phones import normalise_phone
from commonweal.referrals.reminders import mobile_number

logger = logging.getLogger(__name__)

KIND = opt_out.KIND
CONFIRM_KIND = opt_out.CONFIRM_KIND
PLAN_TYPE = "programs.reminderplan"
CONSENT_CATEGORY = "contact"  # referrals DataCategory: "Name and contact details"
LOOKAHEAD = dt.timedelta(days=2)
# A reminder the job finds this late (a worker that was down) still goes; an older one
# would only confuse ("your 8 am pill" at noon).
GRACE = dt.timedelta(minutes=20)
LEAD_CHOICES = (0, 30, 60, 120, 24 * 60)
DEFAULT_WINDOW = (dt.time(8, 0), dt.time(21, 0))
TOKEN_SALT = "commonweal.programs.reminders.manage"

CONSENT_NEEDED = gettext_lazy(
    "This person has no active consent to be contacted by your organisation. Record their "
    "consent (with “Name and contact details”) first."
)
ADDRESS_OPTED_OUT = gettext_lazy(
    "This number or email asked for no more reminders (it sent STOP or used a stop link). "
    "The person can text START, or sign up again themselves."
)
NOT_ALLOWED = gettext_lazy("Only the person's care team can set their reminders.")
TEXT_OFF = gettext_lazy("Text messages are not set up on this site. Choose email.")
BAD_EMAIL = gettext_lazy("This is not an email address like name@example.org.")
NEED_ADDRESS = gettext_lazy("Enter the phone number or email to send reminders to.")
NOT_MOBILE = gettext_lazy("This number cannot get text messages. Check it, or choose email.")
NEED_TIME = gettext_lazy("Enter at least one time, like 8:00 AM.")
TOO_MANY_TIMES = gettext_lazy("Up to four times a day.")
NEED_END = gettext_lazy("Choose the last day for a reminder that repeats.")
END_BEFORE_START = gettext_lazy("The last day must be on or after the first day.")
NEED_DAYS = gettext_lazy("Choose at least one day of the week.")
BAD_WINDOW = gettext_lazy("The end of your safe hours must be after their start.")
OUTSIDE_WINDOW = gettext_lazy(
    "A reminder at %(time)s would be outside your safe hours. Change the time, how early, "
    "or your safe hours."
)
IN_THE_PAST = gettext_lazy("This reminder is in the past. Choose a later date or time.")
TOO_MANY = gettext_lazy("That is too many reminders. Choose an earlier last day.")
TOO_MANY_CONFIRMATIONS = gettext_lazy(
    "We already sent several messages to confirm this address today. Use the link in one of "
    "them, or try again tomorrow."
)
# A public form that sends a text to any number invites abuse (flooding someone's phone,
# "SMS pumping" fraud): a few unconfirmed sign-ups per address a day, a few per visitor.
MAX_UNCONFIRMED_PER_ADDRESS = 3
# A confirmation link left unopened this long no longer switches anything on: an old
# message found later (a shared phone, a forwarded email) is not a fresh "yes".
CONFIRM_WITHIN = dt.timedelta(days=7)
# A finished plan is kept this long (so the person and their navigator can see what was
# sent), then deleted with its address and note.
KEEP_AFTER_END = dt.timedelta(days=90)
SIGNUP_LIMIT = 20
SIGNUP_WINDOW_SECONDS = 3600


class NotAllowed(PermissionError):
    """The user may not set or change this person's reminders."""


@dataclass
class Summary:
    queued: int = 0
    already: int = 0
    skipped: int = 0
    forgotten: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- validation ---------------------------------------------------------------------------------


def parse_address(channel: str, raw: str) -> str:
    """The address in the form it is sent to (E.164, or the email), or a field error."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError({"address": [NEED_ADDRESS]})
    if channel == outbox.Channel.EMAIL:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError({"address": [BAD_EMAIL]}) from None
        return text.lower()
    try:
        normalised = normalise_phone(text)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None
    number = mobile_number(normalised)
    if number is None:
        raise ValidationError({"address": [NOT_MOBILE]})
    return number


def schedule_of(values: dict[str, Any]) -> reminder_schedule.Schedule:
    return reminder_schedule.Schedule(
        starts_on=values["starts_on"],
        times=tuple(sorted(values["times"])),
        repeat=values["repeat"],
        weekdays=tuple(values.get("weekdays") or ()),
        ends_on=values.get("ends_on"),
        time_zone=values["time_zone"],
    )


def plan_schedule(plan: ReminderPlan) -> reminder_schedule.Schedule:
    return reminder_schedule.Schedule(
        starts_on=plan.starts_on,
        times=tuple(dt.time.fromisoformat(t) for t in plan.times),
        repeat=plan.repeat,
        weekdays=tuple(plan.weekdays),
        ends_on=plan.ends_on,
        time_zone=plan.time_zone,
    )


def validate(values: dict[str, Any], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The plan's values, normalised, or a ValidationError naming each bad field."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    clean = dict(values)
    clean["label"] = " ".join(str(values.get("label") or "").split())[:80]
    if clean.get("kind") not in ReminderKind.values:
        errors["kind"] = [_("Choose what the reminder is for.")]
    channel = clean.get("channel")
    if channel not in outbox.Channel.values:
        errors["channel"] = [_("Choose text message or email.")]
    elif channel == outbox.Channel.SMS and not _sms_enabled():
        errors["channel"] = [str(TEXT_OFF)]
    else:
        try:
            clean["address"] = parse_address(channel, values.get("address", ""))
        except ValidationError as error:
            errors.update(error.message_dict)
    clean["language"] = outbox.language_code(values.get("language"))
    try:
        recurrence.zone(values.get("time_zone") or "")
    except recurrence.RecurrenceError as error:
        errors["time_zone"] = [str(error)]
    times = list(values.get("times") or [])
    if not times:
        errors["times"] = [str(NEED_TIME)]
    elif len(times) > reminder_schedule.MAX_TIMES:
        errors["times"] = [str(TOO_MANY_TIMES)]
    repeat = clean.get("repeat")
    if repeat not in Repeat.values:
        errors["repeat"] = [_("Choose how often.")]
    elif repeat != Repeat.ONCE:
        if not clean.get("ends_on"):
            errors["ends_on"] = [str(NEED_END)]
        elif clean.get("starts_on") and clean["ends_on"] < clean["starts_on"]:
            errors["ends_on"] = [str(END_BEFORE_START)]
        if repeat == Repeat.WEEKLY and not clean.get("weekdays"):
            errors["weekdays"] = [str(NEED_DAYS)]
    else:
        clean["ends_on"] = None
        clean["weekdays"] = []
    if repeat != Repeat.WEEKLY:
        clean["weekdays"] = []
    if int(clean.get("lead_minutes") or 0) not in LEAD_CHOICES:
        errors["lead_minutes"] = [_("Choose how early.")]
    window = (clean.get("window_start"), clean.get("window_end"))
    if None in window or window[0] >= window[1]:
        errors["window_end"] = [str(BAD_WINDOW)]
    elif times and "lead_minutes" not in errors:
        lead = dt.timedelta(minutes=int(clean["lead_minutes"]))
        for at in times:
            due = (dt.datetime.combine(dt.date(2000, 1, 3), at) - lead).time()
            if not reminder_schedule.in_window(due, window):
                errors["times"] = [str(OUTSIDE_WINDOW) % {"time": _clock(at)}]
                break
    if not errors and clean.get("starts_on"):
        _check_schedule(clean, now, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _check_schedule(clean: dict[str, Any], now: dt.datetime, errors: dict[str, list]) -> None:
    schedule = schedule_of(clean)
    try:
        starts = reminder_schedule.wall_starts(schedule)
    except recurrence.RecurrenceError as error:
        field = "ends_on" if "sessions" in str(error) else "starts_on"
        errors[field] = [str(TOO_MANY) if field == "ends_on" else str(error)]
        return
    tz = recurrence.zone(schedule.time_zone)
    if recurrence.localize(starts[-1], tz) <= now:
        errors["starts_on"] = [str(IN_THE_PAST)]


def _clock(at: dt.time) -> str:
    from django.utils.formats import time_format

    return time_format(at, "TIME_FORMAT")


def _sms_enabled() -> bool:
    from commonweal.lib import sms

    return sms.is_enabled()


def within_signup_limit(address: str | None) -> bool:
    """Count one sign-up from this visitor's address; False once past SIGNUP_LIMIT an hour."""
    key = f"reminder-signups:{address or 'unknown'}"
    return rate_limit.hit(key, window_seconds=SIGNUP_WINDOW_SECONDS) <= SIGNUP_LIMIT


# --- tokens -------------------------------------------------------------------------------------


def _derive(plan: ReminderPlan, secret: str) -> str:
    value = f"{plan.pk}:{plan.token_nonce}"
    digest = salted_hmac(TOKEN_SALT, value, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:24]


def token_for(plan: ReminderPlan) -> str:
    """The plan's private manage link token (derived, so it need not be stored): with the
    key in SECRET_KEY_FALLBACKS that made it while one is kept after a rotation, so later
    messages carry the link already sent."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        token = _derive(plan, secret)
        if constant_time_compare(hash_token(token), plan.token_hash):
            return token
    return _derive(plan, settings.SECRET_KEY)  # a new plan's, or one whose key was dropped


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_by_token(token: str) -> ReminderPlan | None:
    if not token or len(token) > 64:
        return None
    return ReminderPlan.objects.filter(token_hash=hash_token(token)).first()


def manage_url(plan: ReminderPlan) -> str:
    return settings.COMMONWEAL_SITE_URL + reverse(
        "reminders:manage", kwargs={"token": token_for(plan)}
    )


def stop_url(plan: ReminderPlan) -> str:
    return settings.COMMONWEAL_SITE_URL + reverse(
        "reminders:stop", kwargs={"token": token_for(plan)}
    )


def _new_plan(clean: dict[str, Any], **extra: Any) -> ReminderPlan:
    plan = ReminderPlan(
        kind=clean["kind"],
        label=clean["label"],
        show_label=bool(clean.get("show_label")),
        starts_on=clean["starts_on"],
        times=[t.strftime("%H:%M") for t in sorted(clean["times"])],
        repeat=clean["repeat"],
        weekdays=list(clean.get("weekdays") or []),
        ends_on=clean.get("ends_on"),
        lead_minutes=int(clean["lead_minutes"]),
        time_zone=clean["time_zone"],
        channel=clean["channel"],
        address=clean["address"],
        address_hash=opt_out.address_hash(clean["address"]),
        language=clean["language"],
        window_start=clean["window_start"],
        window_end=clean["window_end"],
        token_nonce=secrets.token_hex(16),
        **extra,
    )
    plan.token_hash = hash_token(token_for(plan))
    plan.save()
    return plan


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def create_for_resident(*, values: dict[str, Any], now: dt.datetime | None = None) -> ReminderPlan:
    """A resident's own plan: stored unconfirmed, and the confirmation message queued."""
    now = now or timezone.now()
    clean = validate(values, now=now)
    recent = ReminderPlan.objects.filter(
        address_hash=opt_out.address_hash(clean["address"]),
        status=PlanStatus.UNCONFIRMED,
        created_at__gte=now - dt.timedelta(days=1),
    ).count()
    if recent >= MAX_UNCONFIRMED_PER_ADDRESS:
        raise ValidationError({"address": [str(TOO_MANY_CONFIRMATIONS)]})
    plan = _new_plan(clean, status=PlanStatus.UNCONFIRMED)
    body = outbox.render(
        "programs/messages/reminder_confirm.txt",
        {"site": settings.SITE_NAME, "link": manage_url(plan), "sms": plan.channel == "sms"},
        plan.language,
    )
    with translation.override(plan.language):
        subject = _("Confirm your reminders from %(site)s") % {"site": settings.SITE_NAME}
    outbox.enqueue(
        kind=CONFIRM_KIND,
        channel=plan.channel,
        recipient_kind=outbox.RecipientKind.PERSON,
        to=plan.address,
        subject=subject,
        body=body,
        language=plan.language,
        key=f"{CONFIRM_KIND}:{plan.pk}",
    )
    return plan


@transaction.atomic
def create_for_person(
    *,
    person: Person,
    values: dict[str, Any],
    by: Any,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> ReminderPlan:
    """A navigator's plan for a person in their care; refused without consent to contact."""
    now = now or timezone.now()
    organization = policy.acting_organization(by, person)
    if organization is None:
        raise NotAllowed(str(NOT_ALLOWED))
    clean = validate(values, now=now)
    if consents.active_consent(person, organization, [CONSENT_CATEGORY], at=now) is None:
        raise ValidationError({"__all__": [str(CONSENT_NEEDED)]})
    if opt_out.is_opted_out(clean["address"]):
        raise ValidationError({"address": [str(ADDRESS_OPTED_OUT)]})
    plan = _new_plan(
        clean,
        person=person,
        organization=organization,
        created_by=by,
        status=PlanStatus.ACTIVE,
        confirmed_at=now,
    )
    _audit(plan, by=by, request=request, action=AuditEvent.Action.CREATE, what="created")
    return plan


def confirmation_expired(plan: ReminderPlan, *, now: dt.datetime | None = None) -> bool:
    """An unconfirmed plan whose link is too old to switch it on (sign up again instead)."""
    now = now or timezone.now()
    return plan.status == PlanStatus.UNCONFIRMED and now - plan.created_at > CONFIRM_WITHIN


@transaction.atomic
def confirm(plan: ReminderPlan, *, now: dt.datetime | None = None) -> ReminderPlan:
    """The resident opened the link sent to the address and said yes: switch the plan on.

    Confirming is a fresh opt-in for this address, so an earlier STOP is lifted."""
    now = now or timezone.now()
    plan = ReminderPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.UNCONFIRMED or confirmation_expired(plan, now=now):
        return plan
    plan.status = PlanStatus.ACTIVE
    plan.confirmed_at = now
    plan.save(update_fields=["status", "confirmed_at"])
    opt_out.opt_in(address=plan.address)
    return plan


@transaction.atomic
def set_status(
    plan: ReminderPlan,
    *,
    status: str,
    by: Any = None,
    request: HttpRequest | None = None,
) -> ReminderPlan:
    """Pause, resume or stop a plan; pausing and stopping cancel its queued reminders."""
    plan = ReminderPlan.objects.select_for_update().get(pk=plan.pk)
    if by is not None and plan.person_id is not None:
        if not policy.can_set_reminders(by, plan.person):
            raise NotAllowed(str(NOT_ALLOWED))
    allowed = {
        PlanStatus.PAUSED: {PlanStatus.ACTIVE},
        PlanStatus.ACTIVE: {PlanStatus.PAUSED},
        PlanStatus.STOPPED: {PlanStatus.ACTIVE, PlanStatus.PAUSED, PlanStatus.UNCONFIRMED},
    }
    if status not in allowed:
        raise ValueError(f"unknown plan status: {status}")
    if plan.status not in allowed[status]:
        return plan
    plan.status = status
    fields = ["status"]
    if status == PlanStatus.STOPPED:
        plan.stopped_at = timezone.now()
        fields.append("stopped_at")
    plan.save(update_fields=fields)
    if status != PlanStatus.ACTIVE:
        opt_out.cancel_queued([plan])
    if by is not None and plan.person_id is not None:
        _audit(plan, by=by, request=request, action=AuditEvent.Action.UPDATE, what=status)
    return plan


def stop_address(plan: ReminderPlan) -> int:
    """The stop link: no more reminders of any plan to this plan's address."""
    return opt_out.opt_out(address=plan.address, source="link")


def _audit(plan: ReminderPlan, *, by: Any, request: Any, action: str, what: str) -> None:
    audit.record(
        action=action,
        actor=by,
        obj=plan,
        object_type=PLAN_TYPE,
        person_id=str(plan.person_id),
        request=request,
        # Never the address or the note: the log must not hold the person's data.
        detail={"reminder": what, "channel": plan.channel, "kind": plan.kind},
    )


def record_list_read(*, person: Person, by: Any, request: HttpRequest | None = None) -> None:
    audit.record(
        action=AuditEvent.Action.VIEW,
        actor=by,
        obj=person,
        object_type="referrals.person",
        person_id=str(person.pk),
        request=request,
        detail={"read": "reminders"},
    )


# --- reads --------------------------------------------------------------------------------------


def person_export(person: Person) -> list[dict[str, Any]]:
    """The person's reminders for their copy of their data (referrals/person_rights.py):
    what, when, how, and the address itself — it is theirs."""
    return [
        {
            "kind": plan.kind,
            "note": plan.label,
            "starts_on": plan.starts_on.isoformat(),
            "times": list(plan.times),
            "repeat": plan.repeat,
            "days": list(plan.weekdays),
            "ends_on": plan.ends_on.isoformat() if plan.ends_on else None,
            "minutes_early": plan.lead_minutes,
            "time_zone": plan.time_zone,
            "send_by": plan.channel,
            "address": plan.address,
            "language": plan.language,
            "safe_from": plan.window_start.isoformat(timespec="minutes"),
            "safe_until": plan.window_end.isoformat(timespec="minutes"),
            "status": plan.status,
            "set_by": plan.organization.name if plan.organization else None,
            "created_at": plan.created_at.isoformat(),
            "stopped_at": plan.stopped_at.isoformat() if plan.stopped_at else None,
        }
        for plan in ReminderPlan.objects.of_person(person).select_related("organization")
    ]


def upcoming(plan: ReminderPlan, *, now: dt.datetime | None = None, limit: int = 3) -> list:
    """The next reminders of a plan (send time and occurrence), for its pages."""
    return reminder_schedule.next_due(
        plan_schedule(plan),
        lead=dt.timedelta(minutes=plan.lead_minutes),
        window=(plan.window_start, plan.window_end),
        after=now or timezone.now(),
        limit=limit,
    )


def is_address_stopped(plan: ReminderPlan) -> bool:
    return opt_out.is_opted_out(plan.address)


# --- delivery -----------------------------------------------------------------------------------


def _consent_holds(plan: ReminderPlan, at: dt.datetime) -> bool:
    if plan.person_id is None:
        return True  # the resident's own plan: their confirmed sign-up is the consent
    if plan.organization_id is None:
        return False
    return (
        consents.active_consent(plan.person, plan.organization, [CONSENT_CATEGORY], at=at)
        is not None
    )


def may_send(plan: ReminderPlan, *, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    return (
        plan.status == PlanStatus.ACTIVE
        and not opt_out.is_opted_out(plan.address)
        and _consent_holds(plan, at)
    )


def key_for(plan: ReminderPlan, wall: dt.datetime) -> str:
    return f"{opt_out.plan_key_prefix(plan)}{wall.isoformat()}"


def _unsubscribe_headers(plan: ReminderPlan) -> dict[str, str] | None:
    """An email reminder's one-click stop (RFC 8058): the stop link, whose POST needs no CSRF
    token (reminder_views.reminder_stop). A text has no headers: it says "Reply STOP"."""
    if plan.channel != outbox.Channel.EMAIL:
        return None
    return outbox.unsubscribe_headers(stop_url(plan))


def render_reminder(plan: ReminderPlan, due: reminder_schedule.Due) -> tuple[str, str]:
    """(subject, body) of one reminder, in the plan's language and time zone."""
    start = due.start
    context = {
        "site": settings.SITE_NAME,
        "kind": plan.kind,
        "label": plan.label if plan.show_label else "",
        "start": start,
        "same_day": start.date() == due.send_at.date(),
        "manage": manage_url(plan),
        "stop": stop_url(plan),
    }
    template = "reminder_text" if plan.channel == outbox.Channel.SMS else "reminder_email"
    body = outbox.render(f"programs/messages/{template}.txt", context, plan.language)
    with translation.override(plan.language):
        subject = _("Reminder from %(site)s") % {"site": settings.SITE_NAME}
    return subject, body


def forget_old(*, now: dt.datetime | None = None) -> int:
    """Delete what is no longer needed: sign-ups never confirmed, and plans stopped, or past
    their last day, for KEEP_AFTER_END (their address and note go with them)."""
    now = now or timezone.now()
    cutoff = now - KEEP_AFTER_END
    old = ReminderPlan.objects.filter(
        Q(status=PlanStatus.UNCONFIRMED, created_at__lt=now - CONFIRM_WITHIN)
        | Q(status=PlanStatus.STOPPED, stopped_at__lt=cutoff)
        | Q(repeat=Repeat.ONCE, starts_on__lt=cutoff.date())
        | Q(ends_on__lt=cutoff.date())
    )
    deleted = 0
    for plan in old:  # one by one, so each plan's outbox rows go too (reminder_models.py)
        plan.delete()
        deleted += 1
    return deleted


def queue_due(*, now: dt.datetime | None = None) -> Summary:
    """The periodic job: put every reminder due within LOOKAHEAD into the outbox (once),
    and forget plans long finished."""
    now = now or timezone.now()
    summary = Summary(forgotten=forget_old(now=now))
    for plan in ReminderPlan.objects.active().select_related("person", "organization"):
        if not may_send(plan, at=now):
            summary.skipped += 1
            continue
        try:
            due = reminder_schedule.due_between(
                plan_schedule(plan),
                lead=dt.timedelta(minutes=plan.lead_minutes),
                window=(plan.window_start, plan.window_end),
                after=now - GRACE,
                until=now + LOOKAHEAD,
            )
        except recurrence.RecurrenceError:
            logger.warning("reminder plan %s has an unusable schedule", plan.pk)
            summary.skipped += 1
            continue
        for item in due:
            subject, body = render_reminder(plan, item)
            _message, created = outbox.enqueue(
                kind=KIND,
                channel=plan.channel,
                recipient_kind=outbox.RecipientKind.PERSON,
                to=plan.address,
                subject=subject,
                body=body,
                language=plan.language,
                headers=_unsubscribe_headers(plan),
                key=key_for(plan, item.wall),
                send_after=max(item.send_at, now),
            )
            if created:
                summary.queued += 1
            else:
                summary.already += 1
    return summary


def still_wanted(message: outbox.OutboxMessage) -> bool:
    """The outbox's last check before sending a reminder (see outbox.py)."""
    parts = message.idempotency_key.split(":")
    try:
        plan_id = uuid.UUID(parts[1])
    except (IndexError, ValueError):
        return False
    plan = ReminderPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return False
    if message.kind == CONFIRM_KIND:
        return plan.status == PlanStatus.UNCONFIRMED
    return may_send(plan)
