"""The crisis safety protocol for a navigator's screening: follow-up task, checklist, alerts.

When a stored screening's result says `safety.triggered`, `start_protocol` — in the same
transaction that stores the screening — creates one urgent `SafetyFollowUp` for the
screening organisation and tells the organisation's designated safety contacts (an in-app
list and an email holding a link only: no name, no answer). With no safety contact
designated, the organisation's coalition admins and navigators are told instead, and the
pages say so. Each checklist step the navigator records is a `SafetyStep` row and an
audit event (who, when, which step — never the note or the answer).

The checklist follows the NIMH ASQ toolkit's brief suicide safety assessment and the
988 Lifeline's guidance on warm hand-offs: ask about current thoughts, a plan and access
to means; an acute positive is an emergency (the person must not be left alone); connect
the person to 988 or mobile crisis while they are with you.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent, Role, User
from commonweal.screening.models import (
    FollowUpStatus,
    SafetyContact,
    SafetyFollowUp,
    SafetyStep,
    Screening,
)

logger = logging.getLogger(__name__)

FOLLOW_UP_TYPE = "screening.safetyfollowup"
# How soon the follow-up is due. Acute: now — it is an emergency handled while the person
# is still there. Otherwise within a day: the ASQ toolkit asks for a brief safety assessment
# before the person leaves and a mental-health follow-up soon after; a day is the outer
# limit a partnership may shorten (COMMONWEAL_SAFETY_FOLLOW_UP_HOURS).
ACUTE_DUE_MINUTES = 0
DEFAULT_FOLLOW_UP_HOURS = 24
# The alert is sent while the navigator waits for the checklist: a mail server that does
# not answer may delay it by this much at most, never hold the crisis page indefinitely
# (Django's SMTP default is no timeout). The in-app list does not depend on the email.
ALERT_EMAIL_TIMEOUT_SECONDS = 10.0
# Who is told when no safety contact is designated.
FALLBACK_ROLES = (Role.COALITION_ADMIN, Role.NAVIGATOR, Role.PARTNER_STAFF)


@dataclass(frozen=True)
class Step:
    code: str
    label: Any
    help: Any
    outcomes: tuple[tuple[str, Any], ...]
    acute_only: bool = False


OUTCOME_YES = ("yes", pgettext_lazy("safety answer", "Yes"))
OUTCOME_NO = ("no", pgettext_lazy("safety answer", "No"))
OUTCOME_DECLINED = ("declined", pgettext_lazy("safety answer", "Did not want to answer"))

CHECKLIST: tuple[Step, ...] = (
    Step(
        "thoughts",
        _("Ask about current thoughts"),
        _("“Are you having thoughts of killing yourself right now?”"),
        (OUTCOME_YES, OUTCOME_NO, OUTCOME_DECLINED),
    ),
    Step(
        "plan",
        _("Ask about a plan"),
        _("“Have you thought about how you would do it?” “When?”"),
        (OUTCOME_YES, OUTCOME_NO, OUTCOME_DECLINED),
    ),
    Step(
        "means",
        _("Ask about access to means"),
        _("Firearms, medicines or other means at home? Talk about keeping them away for now."),
        (OUTCOME_YES, OUTCOME_NO, OUTCOME_DECLINED),
    ),
    Step(
        "not_alone",
        _("Do not leave the person alone"),
        _("Someone stays with them until help arrives or the hand-off is complete."),
        (
            ("done", pgettext_lazy("safety step", "Someone is with them")),
            ("not_possible", pgettext_lazy("safety step", "Not possible (say why in the note)")),
        ),
    ),
    Step(
        "handoff",
        _("Warm hand-off"),
        _("Call 988 together, or the mobile crisis team; call 911 if there is immediate danger."),
        (
            ("988", pgettext_lazy("safety hand-off", "Connected to 988")),
            ("mobile_crisis", pgettext_lazy("safety hand-off", "Connected to mobile crisis")),
            ("911", pgettext_lazy("safety hand-off", "Called 911")),
            ("clinician", pgettext_lazy("safety hand-off", "Seen by a clinician here")),
            ("declined", pgettext_lazy("safety hand-off", "Person declined")),
        ),
    ),
)
STEPS_BY_CODE = {step.code: step for step in CHECKLIST}


class ProtocolError(ValueError):
    pass


def follow_up_hours() -> int:
    return int(getattr(settings, "COMMONWEAL_SAFETY_FOLLOW_UP_HOURS", DEFAULT_FOLLOW_UP_HOURS))


def due_time(*, acute: bool, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    if acute:
        return now + dt.timedelta(minutes=ACUTE_DUE_MINUTES)
    return now + dt.timedelta(hours=follow_up_hours())


def safety_contacts(organization_id: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            safety_contact_for__organization_id=organization_id,
        ).distinct()
    )


def fallback_recipients(organization_id: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=FALLBACK_ROLES,
        ).distinct()
    )


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _link(request: HttpRequest | None, follow_up: SafetyFollowUp) -> str:
    return _absolute(request, reverse("screening:safety_checklist", args=[follow_up.pk]))


def _send_alert(recipients: list[str], link: str) -> None:
    # A link only: the email may be read on a shared screen or forwarded, so it holds
    # no name, no answer, not even the instrument.
    subject = str(_("Urgent: a safety follow-up needs you"))
    body = str(
        _(
            "A screening started the crisis safety protocol and a follow-up is waiting. "
            "Sign in to see it:\n\n%(link)s\n\n"
            "If someone is in immediate danger, call 911."
        )
    ) % {"link": link}
    _send(subject, body, recipients)


def _send_no_contact_notice(recipients: list[str], link: str) -> None:
    # Coalition admins run the organisation, not anyone's care: they cannot open the
    # follow-up, so they are told who was asked instead, and how to name safety contacts.
    subject = str(_("Urgent: name a safety contact for your organisation"))
    body = str(
        _(
            "A screening started the crisis safety protocol, and your organisation has no "
            "designated safety contact, so its navigators and partner staff were asked to "
            "follow up. Name safety contacts so that the right people are told next time:"
            "\n\n%(link)s\n\nIf someone is in immediate danger, call 911."
        )
    ) % {"link": link}
    _send(subject, body, recipients)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    try:
        connection = get_connection(fail_silently=False, timeout=ALERT_EMAIL_TIMEOUT_SECONDS)
        send_mail(subject, body, None, recipients, fail_silently=False, connection=connection)
    except Exception:  # the in-app list still shows it; never log who or why
        logger.exception("safety alert email could not be sent")


@transaction.atomic
def start_protocol(
    *, screening: Screening, by: Any, request: HttpRequest | None = None
) -> SafetyFollowUp:
    """Open the urgent follow-up for a triggering screening, at most once, and alert."""
    if screening.person_id is None or screening.organization_id is None:
        raise ProtocolError("The safety protocol needs a person and an organisation.")
    existing = SafetyFollowUp.objects.filter(screening=screening).first()
    if existing is not None:
        return existing
    result = screening.result.get("safety", {})
    contacts = safety_contacts(screening.organization_id)
    fallback = not contacts
    recipients = contacts or fallback_recipients(screening.organization_id)
    follow_up = SafetyFollowUp.objects.create(
        screening=screening,
        person_id=screening.person_id,
        organization_id=screening.organization_id,
        acute=bool(result.get("acute")),
        reasons=list(result.get("reasons", [])),
        due_at=due_time(acute=bool(result.get("acute"))),
        created_by=by,
        notified_user_ids=[user.pk for user in recipients],
        notified_fallback=fallback,
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=follow_up,
        object_type=FOLLOW_UP_TYPE,
        person_id=str(screening.person_id),
        request=request,
        detail={
            "safety_protocol": "started",
            "acute": follow_up.acute,
            "screening": str(screening.pk),
            "notified": [str(user.pk) for user in recipients],
            "notified_fallback": fallback,
        },
    )
    # Only people who can open the follow-up get its link; coalition admins told in the
    # fallback get a notice to name safety contacts instead.
    carers = [user for user in recipients if policy.can_act_on_follow_up(user, follow_up)]
    others = [user for user in recipients if user not in carers]
    care_emails = sorted({user.email for user in carers if user.email})
    admin_emails = sorted({user.email for user in others if user.email} - set(care_emails))
    if care_emails:
        link = _link(request, follow_up)
        transaction.on_commit(lambda: _send_alert(care_emails, link))
    if admin_emails:
        contacts_link = _absolute(request, reverse("screening:safety_contacts"))
        transaction.on_commit(lambda: _send_no_contact_notice(admin_emails, contacts_link))
    return follow_up


@transaction.atomic
def record_step(
    *,
    follow_up: SafetyFollowUp,
    step: str,
    outcome: str,
    note: str = "",
    by: Any,
    request: HttpRequest | None = None,
) -> SafetyStep:
    """Record one checklist step (appended; a later record of the same step supersedes)."""
    definition = STEPS_BY_CODE.get(step)
    if definition is None:
        raise ProtocolError(f"Unknown safety step {step!r}.")
    if outcome not in {code for code, _ in definition.outcomes}:
        raise ProtocolError(f"Unknown outcome {outcome!r} for step {step!r}.")
    if follow_up.status == FollowUpStatus.CLOSED:
        raise ProtocolError("This follow-up is closed.")
    recorded = SafetyStep.objects.create(
        follow_up=follow_up, step=step, outcome=outcome, note=note.strip(), recorded_by=by
    )
    if follow_up.status == FollowUpStatus.OPEN:
        follow_up.status = FollowUpStatus.IN_PROGRESS
        follow_up.save(update_fields=["status"])
    # Which step, by whom, when: never the outcome or the note (health data, free text).
    audit.record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=follow_up,
        object_type=FOLLOW_UP_TYPE,
        person_id=str(follow_up.person_id),
        request=request,
        detail={"safety_step": step, "step_id": recorded.pk},
    )
    return recorded


@transaction.atomic
def add_note(
    *, follow_up: SafetyFollowUp, note: str, by: Any, request: HttpRequest | None = None
) -> SafetyStep:
    if follow_up.status == FollowUpStatus.CLOSED:
        raise ProtocolError("This follow-up is closed.")
    recorded = SafetyStep.objects.create(
        follow_up=follow_up, step="note", outcome="note", note=note.strip(), recorded_by=by
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=follow_up,
        object_type=FOLLOW_UP_TYPE,
        person_id=str(follow_up.person_id),
        request=request,
        detail={"safety_step": "note", "step_id": recorded.pk},
    )
    return recorded


@transaction.atomic
def close(*, follow_up: SafetyFollowUp, by: Any, request: HttpRequest | None = None) -> None:
    if follow_up.status == FollowUpStatus.CLOSED:
        return
    follow_up.status = FollowUpStatus.CLOSED
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = by
    follow_up.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=follow_up,
        object_type=FOLLOW_UP_TYPE,
        person_id=str(follow_up.person_id),
        request=request,
        detail={"safety_protocol": "closed"},
    )


def latest_steps(follow_up: SafetyFollowUp) -> dict[str, SafetyStep]:
    """The most recent record of each checklist step."""
    latest: dict[str, SafetyStep] = {}
    for step in follow_up.steps.select_related("recorded_by").order_by("recorded_at", "id"):
        latest[step.step] = step
    return latest


# --- designating safety contacts ----------------------------------------------------------


def eligible_contacts(organization_id: Any) -> Any:
    """A safety contact must be able to open the follow-up: a navigator or partner staff
    member of the organisation (the people allowed to see its people)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=policy.CARE_ROLES,
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def designate_contact(
    *, organization: Any, user: User, by: Any, request: HttpRequest | None = None
) -> SafetyContact:
    if not policy.can_manage_contacts(by, organization.pk):
        raise PermissionError("Only the organisation's coalition admins choose safety contacts.")
    if not eligible_contacts(organization.pk).filter(pk=user.pk).exists():
        raise ProtocolError("A safety contact must be a navigator or partner staff member here.")
    contact, created = SafetyContact.objects.get_or_create(organization=organization, user=user)
    if created:
        audit.record(
            action=AuditEvent.Action.CREATE,
            actor=by,
            obj=contact,
            request=request,
            detail={"organization": str(organization.pk), "user": str(user.pk)},
        )
    return contact


@transaction.atomic
def remove_contact(*, contact: SafetyContact, by: Any, request: HttpRequest | None = None) -> None:
    if not policy.can_manage_contacts(by, contact.organization_id):
        raise PermissionError("Only the organisation's coalition admins choose safety contacts.")
    audit.record(
        action=AuditEvent.Action.DELETE,
        actor=by,
        obj=contact,
        request=request,
        detail={"organization": str(contact.organization_id), "user": str(contact.user_id)},
    )
    contact.delete()
