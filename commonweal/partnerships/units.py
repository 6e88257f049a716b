"""Units of indicators and the values each allows (a share is 0 to 100, a count is whole)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    COUNT = "count", _("number")
    PERCENT = "percent", _("percent")
    DAYS = "days", _("days")
    RATE = "rate_per_1000", _("rate per 1,000 people")
    SCORE = "score", _("score")
    DOLLARS = "dollars", _("US dollars")


NON_NEGATIVE = {Unit.COUNT, Unit.PERCENT, Unit.DAYS, Unit.RATE, Unit.DOLLARS}


def problem(unit: str, value: Decimal | float | int | None) -> str | None:
    """Why `value` cannot be a value in `unit`, or None when it can."""
    if value is None:
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        return str(_("Enter a number."))
    if unit in NON_NEGATIVE and number < 0:
        return str(_("A value in %(unit)s cannot be negative.") % {"unit": Unit(unit).label})
    if unit == Unit.PERCENT and number > 100:
        return str(_("A percentage is at most 100."))
    if unit == Unit.COUNT and number != number.to_integral_value():
        return str(_("A number of things is a whole number."))
    return None


def format_value(unit: str, value: Decimal | float | None) -> str:
    """A value as the pages show it: "42", "37.5%", "4.5 days"."""
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    text = f"{number:f}"
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.DAYS:
        return str(_("%(n)s days") % {"n": text})
    if unit == Unit.DOLLARS:
        return f"${text}"
    return text
