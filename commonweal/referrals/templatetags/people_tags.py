"""Template filters for the people pages' links (the navigation shows them to care roles only)."""

from __future__ import annotations

from typing import Any

from django import template

from commonweal.referrals import permissions

register = template.Library()


@register.filter
def works_with_people(user: Any) -> bool:
    """Whether to offer this user the People link (navigators and partner staff)."""
    return permissions.can_work_with_people(user)
