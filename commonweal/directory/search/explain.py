"""Why a result is shown, and where to go when there are few results (translated text)."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from commonweal.directory.models import TaxonomyTerm
from commonweal.directory.search.types import SearchRequest, Suggestion

KM_PER_MILE = 1.609344
# The widest radius a "search further" suggestion offers (a large metro area).
MAX_SUGGESTED_RADIUS_KM = 160.0
FEW_RESULTS = 5


def miles_label(km: float) -> str:
    miles = km / KM_PER_MILE
    value = f"{miles:.1f}" if miles < 10 else f"{miles:.0f}"
    return _("%(miles)s mi") % {"miles": value}


def matches_label(what: list[str]) -> str:
    return _("matches: %(what)s") % {"what": ", ".join(what)}


def free_label() -> str:
    return _("free")


def suggestions(
    request: SearchRequest,
    *,
    total: int,
    radius_km: float | None,
    has_place: bool,
    terms: list[TaxonomyTerm],
) -> tuple[Suggestion, ...]:
    """Ways out of an empty or thin list: a wider radius (×2, ×4), the wider category,
    related categories. (The page always adds 211 and the crisis lines.)"""
    if total >= FEW_RESULTS:
        return ()
    found: list[Suggestion] = []
    if has_place and radius_km:
        for factor in (2, 4):
            wider = radius_km * factor
            if wider > MAX_SUGGESTED_RADIUS_KM:
                break
            found.append(
                Suggestion(
                    label=_("Search within %(miles)s miles")
                    % {"miles": f"{wider / KM_PER_MILE:.0f}"},
                    request=dataclasses.replace(request, radius_km=wider, page=1),
                )
            )
    seen: set[str] = set()
    for term in terms[:2]:
        related: list[TaxonomyTerm] = []
        if term.parent is not None:
            related.append(term.parent)
            related.extend(
                TaxonomyTerm.objects.filter(parent_id=term.parent_id)
                .exclude(pk=term.pk)
                .order_by("name")[:3]
            )
        else:
            related.extend(TaxonomyTerm.objects.filter(parent_id=term.pk).order_by("name")[:3])
        for other in related:
            if other.name in seen or other.name == term.name:
                continue
            seen.add(other.name)
            found.append(
                Suggestion(
                    label=_("Related: %(category)s") % {"category": other.name},
                    request=dataclasses.replace(
                        request, q="", categories=(other.code or str(other.pk),), page=1
                    ),
                )
            )
    return tuple(found)
