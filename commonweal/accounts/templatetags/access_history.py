"""`{% access_history_url person as url %}`: the link to a person's access history, or ""."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from commonweal import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def access_history_url(context: template.Context, person: Any) -> str:
    """Empty unless the signed-in user may read this person's access history."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if person is None or not policy.can_view_access_history(user, str(person.pk)):
        return ""
    return reverse("accounts:person_access_history", args=[person.pk])
