"""Template filters for the account pages."""

from __future__ import annotations

import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(value: timedelta | None) -> int:
    """A cool-off period in whole minutes, rounded up so we never promise too early."""
    if value is None:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))
