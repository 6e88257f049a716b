"""Care plan pages: the plan, start it, add or edit a goal, link what serves it, review, close.

Thin: the rules live in care_plans.py. A person outside the user's care team answers 404
(as on the person pages); a superuser may read the plan but changes nothing (404 on the
forms, as for consent). Every page that shows the plan writes the audit log.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.directory.models import Service
from commonweal.referrals import care_plans
from commonweal.referrals.care_plan_forms import (
    ClosePlanForm,
    GoalForm,
    LinkReferralForm,
    ReviewForm,
    ServiceSearchForm,
    StartPlanForm,
)
from commonweal.referrals.care_plan_models import CarePlan, CarePlanGoal, PlanStatus
from commonweal.referrals.errors import NotAllowed, ReferralError
from commonweal.referrals.models import Person

SERVICE_RESULTS = 20


def _person(request: HttpRequest, person_id: uuid.UUID, *, edit: bool = False) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    allowed = policy.can_edit_plan if edit else policy.can_view_plan
    if not allowed(request.user, person):
        raise Http404
    return person


def _active_plan(person: Person) -> CarePlan:
    plan = CarePlan.objects.filter(person=person, status=PlanStatus.ACTIVE).first()
    if plan is None:
        raise Http404
    return plan


def _goal(plan: CarePlan, goal_id: uuid.UUID) -> CarePlanGoal:
    return get_object_or_404(
        CarePlanGoal.objects.select_related("plan__person"), pk=goal_id, plan=plan
    )


def _back(person: Person, anchor: str = "") -> HttpResponse:
    url = reverse("referrals:care_plan", args=[person.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


@never_cache
@login_required
def care_plan(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    plan = care_plans.current_plan(person)
    care_plans.record_read(person=person, by=request.user, request=request)
    can_edit = policy.can_edit_plan(request.user, person)
    return render(
        request,
        "referrals/care_plan/plan.html",
        {
            "person": person,
            "plan": plan,
            "goals": care_plans.goals_of(plan, request.user) if plan else [],
            "notes": list(plan.notes.select_related("by")) if plan else [],
            "can_edit": can_edit and plan is not None and plan.status == PlanStatus.ACTIVE,
            "can_start": can_edit and (plan is None or plan.status != PlanStatus.ACTIVE),
            "start_form": StartPlanForm(),
            "close_form": ClosePlanForm(),
        },
    )


@never_cache
@login_required
@require_POST
def plan_start(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id, edit=True)
    form = StartPlanForm(request.POST)
    if form.is_valid():
        try:
            care_plans.start_plan(
                person=person,
                by=request.user,
                next_review_on=form.cleaned_data["next_review_on"],
                request=request,
            )
        except ReferralError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The care plan was started. Add the person's goals."))
    else:
        messages.error(request, _("Enter the review date as a date, for example 2030-01-31."))
    return _back(person)


@never_cache
@login_required
@require_POST
def plan_close(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id, edit=True)
    plan = _active_plan(person)
    form = ClosePlanForm(request.POST)
    if form.is_valid():
        try:
            care_plans.close_plan(
                plan=plan, status=form.cleaned_data["status"], by=request.user, request=request
            )
        except ReferralError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The care plan was closed."))
    else:
        messages.error(request, _("Choose whether the plan was completed or stopped."))
    return _back(person)


def _goal_page(
    request: HttpRequest, person: Person, goal: CarePlanGoal | None = None
) -> HttpResponse:
    plan = _active_plan(person)
    editing = goal is not None
    suggested = care_plans.suggested_needs(person)
    if request.method == "POST":
        form = GoalForm(request.POST, person=person, editing=editing)
        if form.is_valid():
            data = form.cleaned_data
            values = {
                "description": data["description"],
                "needs": form.all_needs(),
                "screening_ids": [s.pk for s in data["screenings"]],
                "target_date": data["target_date"],
                "status": data["status"],
            }
            try:
                if goal is None:
                    care_plans.add_goal(plan=plan, by=request.user, request=request, **values)
                else:
                    values["achievement"] = data["achievement"]
                    care_plans.update_goal(
                        goal=goal, by=request.user, values=values, request=request
                    )
            except NotAllowed as error:
                raise Http404 from error
            except ReferralError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The goal was saved."))
                return _back(person, "goals-title")
    elif goal is not None:
        form = GoalForm(initial=GoalForm.initial_for(goal), person=person, editing=True)
    else:
        initial = {"needs": [c for c in suggested.codes], "status": "active"}
        if suggested.screening is not None and suggested.codes:
            initial["screenings"] = [suggested.screening]
        form = GoalForm(initial=initial, person=person)
    care_plans.record_read(person=person, by=request.user, request=request, what="care_plan_goal")
    return render(
        request,
        "referrals/care_plan/goal_form.html",
        {"person": person, "form": form, "goal": goal, "suggested": suggested},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def goal_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _goal_page(request, _person(request, person_id, edit=True))


@never_cache
@login_required
def goal_edit(request: HttpRequest, person_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id, edit=True)
    return _goal_page(request, person, _goal(_active_plan(person), goal_id))


def _person_referrals(request: HttpRequest, person: Person):
    return (
        policy.visible_referrals(request.user)
        .filter(person=person)
        .select_related("service", "to_organization")
        .order_by("-created_at")
    )


@never_cache
@login_required
def goal_links(request: HttpRequest, person_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    """Link referrals and services to a goal (and unlink them); a plain form for each."""
    person = _person(request, person_id, edit=True)
    goal = _goal(_active_plan(person), goal_id)
    referrals = _person_referrals(request, person)
    referral_form = LinkReferralForm(referrals=referrals.exclude(pk__in=goal.referrals.all()))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "link-referral":
                referral_form = LinkReferralForm(
                    request.POST, referrals=referrals.exclude(pk__in=goal.referrals.all())
                )
                if referral_form.is_valid():
                    care_plans.link_referral(
                        goal=goal,
                        referral=referral_form.cleaned_data["referral"],
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, _("The referral was linked to the goal."))
                    return redirect(request.path)
                status = 400
            elif action == "unlink-referral":
                referral = get_object_or_404(referrals, pk=_uuid_or_404(request.POST.get("id")))
                care_plans.link_referral(
                    goal=goal, referral=referral, by=request.user, linked=False, request=request
                )
                messages.success(request, _("The referral was unlinked."))
                return redirect(request.path)
            elif action in ("link-service", "unlink-service"):
                service = get_object_or_404(Service, pk=_uuid_or_404(request.POST.get("id")))
                care_plans.link_service(
                    goal=goal,
                    service=service,
                    by=request.user,
                    linked=action == "link-service",
                    request=request,
                )
                messages.success(
                    request,
                    _("The service was linked to the goal.")
                    if action == "link-service"
                    else _("The service was unlinked."),
                )
                return redirect(request.path)
            else:
                messages.error(request, _("Choose what to link."))
                status = 400
        except NotAllowed as error:
            raise Http404 from error
        except ReferralError as error:
            messages.error(request, error.message)
            status = 400
    search = ServiceSearchForm(request.GET or None)
    found = []
    if search.is_valid():
        words = search.cleaned_data["q"].split()[:5]
        services = Service.objects.filter(status="active").select_related("organization")
        for word in words:
            services = services.filter(
                Q(name__icontains=word) | Q(organization__name__icontains=word)
            )
        found = list(
            services.exclude(pk__in=goal.services.all()).order_by("name")[:SERVICE_RESULTS]
        )
    care_plans.record_read(person=person, by=request.user, request=request, what="care_plan_links")
    return render(
        request,
        "referrals/care_plan/goal_links.html",
        {
            "person": person,
            "goal": goal,
            "linked_referrals": list(referrals.filter(pk__in=goal.referrals.all())),
            "linked_services": list(goal.services.select_related("organization")),
            "referral_form": referral_form,
            "search": search,
            "found": found,
        },
        status=status,
    )


def _uuid_or_404(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError as error:
        raise Http404 from error


@never_cache
@login_required
def review_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id, edit=True)
    plan = _active_plan(person)
    goals = list(plan.goals.all())
    if request.method == "POST":
        form = ReviewForm(request.POST, goals=goals)
        if form.is_valid():
            try:
                care_plans.add_review(
                    plan=plan,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    goal_updates=form.goal_updates(),
                    next_review_on=form.cleaned_data["next_review_on"],
                    request=request,
                )
            except NotAllowed as error:
                raise Http404 from error
            except ReferralError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The review was recorded."))
                return _back(person, "notes-title")
    else:
        form = ReviewForm(goals=goals, initial={"next_review_on": None})
    care_plans.record_read(person=person, by=request.user, request=request, what="care_plan_review")
    return render(
        request,
        "referrals/care_plan/review_form.html",
        {"person": person, "plan": plan, "form": form},
        status=400 if form.errors else 200,
    )
