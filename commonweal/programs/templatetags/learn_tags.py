"""The "Learn more" boxes other pages include: one small tag per place, one query each.

Each tag picks the topics of its page and renders programs/_learn_links.html with links
to published education pages in the reader's language (education.links).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from commonweal.programs import education

register = template.Library()
TEMPLATE = "programs/_learn_links.html"


def _box(links: list[education.Link], box_id: str, manage_url: str = "") -> dict[str, Any]:
    return {
        "learn_links": links,
        "learn_language": education.reader_language(),
        "learn_id": box_id,
        "learn_manage_url": manage_url,
    }


@register.inclusion_tag(TEMPLATE)
def learn_for_screening(presented: Any) -> dict[str, Any]:
    """Pages about the domains screened positive (food, loneliness, mood …)."""
    domains = [d.domain for d in getattr(presented, "positive", ()) if d.domain]
    return _box(education.links_for_topics(domains) if domains else [], "screening")


@register.inclusion_tag(TEMPLATE)
def learn_for_search(results: Any) -> dict[str, Any]:
    """Pages about the categories a search was read as, or filtered by."""
    response = getattr(results, "response", None)
    if response is None:
        return _box([], "search")
    codes = [m.code for m in response.interpretation.categories if m.code]
    codes += [c.strip() for c in response.request.categories if c.strip()]
    return _box(education.links_for_topics(codes) if codes else [], "search")


@register.inclusion_tag(TEMPLATE)
def learn_for_programme(programme: Any, manages: bool = False) -> dict[str, Any]:
    """The pages a programme's managers chose for it, and for them the link to choose."""
    url = (
        reverse("programs:learn_programme_pages", kwargs={"programme_id": programme.pk})
        if manages
        else ""
    )
    return _box(education.links_for_programme(programme), "programme", url)
