"""The partnership network page (/partnership/network/): two completed quarters compared,
drawn as SVG with tables of the same data. Rules: commonweal.policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonweal.insights import periods
from commonweal.partnerships import network, network_data
from commonweal.partnerships.models import Sector
from commonweal.partnerships.pages import (
    page_context,
    require_workspace,
)

KIND_LABELS = {
    network.REFERRAL: gettext_lazy("referrals"),
    network.SHARED_PROGRAMME: gettext_lazy("a shared programme"),
    network.CONTRIBUTION: gettext_lazy("a contribution to its programme"),
    network.MEETING: gettext_lazy("a meeting together"),
}
QUARTERS_OFFERED = 8


def _quarter(raw: str | None, default: periods.Quarter, label: str, errors: list[str]) -> Any:
    if not raw:
        return default
    found = periods.parse_quarter(raw, timezone.localdate())
    if found is None:
        errors.append(
            _("%(field)s: choose one of the completed quarters offered, like %(example)s.")
            % {"field": label, "example": default.label}
        )
        return default
    return found


@login_required
def network_index(request: HttpRequest) -> HttpResponse:
    require_workspace(request)
    offered = periods.completed_quarters(timezone.localdate(), QUARTERS_OFFERED)
    errors: list[str] = []
    after = _quarter(request.GET.get("after"), offered[0], _("Compare"), errors)
    before = _quarter(request.GET.get("before"), offered[1], _("with"), errors)
    graphs = {
        "before": network_data.build(before.start, before.end),
        "after": network_data.build(after.start, after.end),
    }
    measured = {name: network.measure(g) for name, g in graphs.items()}
    now = measured["after"]
    g = graphs["after"]
    names = {k: d["node"].name for k, d in g.nodes(data=True)}
    ties = sorted(
        (
            sorted((names[a], names[b])),
            ", ".join(str(KIND_LABELS[k]) for k in sorted(kinds)),
        )
        for (a, b), kinds in now.tie_kinds.items()
    )
    drawing = network.draw(g)
    by_key = {row.node.key: row for row in now.by_partner}
    numbered = [(number, by_key[node.key]) for number, node, _x, _y in drawing.points]
    return render(
        request,
        "partnerships/network.html",
        page_context(
            request,
            errors=errors,
            offered=offered,
            before=before,
            after=after,
            measured=measured,
            now=now,
            change=network.compare(graphs["before"], graphs["after"]),
            drawing=drawing,
            numbered=numbered,
            ties=ties,
            sectors=dict(Sector.choices),
        ),
    )
