"""Template filters for programme pages: language names, age range, cost."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from commonweal.directory.language_names import display_name
from commonweal.programs.models import Programme

register = template.Library()


@register.filter
def language_names(codes: list[str] | str) -> str:
    if isinstance(codes, str):
        codes = [codes]
    return ", ".join(display_name(name="", code=code) or code for code in codes or [])


@register.filter
def age_range(programme: Programme) -> str:
    low, high = programme.minimum_age, programme.maximum_age
    if low is not None and high is not None:
        return _("Ages %(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("Ages %(low)s and up") % {"low": low}
    if high is not None:
        return _("Up to age %(high)s") % {"high": high}
    return _("All ages")


@register.filter
def cost(programme: Programme) -> str:
    return _("Free") if programme.is_free else programme.fee
