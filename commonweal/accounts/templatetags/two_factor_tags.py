from __future__ import annotations

from typing import Any

from django import template

from commonweal.accounts import two_factor

register = template.Library()


@register.simple_tag
def two_factor_status(user: Any) -> dict[str, Any]:
    """What the account page says about the user's two-step sign-in."""
    app = two_factor.authenticator(user)
    return {
        "required": two_factor.required_for(user),
        "on": app is not None,
        "codes_left": two_factor.recovery_codes_left(user) if app else 0,
    }
