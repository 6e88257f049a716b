"""Template helpers for directory pages: safe links, map links, ages, edit rights."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext as _

from commonweal import policy
from commonweal.directory.forms import ServiceForm

register = template.Library()

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


@register.filter
def web_href(value: str) -> str:
    """An http(s) link for a stored web address, or "" (never javascript: and the like).

    Directory data often gives "www.example.org" without a scheme."""
    value = (value or "").strip()
    if not value or any(ch.isspace() for ch in value):
        return ""
    if value.lower().startswith(("http://", "https://")):
        return value
    if _SCHEME.match(value) and not value.lower().startswith("www."):
        return ""
    if _BARE_DOMAIN.match(value):
        return f"http://{value}"
    return ""


@register.filter
def web_label(value: str) -> str:
    """A web address without its scheme and trailing slash, for link text."""
    value = (value or "").strip()
    return re.sub(r"^https?://", "", value, flags=re.IGNORECASE).rstrip("/")


@register.filter
def map_href(location: Any) -> str:
    """A plain link to OpenStreetMap at the location (a link, never an embedded map)."""
    lat, lon = getattr(location, "latitude", None), getattr(location, "longitude", None)
    if lat is None or lon is None:
        return ""
    query = urlencode({"mlat": f"{lat:.6f}", "mlon": f"{lon:.6f}"})
    return f"https://www.openstreetmap.org/?{query}#map=17/{lat:.6f}/{lon:.6f}"


def _age(value: Decimal) -> str:
    return format(value.normalize(), "f")


@register.filter
def ages_label(service: Any) -> str:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return _("Ages %(low)s to %(high)s") % {"low": _age(low), "high": _age(high)}
    if low is not None:
        return _("Ages %(low)s and over") % {"low": _age(low)}
    if high is not None:
        return _("Ages up to %(high)s") % {"high": _age(high)}
    return ""


# The rules themselves live in commonweal.policy; templates reach them under these names.
register.filter("can_edit_listings", policy.can_edit_some_listing)
register.filter("can_edit_organization", policy.can_edit_organization)


@register.filter
def status_label(service: Any) -> str:
    """The service's HSDS status in the reader's language."""
    labels = dict(ServiceForm.base_fields["status"].choices)
    return str(labels.get(service.status, service.status))
