"""The care plan's part of the person page, and plain words for a goal's needs."""

from __future__ import annotations

from typing import Any

from django import template

from commonweal import policy
from commonweal.referrals import care_plans

register = template.Library()


@register.inclusion_tag("referrals/care_plan/_summary.html", takes_context=True)
def care_plan_summary(context: Any, person: Any) -> dict[str, Any]:
    """The person page's "Care plan" section (the page already checked access and audited)."""
    user = context["request"].user
    plan = care_plans.current_plan(person)
    return {
        "person": person,
        "plan": plan,
        "goals": list(plan.goals.all()) if plan else [],
        "can_start": policy.can_edit_plan(user, person)
        and (plan is None or plan.status != "active"),
    }


@register.filter
def need_label(code: str) -> str:
    return care_plans.need_label(code)
