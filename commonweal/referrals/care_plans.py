"""Care plans: a person's goals in their own words, what serves them, and reviews.

The rules (docs/referrals.md, "Care plan"):

- Only the person's care team works on the plan: navigators and partner staff of an
  organisation caring for the person. Anyone else is refused with `NotAllowed` (pages and
  the API answer 404, as for the person). A superuser may read, as for the record, but
  speaks for no organisation and so changes nothing.
- A person has at most one active plan (a database constraint makes a double click safe).
- A goal's needs are screening domain codes (the person's latest positive domains are
  offered) or short free labels; it may cite the person's own screenings.
- A goal is served by referrals *of the same person* that the user may see, and by active
  directory services (programmes, community resources).
- A review writes one append-only note and the goal statuses it changed, together.

Every write is audit-logged with ids and field names only — never the goals' or notes'
words, which are the person's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.accounts import audit
from commonweal.accounts.models import AuditEvent
from commonweal.directory.models import Service
from commonweal.referrals import people
from commonweal.referrals.care_plan_models import (
    Achievement,
    CarePlan,
    CarePlanGoal,
    CarePlanNote,
    GoalStatus,
    PlanStatus,
)
from commonweal.referrals.errors import InvalidReferral, NotAllowed
from commonweal.referrals.models import Person, Referral
from commonweal.screening.models import Screening
from commonweal.screening.presenting import DOMAIN_WORDS

PLAN_TYPE = "referrals.careplan"
MAX_GOAL_LENGTH = 500
MAX_NOTE_LENGTH = 4000
MAX_NEEDS = 10
MAX_NEED_LABEL = 60
MAX_GOALS = 30
# A review date or target years away is almost always a typo in the year.
MAX_HORIZON = dt.timedelta(days=3 * 366)


class CarePlanError(InvalidReferral):
    """A care plan change the rules refuse; nothing was written."""


# --- who may -----------------------------------------------------------------------------------


def _require_editor(user: Any, person: Person) -> None:
    if not policy.can_edit_plan(user, person):
        raise NotAllowed(_("Only the person's care team can change their care plan."))


# --- reading -----------------------------------------------------------------------------------


def current_plan(person: Person) -> CarePlan | None:
    """The active plan, else the most recent one (completed or stopped), else None."""
    plans = CarePlan.objects.filter(person=person).select_related("organization")
    return plans.filter(status=PlanStatus.ACTIVE).first() or plans.first()


def goals_of(plan: CarePlan, user: Any) -> list[CarePlanGoal]:
    """The plan's goals, each with `shown_referrals`: its referrals that `user` may see.

    The care team shares the plan, but a referral stays visible only to its sender and
    receiver (policy.py): a colleague from another care-team organisation sees that
    the goal is served, not another organisation's referral.
    """
    goals = list(
        plan.goals.prefetch_related(
            "referrals__service", "referrals__to_organization", "services__organization"
        )
    )
    for goal in goals:
        goal.shown_referrals = [
            r for r in goal.referrals.all() if policy.can_view_referral(user, r)
        ]
    return goals


def record_read(
    *, person: Person, by: Any, request: HttpRequest | None = None, what: str = "care_plan"
) -> None:
    """A care plan is part of the person's record: its reads go to the same audit trail."""
    people.record_read(person=person, by=by, request=request, what=what)


def need_label(code: str) -> str:
    """A screening domain's plain heading, or the free label itself."""
    words = DOMAIN_WORDS.get(code)
    return str(words[0]) if words else code


@dataclass(frozen=True)
class SuggestedNeeds:
    screening: Screening | None
    codes: tuple[str, ...]


def suggested_needs(person: Person) -> SuggestedNeeds:
    """The positive domains of the person's latest screening (stored result), to pre-fill."""
    latest = Screening.objects.for_person(person).first()
    if latest is None:
        return SuggestedNeeds(None, ())
    domains = (latest.result or {}).get("positive_domains") or []
    return SuggestedNeeds(latest, tuple(d for d in domains if isinstance(d, str)))


# --- checking input ----------------------------------------------------------------------------


def _text(value: str | None, *, limit: int, what: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CarePlanError(_("Write the %(what)s.") % {"what": what})
    if len(value) > limit:
        raise CarePlanError(
            _("The %(what)s can be at most %(limit)s characters.") % {"what": what, "limit": limit}
        )
    if any(not (ch.isprintable() or ch in "\n\r\t") for ch in value):
        raise CarePlanError(_("Remove the control characters from the %(what)s.") % {"what": what})
    return value


def _needs(needs: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for need in needs:
        label = " ".join(str(need).split())
        if not label:
            continue
        if len(label) > MAX_NEED_LABEL or not label.isprintable():
            raise CarePlanError(
                _("A need can be at most %(limit)s characters.") % {"limit": MAX_NEED_LABEL}
            )
        if label not in cleaned:
            cleaned.append(label)
    if len(cleaned) > MAX_NEEDS:
        raise CarePlanError(_("Name at most %(limit)s needs.") % {"limit": MAX_NEEDS})
    return cleaned


def _future_date(value: dt.date | None, what: str) -> dt.date | None:
    if value is None:
        return None
    today = timezone.localdate()
    if value - today > MAX_HORIZON:
        raise CarePlanError(_("The %(what)s is more than three years away.") % {"what": what})
    return value


def _screenings(person: Person, ids: Iterable[Any]) -> list[Screening]:
    wanted = {str(i) for i in ids}
    found = list(Screening.objects.filter(person=person, pk__in=wanted)) if wanted else []
    if len(found) != len(wanted):
        # Another person's screening (or none at all): never say which.
        raise CarePlanError(_("Choose screenings of this person only."))
    return found


def _choice(value: str, choices: Any, what: str) -> str:
    if value not in choices.values:
        raise CarePlanError(_("Choose a %(what)s from the list.") % {"what": what})
    return value


def _audit(action: str, *, plan: CarePlan, by: Any, request: HttpRequest | None, **detail) -> None:
    audit.record(
        action=action,
        actor=by,
        obj=plan,
        object_type=PLAN_TYPE,
        person_id=str(plan.person_id),
        request=request,
        detail=detail,
    )


def _locked_plan(plan: CarePlan) -> CarePlan:
    plan = CarePlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise CarePlanError(_("This care plan is closed. Start a new one to change goals."))
    return plan


# --- writing -----------------------------------------------------------------------------------


def start_plan(
    *,
    person: Person,
    by: Any,
    next_review_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> CarePlan:
    """Start the person's plan, held by `by`'s organisation in the care team."""
    _require_editor(by, person)
    next_review_on = _future_date(next_review_on, _("next review date"))
    organization = policy.acting_organization(by, person)
    try:
        with transaction.atomic():
            plan = CarePlan.objects.create(
                person=person,
                organization=organization,
                created_by=by,
                next_review_on=next_review_on,
            )
            _audit(AuditEvent.Action.CREATE, plan=plan, by=by, request=request)
    except IntegrityError as error:
        raise CarePlanError(
            _("This person already has an active care plan."), code="plan-exists"
        ) from error
    return plan


@transaction.atomic
def close_plan(
    *, plan: CarePlan, status: str, by: Any, request: HttpRequest | None = None
) -> CarePlan:
    """Mark the plan completed (goals met) or stopped (the person no longer wants it)."""
    _require_editor(by, plan.person)
    if status not in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        raise CarePlanError(_("Choose whether the plan was completed or stopped."))
    plan = _locked_plan(plan)
    plan.status = status
    plan.closed_at = timezone.now()
    plan.save(update_fields=["status", "closed_at", "updated_at"])
    _audit(AuditEvent.Action.UPDATE, plan=plan, by=by, request=request, status=status)
    return plan


@transaction.atomic
def add_goal(
    *,
    plan: CarePlan,
    by: Any,
    description: str,
    needs: Iterable[str] = (),
    screening_ids: Iterable[Any] = (),
    target_date: dt.date | None = None,
    status: str = GoalStatus.ACTIVE,
    request: HttpRequest | None = None,
) -> CarePlanGoal:
    _require_editor(by, plan.person)
    plan = _locked_plan(plan)
    if plan.goals.count() >= MAX_GOALS:
        raise CarePlanError(_("A plan can hold at most %(limit)s goals.") % {"limit": MAX_GOALS})
    goal = CarePlanGoal.objects.create(
        plan=plan,
        description=_text(description, limit=MAX_GOAL_LENGTH, what=_("goal")),
        needs=_needs(needs),
        target_date=_future_date(target_date, _("target date")),
        status=_choice(status, GoalStatus, _("status")),
        created_by=by,
    )
    goal.screenings.set(_screenings(plan.person, screening_ids))
    _audit(AuditEvent.Action.CREATE, plan=plan, by=by, request=request, goal=str(goal.pk))
    return goal


@transaction.atomic
def update_goal(
    *,
    goal: CarePlanGoal,
    by: Any,
    values: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Change a goal's words, needs, screenings, target, status or progress; the fields changed."""
    _require_editor(by, goal.plan.person)
    plan = _locked_plan(goal.plan)
    goal = CarePlanGoal.objects.select_for_update().get(pk=goal.pk, plan=plan)
    cleaners = {
        "description": lambda v: _text(v, limit=MAX_GOAL_LENGTH, what=_("goal")),
        "needs": _needs,
        "target_date": lambda v: _future_date(v, _("target date")),
        "status": lambda v: _choice(v, GoalStatus, _("status")),
        "achievement": lambda v: _choice(v, Achievement, _("progress")),
    }
    changed = []
    for name, clean in cleaners.items():
        if name in values:
            value = clean(values[name])
            if getattr(goal, name) != value:
                setattr(goal, name, value)
                changed.append(name)
    if "screening_ids" in values:
        screenings = _screenings(plan.person, values["screening_ids"])
        if {s.pk for s in screenings} != set(goal.screenings.values_list("pk", flat=True)):
            goal.screenings.set(screenings)
            changed.append("screenings")
    if changed:
        goal.save()
        _audit(
            AuditEvent.Action.UPDATE,
            plan=plan,
            by=by,
            request=request,
            goal=str(goal.pk),
            fields=changed,
        )
    return changed


@transaction.atomic
def link_referral(
    *,
    goal: CarePlanGoal,
    referral: Referral,
    by: Any,
    linked: bool = True,
    request: HttpRequest | None = None,
) -> None:
    """Say that a referral of this person serves this goal (or, `linked=False`, no longer)."""
    person = goal.plan.person
    _require_editor(by, person)
    plan = _locked_plan(goal.plan)
    if referral.person_id != person.pk or not policy.can_view_referral(by, referral):
        raise CarePlanError(_("Choose one of this person's referrals."))
    if linked:
        goal.referrals.add(referral)
    else:
        goal.referrals.remove(referral)
    _audit(
        AuditEvent.Action.UPDATE,
        plan=plan,
        by=by,
        request=request,
        goal=str(goal.pk),
        referral=str(referral.pk),
        linked=linked,
    )


@transaction.atomic
def link_service(
    *,
    goal: CarePlanGoal,
    service: Service,
    by: Any,
    linked: bool = True,
    request: HttpRequest | None = None,
) -> None:
    """Say that a programme or community resource (a directory service) serves this goal."""
    _require_editor(by, goal.plan.person)
    plan = _locked_plan(goal.plan)
    if linked:
        if service.status != "active":
            raise CarePlanError(_("This service is not active; choose another."))
        goal.services.add(service)
    else:
        goal.services.remove(service)
    _audit(
        AuditEvent.Action.UPDATE,
        plan=plan,
        by=by,
        request=request,
        goal=str(goal.pk),
        service=str(service.pk),
        linked=linked,
    )


@transaction.atomic
def add_review(
    *,
    plan: CarePlan,
    by: Any,
    text: str,
    goal_updates: Mapping[Any, Mapping[str, str]] | None = None,
    next_review_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> CarePlanNote:
    """Record a review: a progress note, the goals' new statuses, the next review date.

    `goal_updates` maps a goal id to {"status": …, "achievement": …}; only real changes
    are recorded. Everything is written together or not at all.
    """
    _require_editor(by, plan.person)
    plan = _locked_plan(plan)
    text = _text(text, limit=MAX_NOTE_LENGTH, what=_("progress note"))
    goals = {str(g.pk): g for g in plan.goals.select_for_update()}
    changes = []
    for goal_id, update in (goal_updates or {}).items():
        goal = goals.get(str(goal_id))
        if goal is None:
            raise CarePlanError(_("Update only the goals of this plan."))
        change: dict[str, Any] = {"goal": str(goal.pk)}
        for name, choices, what in (
            ("status", GoalStatus, _("status")),
            ("achievement", Achievement, _("progress")),
        ):
            if name in update and update[name]:
                new = _choice(update[name], choices, what)
                if new != getattr(goal, name):
                    change[name] = [getattr(goal, name), new]
                    setattr(goal, name, new)
        if len(change) > 1:
            goal.save(update_fields=["status", "achievement", "updated_at"])
            changes.append(change)
    note = CarePlanNote.objects.create(plan=plan, text=text, goal_changes=changes, by=by)
    if next_review_on is not None:
        plan.next_review_on = _future_date(next_review_on, _("next review date"))
        plan.save(update_fields=["next_review_on", "updated_at"])
    _audit(
        AuditEvent.Action.UPDATE,
        plan=plan,
        by=by,
        request=request,
        note=note.pk,
        goals=[c["goal"] for c in changes],
    )
    return note
