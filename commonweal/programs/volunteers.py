"""Volunteering: partners post roles, residents sign up, coordinators confirm and log hours.

Places are never over-filled: `decide` locks the role's row (SELECT … FOR UPDATE) before
counting the confirmed volunteers, so two coordinators confirming the last place at once are
serialised. Logged hours are in-kind contributions in the partnership's resource ledger, one
per role per month (`VolunteerMonth` finds it again), recomputed from the hours themselves on
every change: editing or removing hours can never count them twice. Names, contacts and notes
are person data: never logged, encrypted at rest, read only through pages that check
`policy.can_coordinate_volunteers` and audit the read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from commonweal.lib import rate_limit
from commonweal.partnerships import ledger
from commonweal.partnerships.models import ContributionKind
from commonweal.programs import training, volunteer_matching
from commonweal.programs.models import TrainingRecord
from commonweal.programs.registration import parse_contact
from commonweal.programs.volunteer_models import (
    SLOTS,
    RoleKind,
    RoleSchedule,
    RoleStatus,
    SignupStatus,
    VolunteerHours,
    VolunteerMonth,
    VolunteerRole,
    VolunteerSignup,
)
from commonweal.referrals import outbox

ROLE_FIELDS = (
    "title",
    "kind",
    "description",
    "skills",
    "languages",
    "location",
    "online",
    "area",
    "schedule",
    "starts_on",
    "ends_on",
    "slots",
    "schedule_note",
    "places",
    "minimum_age",
    "training_required",
    "programme",
    "session",
    "status",
)

# Offers per address per hour: a person (or a family, a library computer) needs a few; a
# script filling the coordinators' lists would need many.
SIGNUP_LIMIT = 10
SIGNUP_LIMIT_ALL_ROLES = 30
SIGNUP_WINDOW_SECONDS = 60 * 60

ROLE_NOT_OPEN = _("This role is not taking sign-ups.")
ROLE_ENDED = _("This role has ended.")
ROLE_FULL = _("Every place in this role is filled. Decline someone or add places first.")
PLACES_BELOW_CONFIRMED = _(
    "%(count)d volunteers are confirmed already: the role needs at least that many places."
)
NAME_NEEDED = _("Enter your name.")
TOO_YOUNG = _("This role is for people aged %(age)d or older.")
UNKNOWN_SKILL = _("Choose skills from the list. Write any others in the box below.")
UNKNOWN_SLOT = _("Choose days and times from the list.")
NO_TIMES = _("Tick at least one day and time you are free.")
NOT_CONFIRMED = _("Hours are logged for confirmed volunteers only.")
HOURS_NEGATIVE = _("Hours cannot be negative.")
HOURS_OVER_A_DAY = _("A day has at most 24 hours.")
HOURS_NOT_A_NUMBER = _("Enter hours as a number, like 2 or 2.5.")
DATE_IN_FUTURE = _("Hours cannot be logged for a day that has not come yet.")
DATE_BEFORE_SIGNUP = _("This day is before the volunteer signed up.")


@dataclass(frozen=True)
class Totals:
    volunteers: int = 0  # confirmed
    pending: int = 0
    hours: Decimal = Decimal(0)


# --- roles ----------------------------------------------------------------------------------


def _clean_list(values: Iterable[str], *, limit: int = 20) -> list[str]:
    seen: dict[str, str] = {}
    for value in values or []:
        text = " ".join(str(value).split())[:60]
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())[:limit]


def _role_errors(role: VolunteerRole) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    bad = [slot for slot in role.slots if slot not in SLOTS]
    if bad:
        errors["slots"] = [str(UNKNOWN_SLOT)]
    if role.schedule == RoleSchedule.DATES and not role.starts_on:
        errors["starts_on"] = [str(_("Give the first day of a role on set dates."))]
    if role.schedule == RoleSchedule.WEEKLY and not role.slots:
        errors["slots"] = [str(_("Tick the days and times of a weekly role."))]
    if role.starts_on and role.ends_on and role.ends_on < role.starts_on:
        errors["ends_on"] = [str(_("The last day cannot be before the first."))]
    if role.places is not None and role.places < 1:
        errors["places"] = [str(_("A role needs at least one place."))]
    org = role.organization_id
    if role.location_id and role.location.organization_id != org:
        errors["location"] = [str(_("Choose one of your organisation's places."))]
    if role.programme_id and role.programme.organization_id != org:
        errors["programme"] = [str(_("Choose one of your organisation's programmes."))]
    if role.session_id:
        if role.programme_id is None or role.session.programme_id != role.programme_id:
            errors["session"] = [str(_("Choose a session of the programme above."))]
    if role.pk and not role._state.adding:
        confirmed = role.signups.confirmed().count()
        if role.places is not None and role.places < confirmed:
            errors["places"] = [str(PLACES_BELOW_CONFIRMED % {"count": confirmed})]
    return errors


@transaction.atomic
def save_role(
    role: VolunteerRole | None = None, *, organization: Any = None, by: Any, **fields: Any
) -> VolunteerRole:
    """Post a role, or change one; nothing is saved unless all of it is valid."""
    extra = sorted(set(fields) - set(ROLE_FIELDS))
    if extra:
        raise ValidationError({name: [str(_("Unknown field."))] for name in extra})
    if role is None:
        role = VolunteerRole(organization=organization)
    else:
        # Lock the row so a confirmation cannot slip in between the count and the save.
        role = VolunteerRole.objects.select_for_update().get(pk=role.pk)
    for name, value in fields.items():
        setattr(role, name, value)
    role.skills = _clean_list(role.skills)
    role.languages = [code.lower() for code in _clean_list(role.languages)]
    # In the week's order; an unknown slot stays, so that validation names it.
    given = list(dict.fromkeys(role.slots or []))
    role.slots = [s for s in SLOTS if s in given] + [s for s in given if s not in SLOTS]
    if role.schedule == RoleSchedule.FLEXIBLE:
        role.slots = []
    errors: dict[str, list[str]] = {}
    try:
        role.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    for field, messages in _role_errors(role).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    role.save()
    return role


def has_ended(role: VolunteerRole, *, today: dt.date) -> bool:
    if role.schedule != RoleSchedule.DATES:
        return bool(role.ends_on and role.ends_on < today)
    last = role.ends_on or role.starts_on
    return bool(last and last < today)


def open_roles(
    *,
    today: dt.date,
    kinds: Iterable[str] = (),
    language: str = "",
    place: str = "",
    slots: Iterable[str] = (),
) -> QuerySet[VolunteerRole]:
    """Roles taking sign-ups, filtered as the public page's form asks."""
    found = (
        VolunteerRole.objects.open()
        .exclude(ends_on__lt=today)
        .exclude(schedule=RoleSchedule.DATES, ends_on__isnull=True, starts_on__lt=today)
        .with_organization()
    )
    kinds = [k for k in kinds if k in RoleKind.values]
    if kinds:
        found = found.filter(kind__in=kinds)
    if language := language.strip().lower():
        # In Python: SQLite has no JSON "contains", and open roles are few.
        found = found.filter(pk__in=[r.pk for r in found if language in r.languages])
    if place := place.strip():
        if place.casefold() in {"online", str(_("online")).casefold()}:
            found = found.filter(online=True)
        else:
            found = found.filter(
                Q(area__icontains=place)
                | Q(location__addresses__city__iexact=place)
                | Q(location__addresses__postal_code__iexact=place)
            ).distinct()
    wanted = [s for s in slots if s in SLOTS]
    if wanted:
        # Flexible roles fit any time; otherwise one shared day-part is enough to show it.
        keep = [
            r.pk for r in found if r.schedule == RoleSchedule.FLEXIBLE or set(r.slots) & set(wanted)
        ]
        found = found.filter(pk__in=keep)
    return found


def confirmed_count(role: VolunteerRole) -> int:
    return role.signups.confirmed().count()


# --- signing up -----------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find(token: str) -> VolunteerSignup | None:
    """The sign-up whose private link holds this token (only its hash is stored)."""
    if not token or len(token) > 100:
        return None
    return (
        VolunteerSignup.objects.select_related("role__organization", "role__location")
        .filter(token_hash=hash_token(token))
        .first()
    )


def status_url(token: str) -> str:
    return reverse("volunteer:signup", kwargs={"token": token})


def within_signup_limit(address: str | None, role: VolunteerRole) -> bool:
    """Count one offer from this address; False once it is past the limit for this role
    (SIGNUP_LIMIT an hour) or for all roles together (SIGNUP_LIMIT_ALL_ROLES)."""
    where = address or "unknown"
    for_role = rate_limit.hit(
        f"volunteer-signups:{where}:{role.pk}", window_seconds=SIGNUP_WINDOW_SECONDS
    )
    for_all = rate_limit.hit(f"volunteer-signups:{where}", window_seconds=SIGNUP_WINDOW_SECONDS)
    return for_role <= SIGNUP_LIMIT and for_all <= SIGNUP_LIMIT_ALL_ROLES


def sign_up(
    role: VolunteerRole,
    *,
    name: str,
    contact: str,
    languages: Iterable[str] = (),
    skills: Iterable[str] = (),
    other_skills: str = "",
    availability: Iterable[str] = (),
    says_trained: bool = False,
    old_enough: bool = False,
    language: str = "",
    today: dt.date | None = None,
) -> tuple[VolunteerSignup, str]:
    """An offer to fill the role, and the private token (sent once, never stored); the
    "we have your offer" message is queued in the same transaction."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if role.status != RoleStatus.OPEN:
        errors["role"] = [str(ROLE_NOT_OPEN)]
    elif has_ended(role, today=today):
        errors["role"] = [str(ROLE_ENDED)]
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [str(NAME_NEEDED)]
    elif len(name) > 100:
        errors["name"] = [str(_("A name of at most 100 letters, please."))]
    channel = ""
    try:
        channel, contact = parse_contact(contact)
    except ValidationError as error:
        errors.update(error.message_dict)
    offered = _clean_list(skills)
    known = {skill.casefold(): skill for skill in role.skills}
    if any(skill.casefold() not in known for skill in offered):
        errors["skills"] = [str(UNKNOWN_SKILL)]
    free = list(dict.fromkeys(availability or []))
    if any(slot not in SLOTS for slot in free):
        errors["availability"] = [str(UNKNOWN_SLOT)]
    elif role.schedule != RoleSchedule.FLEXIBLE and not free:
        errors["availability"] = [str(NO_TIMES)]
    if role.minimum_age and not old_enough:
        errors["old_enough"] = [str(TOO_YOUNG % {"age": role.minimum_age})]
    spoken = [code.lower() for code in _clean_list(languages)]
    if any(not code.isalpha() or not 2 <= len(code) <= 3 for code in spoken):
        errors["languages"] = [str(_("Use two- or three-letter language codes, like en, es."))]
    other_skills = (other_skills or "").strip()
    if len(other_skills) > 500:
        errors["other_skills"] = [str(_("At most 500 letters, please."))]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        signup = VolunteerSignup.objects.create(
            role=role,
            name=name,
            contact=contact,
            channel=channel,
            language=outbox.language_code(language),
            languages=spoken,
            skills=[known[skill.casefold()] for skill in offered],
            other_skills=other_skills,
            availability=[slot for slot in SLOTS if slot in free],
            says_trained=bool(says_trained) and bool(role.training_required),
            old_enough=bool(old_enough),
            token_hash=hash_token(token),
        )
        _message(signup, "volunteer-received", link=status_url(token))
    return signup, token


@transaction.atomic
def withdraw(signup: VolunteerSignup) -> VolunteerSignup:
    """The volunteer's own withdrawal (private link). Hours already given stay counted."""
    signup = VolunteerSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status != SignupStatus.WITHDRAWN:
        signup.status = SignupStatus.WITHDRAWN
        signup.save(update_fields=["status"])
    return signup


# --- coordinating ---------------------------------------------------------------------------


@transaction.atomic
def decide(signup: VolunteerSignup, *, confirm: bool, by: Any) -> VolunteerSignup:
    """Confirm a volunteer (a place is taken) or decline them; they are told, in their
    language. Deciding again the same way changes nothing and sends nothing."""
    role = VolunteerRole.objects.select_for_update().get(pk=signup.role_id)
    signup = VolunteerSignup.objects.select_for_update().get(pk=signup.pk)
    wanted = SignupStatus.CONFIRMED if confirm else SignupStatus.DECLINED
    if signup.status == wanted:
        return signup
    if signup.status == SignupStatus.WITHDRAWN:
        raise ValidationError({"status": [str(_("This volunteer has withdrawn."))]})
    if confirm and role.signups.confirmed().count() >= role.places:
        raise ValidationError({"status": [str(ROLE_FULL)]})
    signup.status = wanted
    signup.decided_at = timezone.now()
    signup.save(update_fields=["status", "decided_at"])
    signup.role = role
    _message(signup, "volunteer-confirmed" if confirm else "volunteer-declined")
    return signup


def _hours(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": [str(HOURS_NOT_A_NUMBER)]}) from None
    if not value.is_finite():
        raise ValidationError({"hours": [str(HOURS_NOT_A_NUMBER)]})
    if value < 0:
        raise ValidationError({"hours": [str(HOURS_NEGATIVE)]})
    if value > 24:
        raise ValidationError({"hours": [str(HOURS_OVER_A_DAY)]})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def log_hours(
    signup: VolunteerSignup, *, on: dt.date, hours: Any, by: Any, today: dt.date | None = None
) -> VolunteerHours | None:
    """Set the hours a volunteer gave on one day (0 removes the day), and bring the ledger's
    contribution for that role and month in line. Returns the day's row (None if removed)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    try:
        value = _hours(hours)
    except ValidationError as error:
        errors.update(error.message_dict)
    if on is None:
        errors["on"] = [str(_("Enter the date."))]
    elif on > today:
        errors["on"] = [str(DATE_IN_FUTURE)]
    elif on < timezone.localtime(signup.created_at).date():
        errors["on"] = [str(DATE_BEFORE_SIGNUP)]
    # The row lock keeps two coordinators' edits of one role's month from racing the sum.
    role = VolunteerRole.objects.select_for_update().get(pk=signup.role_id)
    current = VolunteerSignup.objects.get(pk=signup.pk)
    if current.status != SignupStatus.CONFIRMED:
        errors["signup"] = [str(NOT_CONFIRMED)]
    if errors:
        raise ValidationError(errors)
    row: VolunteerHours | None
    if value == 0:
        VolunteerHours.objects.filter(signup=current, on=on).delete()
        row = None
    else:
        row, _created = VolunteerHours.objects.update_or_create(
            signup=current, on=on, defaults={"hours": value, "logged_by": by}
        )
    sync_month(role, month=on.replace(day=1), by=by)
    return row


def hour_value() -> Decimal:
    return Decimal(str(settings.COMMONWEAL_VOLUNTEER_HOUR_VALUE))


def dollars(hours: Decimal) -> Decimal:
    """The ledger value of these hours, to the cent (half a cent rounds up, as in accounts)."""
    return (hours * hour_value()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def month_hours(role: VolunteerRole, month: dt.date) -> Decimal:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    total = VolunteerHours.objects.filter(
        signup__role=role, on__gte=month, on__lt=following
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


@transaction.atomic
def sync_month(role: VolunteerRole, *, month: dt.date, by: Any) -> Any:
    """The ledger contribution of the role's hours in `month`, recomputed from the hours:
    created, updated or removed so it always equals them. Returns it (or None).

    Only an organisation with a partner profile has a place in the ledger; the hours of
    others are kept and totalled here, and reach the ledger on the next change once the
    organisation joins."""
    month = month.replace(day=1)
    hours = month_hours(role, month)
    entry = VolunteerMonth.objects.select_related("contribution").filter(role=role, month=month)
    entry = entry.first()
    if hours == 0:
        if entry is not None:
            ledger.remove_contribution(entry.contribution, by=by)  # cascades to the entry
        return None
    partner = ledger.partner_for(role.organization)
    if partner is None:
        return None
    last_day = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with translation.override(settings.LANGUAGE_CODE):
        description = str(
            _("Volunteer hours: %(role)s, %(month)s")
            % {"role": role.title[:200], "month": month.strftime("%Y-%m")}
        )
    contribution = ledger.save_contribution(
        entry.contribution if entry else None,
        by=by,
        partner=partner,
        programme=role.programme,
        kind=ContributionKind.IN_KIND,
        description=description,
        quantity=hours,
        value=dollars(hours),
        starts_on=month,
        ends_on=last_day,
    )
    if entry is None:
        VolunteerMonth.objects.create(role=role, month=month, contribution=contribution)
    return contribution


# --- reading --------------------------------------------------------------------------------


def totals(role: VolunteerRole) -> Totals:
    counts = role.signups.aggregate(
        confirmed=Count("id", filter=Q(status=SignupStatus.CONFIRMED)),
        pending=Count("id", filter=Q(status=SignupStatus.PENDING)),
    )
    hours = VolunteerHours.objects.filter(signup__role=role).aggregate(total=Sum("hours"))
    return Totals(counts["confirmed"], counts["pending"], hours["total"] or Decimal(0))


@dataclass(frozen=True)
class Month:
    month: dt.date
    hours: Decimal
    value: Decimal
    in_ledger: bool  # carried by a contribution (the organisation is a partner)


def months(role: VolunteerRole) -> list[Month]:
    """The role's hours per month, with their ledger value, oldest first."""
    rows = (
        VolunteerHours.objects.filter(signup__role=role)
        .annotate(month=TruncMonth("on"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .order_by("month")
    )
    carried = set(role.months.values_list("month", flat=True))
    found = []
    for row in rows:
        first = row["month"]
        first = first.date() if isinstance(first, dt.datetime) else first
        value = dollars(row["hours"])
        found.append(Month(first, row["hours"], value, first in carried))
    return found


def roles_with_totals(roles: QuerySet[VolunteerRole]) -> QuerySet[VolunteerRole]:
    return roles.annotate(
        confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED), distinct=True),
        pending=Count("signups", filter=Q(signups__status=SignupStatus.PENDING), distinct=True),
        total_hours=Sum("signups__hours__hours"),
    )


def hours_by_organization(roles: QuerySet[VolunteerRole]) -> list[dict[str, Any]]:
    """Hours and volunteers per posting organisation (counts only, no names)."""
    rows = (
        VolunteerHours.objects.filter(signup__role__in=roles)
        .values("signup__role__organization__name")
        .annotate(hours=Sum("hours"), volunteers=Count("signup", distinct=True))
        .order_by("-hours")
    )
    return [
        {
            "organization": row["signup__role__organization__name"],
            "hours": row["hours"],
            "volunteers": row["volunteers"],
            "value": dollars(row["hours"]),
        }
        for row in rows
    ]


def evidence(role: VolunteerRole, signups: list[VolunteerSignup], *, today: dt.date) -> dict:
    """What the posting organisation's training records say of each volunteer for the role's
    required training: matched by email when the volunteer gave one, else by name (records
    are encrypted, so they are compared here, not in the query). The best record wins."""
    if not role.training_required:
        return {}
    records = list(
        TrainingRecord.objects.filter(
            organization_id=role.organization_id, training=role.training_required
        )
    )
    rank = {"current": 3, "expiring": 2, "expired": 1, "none": 0}
    found = {}
    for signup in signups:
        contact = signup.contact.casefold() if signup.channel == outbox.Channel.EMAIL else ""
        name = " ".join(signup.name.split()).casefold()
        best = volunteer_matching.Evidence(said_so=signup.says_trained)
        for record in records:
            same_email = bool(contact) and record.email.strip().casefold() == contact
            same_name = " ".join(record.name.split()).casefold() == name
            if not (same_email or same_name):
                continue
            state = training.state(record.expires_on, today)
            if rank[state] > rank[best.state]:
                best = volunteer_matching.Evidence(
                    state=state, expires_on=record.expires_on, said_so=signup.says_trained
                )
        found[signup.pk] = best
    return found


def ranked(
    role: VolunteerRole, *, today: dt.date
) -> list[tuple[VolunteerSignup, volunteer_matching.Match]]:
    """The role's pending and confirmed volunteers, best match first, with the reasons."""
    signups = list(role.signups.active().with_hours().order_by("created_at"))
    proofs = evidence(role, signups, today=today)
    needs = volunteer_matching.RoleNeeds(
        skills=tuple(role.skills),
        languages=tuple(role.languages),
        slots=() if role.schedule == RoleSchedule.FLEXIBLE else tuple(role.slots),
        training=role.training_required,
        interpreter=role.kind == RoleKind.INTERPRETER,
    )
    offers = [
        volunteer_matching.Offer(
            key=str(s.pk),
            skills=tuple(s.skills),
            languages=tuple(s.languages),
            availability=tuple(s.availability),
            evidence=proofs.get(s.pk, volunteer_matching.Evidence(said_so=s.says_trained)),
            order=index,
        )
        for index, s in enumerate(signups)
    ]
    by_key = {str(s.pk): s for s in signups}
    return [(by_key[m.key], m) for m in volunteer_matching.rank(needs, offers)]


# --- messages -------------------------------------------------------------------------------


def _message(signup: VolunteerSignup, kind: str, *, link: str = "") -> None:
    role = signup.role
    language = signup.language or settings.LANGUAGE_CODE
    context = {
        "kind": kind,
        "role": role.title,
        "organization": role.organization.name,
        "link": settings.COMMONWEAL_SITE_URL + link if link else "",
    }
    outbox.enqueue(
        kind=kind,
        channel=signup.channel,
        recipient_kind=outbox.RecipientKind.PERSON,
        to=signup.contact,
        subject=role.title,
        body=outbox.render("programs/messages/volunteer_message.txt", context, language),
        language=language,
        # Once per decision: a confirmation after a decline is a new message, a repeat is not.
        key=f"{kind}:{signup.pk}:{signup.decided_at.isoformat() if signup.decided_at else ''}",
    )
