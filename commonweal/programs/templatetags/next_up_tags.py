"""The service page's "Next sessions" and "Mobile stops": the directory's service page loads
this tag, so the directory need not read the programmes' tables itself."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from commonweal.programs import calendar, routes
from commonweal.programs.route_models import Route

register = template.Library()

SHOWN = 3


@register.inclusion_tag("programs/_next_service.html")
def service_next_up(service: Any) -> dict[str, Any]:
    """The next meetings of the service's published programmes and the next visits of its
    published mobile routes (three of each; cancelled ones left out)."""
    now = timezone.now()
    published = Route.objects.published().filter(service=service).order_by("name")
    return {
        "events": calendar.next_events(now=now, service=service, limit=SHOWN),
        "visits": routes.next_visits(routes.stops_of(published), now=now, limit=SHOWN),
        "routes": list(published),
    }
