"""Template filters for the people pages' links (the navigation shows them to care roles only)."""

from __future__ import annotations

from typing import Any

from django import template

from commonweal import policy

register = template.Library()


@register.filter
def works_with_people(user: Any) -> bool:
    """Whether to offer this user the People link (navigators and partner staff).

    Remembered on the user object for the request: search results ask once per card."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_works_with_people", None)
    if cached is None:
        cached = policy.can_work_with_people(user)
        user._works_with_people = cached
    return cached


@register.filter
def referrals_url(user: Any) -> str:
    """Where the Referrals link goes: the inbox for partner staff, else the sent worklist."""
    from django.urls import reverse

    from commonweal.accounts.models import Role

    if user.organization_ids_with_role(Role.NAVIGATOR):
        return reverse("referral:worklist")
    if user.organization_ids_with_role(Role.PARTNER_STAFF):
        return reverse("referral:inbox")
    return reverse("referral:metrics")


@register.filter
def sees_referral_metrics(user: Any) -> bool:
    """Whether the loop-closure figures are open to this user (see commonweal.policy.metrics_scope)."""
    return policy.can_see_metrics(user)


@register.filter
def sees_insights(user: Any) -> bool:
    """Whether the insights area is open to this user (see commonweal.policy.can_see_insights)."""
    return policy.can_see_insights(user)


@register.filter
def sees_partnership(user: Any) -> bool:
    """Whether the partnership workspace is open to this user (see policy.can_see_workspace)."""
    return policy.can_see_workspace(user)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """A label from a choices dict, or the key itself when it is not there."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
