"""Appointment reminders to the person: the day before, by text or email, at a safe time.

How: a text if the person said texts are OK, has a valid number and texting is set up on
this site; else an email if they said email is OK and have an address; else no reminder,
and staff are told why (`problem_for`) — nothing is queued. In the person's preferred
language, with an iCalendar (.ics) invitation on email.

When: the day before the appointment, at the start of the person's safe time to contact
(their free-text `safe_times`, e.g. "9-5", "after 6pm", "mornings", "10:00 a 14:00");
when that cannot be read, between 9:00 and 18:00 in the site's time zone (TIME_ZONE). If
that moment has passed, the next safe moment that is at least an hour before the appointment.

One reminder per referral and appointment time (the outbox key); moving the appointment
cancels the reminder that was waiting for the old time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from commonweal.lib import sms
from commonweal.referrals import outbox, phones
from commonweal.referrals.errors import ReferralError
from commonweal.referrals.models import Person, Referral
from commonweal.referrals.models import ReferralStatus as S

KIND = "appointment-reminder"
SCHEDULED = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD})
DEFAULT_WINDOW = (dt.time(9, 0), dt.time(18, 0))
MIN_NOTICE = dt.timedelta(hours=1)
APPOINTMENT_LENGTH = dt.timedelta(hours=1)
LOOKAHEAD = dt.timedelta(days=3)  # how far ahead the periodic job looks for appointments


class NoContactMethod(ReferralError):
    """The person cannot be sent a reminder: no agreed channel with a usable address."""

    code = "no-contact-method"


@dataclass(frozen=True)
class Contact:
    channel: str
    to: str


@dataclass(frozen=True)
class Planned:
    queued: bool
    problem: str = ""
    send_at: dt.datetime | None = None


@dataclass
class Summary:
    queued: int = 0
    already: int = 0
    unreachable: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def mobile_number(text: str) -> str | None:
    """The number in E.164 when it is a valid one, else None."""
    try:
        number = phonenumbers.parse(text or "", phones.region())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_for(person: Person) -> Contact:
    """How to remind this person; raises NoContactMethod (a message for staff) when we cannot."""
    number = mobile_number(person.phone) if person.text_ok else None
    if number and sms.is_enabled():
        return Contact(outbox.Channel.SMS, number)
    if person.email_ok and person.email:
        return Contact(outbox.Channel.EMAIL, person.email)
    if person.text_ok and number:
        raise NoContactMethod(
            _(
                "No reminder will be sent: texting is not set up on this site and the person "
                "has not agreed to email."
            )
        )
    if person.text_ok and person.phone:
        raise NoContactMethod(
            _("No reminder will be sent: the person's phone number cannot receive texts.")
        )
    raise NoContactMethod(
        _(
            "No reminder will be sent: the person has not agreed to text messages or email, "
            "or has no number or address for them. Tell them about the appointment yourself."
        )
    )


# --- safe times ---------------------------------------------------------------------------------

_TIME = r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap]\.?\s?m\.?)?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|to|until|till|a|hasta)\s*" + _TIME, re.IGNORECASE)
_AFTER = re.compile(r"(?:after|from|después de(?: las)?|desde(?: las)?)\s*" + _TIME, re.I)
_BEFORE = re.compile(r"(?:before|until|antes de(?: las)?|hasta(?: las)?)\s*" + _TIME, re.I)
_WORDS = [
    (re.compile(r"morning|mañana", re.I), (dt.time(9, 0), dt.time(12, 0))),
    (re.compile(r"afternoon|tarde", re.I), (dt.time(12, 0), dt.time(17, 0))),
    (re.compile(r"evening|noche", re.I), (dt.time(17, 0), dt.time(20, 0))),
]


def _hour(hour: str, minute: str | None, meridiem: str | None) -> int | None:
    h, m = int(hour), int(minute or 0)
    mer = (meridiem or "").lower().replace(".", "").replace(" ", "")
    if mer == "pm" and h < 12:
        h += 12
    elif mer == "am" and h == 12:
        h = 0
    elif not mer and 1 <= h <= 7:
        h += 12  # "1-4" means the afternoon: nobody asks to be texted at 1 a.m.
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return h * 60 + m


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def safe_window(text: str) -> tuple[dt.time, dt.time]:
    """The daily window in which contact is safe, read from the person's own words."""
    text = (text or "").strip()
    match = _RANGE.search(text)
    if match:
        start = _hour(*match.group(1, 2, 3))
        end = _hour(*match.group(4, 5, 6))
        if start is not None and end is not None:
            if end <= start and end + 12 * 60 < 24 * 60 and not match.group(6):
                end += 12 * 60  # "9-5": the end is in the afternoon
            if start < end:
                return _time(start), _time(end)
    match = _AFTER.search(text)
    if match and (start := _hour(*match.group(1, 2, 3))) is not None and start < 21 * 60:
        return _time(start), dt.time(21, 0)
    match = _BEFORE.search(text)
    if match and (end := _hour(*match.group(1, 2, 3))) is not None and end > 8 * 60:
        return dt.time(8, 0), _time(end)
    for pattern, window in _WORDS:
        if pattern.search(text):
            return window
    return DEFAULT_WINDOW


def send_time(appointment_at: dt.datetime, safe_times: str, now: dt.datetime) -> dt.datetime | None:
    """When to send: the day before at the start of the safe window, or the next safe moment
    at least an hour before the appointment; None when no such moment is left."""
    zone = timezone.get_default_timezone()
    start, end = safe_window(safe_times)
    local = appointment_at.astimezone(zone)
    for day in (local.date() - dt.timedelta(days=1), local.date()):
        opens = dt.datetime.combine(day, start, tzinfo=zone)
        closes = dt.datetime.combine(day, end, tzinfo=zone)
        if closes <= now:
            continue
        at = max(opens, now)
        if at <= appointment_at - MIN_NOTICE:
            return at
    return None


# --- the message --------------------------------------------------------------------------------


def calendar(referral: Referral, *, title: str, address: str, now: dt.datetime) -> str:
    """The appointment as an iCalendar (RFC 5545) file."""
    cal = Calendar()
    cal.add("prodid", "-//commonweal//referrals//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"referral-{referral.pk}-appointment@commonweal")
    event.add("dtstamp", now)
    event.add("dtstart", referral.appointment_at)
    event.add("dtend", referral.appointment_at + APPOINTMENT_LENGTH)
    event.add("summary", title)
    # A rescheduled appointment replaces the one already in the person's calendar.
    event.add("sequence", referral.version)
    if address:
        event.add("location", address)
    cal.add_component(event)
    return cal.to_ical().decode()


def _key(referral: Referral) -> str:
    return f"reminder:{referral.pk}:{referral.appointment_at.isoformat()}"


def problem_for(referral: Referral, *, now: dt.datetime | None = None) -> str:
    """Why no reminder will go for this referral's appointment ("" when one will)."""
    now = now or timezone.now()
    if referral.appointment_at is None or referral.appointment_at <= now:
        return ""
    try:
        contact_for(referral.person)
    except NoContactMethod as error:
        return error.message
    if send_time(referral.appointment_at, referral.person.safe_times, now) is None:
        return _("No reminder will be sent: the appointment is too soon for one at a safe time.")
    return ""


def plan(referral: Referral, *, now: dt.datetime | None = None) -> Planned:
    """Queue (once) the reminder of the referral's appointment, or say why not.

    Cancels a reminder still waiting for a previous appointment time."""
    from commonweal.referrals import status_page

    now = now or timezone.now()
    at = referral.appointment_at
    keep = _key(referral) if at is not None else None
    outbox.cancel_pending(referral=referral, kind=KIND, keep_key=keep)
    if at is None or at <= now or referral.status not in SCHEDULED:
        return Planned(queued=False)
    person = referral.person
    try:
        contact = contact_for(person)
    except NoContactMethod as error:
        return Planned(queued=False, problem=error.message)
    send_at = send_time(at, person.safe_times, now)
    if send_at is None:
        return Planned(queued=False, problem=problem_for(referral, now=now))
    language = outbox.language_code(person.preferred_language)
    place = status_page.person_view(referral)
    context = {
        "when": timezone.localtime(at),
        "service": place["service_name"],
        "organization": place["organization_name"],
        "address": place["address"],
        "phone": place["phone"],
        "by_email": contact.channel == outbox.Channel.EMAIL,
    }
    body = outbox.render("referrals/messages/appointment_reminder.txt", context, language)
    subject = ics = ""
    if contact.channel == outbox.Channel.EMAIL:
        with translation.override(language):
            subject = str(_SUBJECT) % {"organization": place["organization_name"]}
            title = str(_TITLE) % {"service": place["service_name"]}
        ics = calendar(referral, title=title, address=place["address"], now=now)
    _message, created = outbox.enqueue(
        kind=KIND,
        channel=contact.channel,
        recipient_kind=outbox.RecipientKind.PERSON,
        to=contact.to,
        subject=subject,
        body=body,
        language=language,
        ics=ics,
        key=_key(referral),
        referral=referral,
        send_after=send_at,
    )
    return Planned(queued=created, send_at=send_at)


_SUBJECT = gettext_lazy("Reminder: your appointment with %(organization)s")
_TITLE = gettext_lazy("Appointment: %(service)s")


def queue_upcoming(*, now: dt.datetime | None = None) -> Summary:
    """The periodic job: make sure every appointment in the next days has its reminder
    (covers appointments set by any path, and a person's contact details fixed since)."""
    now = now or timezone.now()
    summary = Summary()
    upcoming = Referral.objects.filter(
        status__in=SCHEDULED, appointment_at__gt=now, appointment_at__lte=now + LOOKAHEAD
    ).select_related("person", "service", "to_organization", "service_at_location")
    for referral in upcoming:
        result = plan(referral, now=now)
        if result.queued:
            summary.queued += 1
        elif result.problem:
            summary.unreachable += 1
        else:
            summary.already += 1
    return summary
