"""The gap analysis page (/insights/gaps/) and its CSV and GeoJSON downloads: thin over gap_report.

For coalition admins, analysts and superusers (policy.can_see_insights). A plain GET form
drives everything, so the page works without JavaScript; htmx swaps in the results only.
The figures are per area of thousands of people and per directory site, never per person,
so nothing here reads a person record and no audit entry is written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonweal import policy
from commonweal.insights import gap_export, gap_map, gap_query, gap_report
from commonweal.insights.gap_query import GapQuery
from commonweal.insights.gap_report import CategoryNotFound, GapReport
from commonweal.insights.gaps import GapInputError

TOP = 25
METHOD_LABELS = {
    "2sfca": "2SFCA",
    "e2sfca": gettext_lazy("E2SFCA, stepped"),
    "e2sfca-gaussian": gettext_lazy("E2SFCA, Gaussian"),
    "gravity": gettext_lazy("Gravity model"),
}


def _allowed(request: HttpRequest) -> None:
    if not policy.can_see_insights(request.user):
        raise PermissionDenied


def score_text(score: float | None, normalized: bool) -> str:
    """Raw scores are places per person (tiny): shown per 10,000 people, or as 1 = average."""
    if score is None:
        return "—"
    value = score if normalized else score * 10_000
    return "0" if value == 0 else f"{value:.3g}"


def analyse(request: HttpRequest) -> tuple[GapQuery, list[str], GapReport | None]:
    """The query from the request, what is wrong with it, and the report when nothing is."""
    query, errors = gap_query.parse(request.GET)
    if errors or not query.category:
        return query, errors, None
    try:
        report = gap_report.run(query, today=timezone.localdate())
    except CategoryNotFound:
        return (
            query,
            [_("Category: no category has the code “%(code)s”.") % {"code": query.category}],
            None,
        )
    except GapInputError as error:
        return query, [str(error)], None
    return query, [], report


def _tiles() -> tuple[str, str | None]:
    url = getattr(settings, "COMMONWEAL_MAP_TILE_URL", "") or ""
    return url, gap_map.tile_origin(url) if url else None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    query, errors, report = analyse(request)
    context: dict[str, Any] = {
        "query": query,
        "errors": errors,
        "report": report,
        "categories": gap_report.categories(),
        "methods": [(m, str(METHOD_LABELS[m])) for m in gap_query.METHODS],
        "roll_ups": [
            ("tract", _("Census tracts")),
            ("zip", _("ZIP codes (approximate)")),
            ("county", _("Counties")),
        ],  # fmt: skip
        "steps": gap_query.steps_text(query.steps),
    }
    tile_url, origin = _tiles()
    if origin:
        context.update(
            tile_origin=origin,
            tile_url=tile_url,
            tile_attribution=getattr(settings, "COMMONWEAL_MAP_TILE_ATTRIBUTION", ""),
        )
    if report is not None:
        context.update(_present(request, report, show_all=request.GET.get("all") == "1"))
        if origin:
            layout = context["map"]
            context["map_points"] = json.dumps({
                "areas": [
                    [r.latitude, r.longitude, dot.colour,
                     f"{r.name}: {score_text(r.score, query.normalized)}"]
                    for r, dot in zip(report.rows, layout.dots, strict=True)
                ],
                "sites": [[float(la), float(lo)] for la, lo in zip(
                    report.supply.sites.latitude, report.supply.sites.longitude, strict=True)],
            })  # fmt: skip
    template = (
        "insights/_gap_results.html"
        if request.headers.get("HX-Request")
        and not request.headers.get("HX-History-Restore-Request")
        else "insights/gaps.html"
    )
    # htmx leaves a 4xx response unswapped: its errors must arrive as a 200 to be seen.
    status = 400 if errors and template == "insights/gaps.html" else 200
    response = render(request, template, context, status=status)
    if origin:
        # Only this page may load tiles, and only from the configured host.
        response._csp_update = {"img-src": [origin]}  # type: ignore[attr-defined]
    return response


def _present(request: HttpRequest, report: GapReport, *, show_all: bool) -> dict[str, Any]:
    query = report.query
    params = urlencode({k: v for k, v in query.as_params().items() if v})
    normalized = query.normalized
    rows = report.rows if show_all else report.rows[:TOP]
    layout = gap_map.layout(
        [(r.latitude, r.longitude, r.score) for r in report.rows],
        [(float(la), float(lo)) for la, lo in zip(report.supply.sites.latitude,
                                                  report.supply.sites.longitude, strict=True)],
    )  # fmt: skip
    share = report.summary["share_without_site"]
    return {
        "rows": [{"row": r, "score": score_text(r.score, normalized)} for r in rows],
        "regions": [{"row": r, "score": score_text(r.score, normalized)} for r in report.regions],
        "showing_all": show_all or len(report.rows) <= TOP,
        "all_url": f"{reverse('gaps:index')}?{params}&all=1#ranked",
        "csv_url": f"{reverse('gaps:csv')}?{params}",
        "geojson_url": f"{reverse('gaps:geojson')}?{params}",
        "share_without_site": "—" if share is None else f"{share:.0%}",
        "map": layout,
        "legend": [
            {
                "entry": e,
                "low": score_text(e.low, normalized),
                "high": score_text(e.high, normalized),
            }
            for e in layout.legend
        ],
        "method_label": str(METHOD_LABELS[query.method]),
        "top": TOP,
    }


def _refused(errors: list[str]) -> HttpResponse:
    return HttpResponse(
        "\n".join(errors) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def _filename(report: GapReport, extension: str) -> str:
    safe = "".join(c for c in report.query.category if c.isalnum() or c in "-_") or "category"
    return f"gaps-{safe}-{report.query.method}.{extension}"


@login_required
def download_csv(request: HttpRequest) -> HttpResponse:
    """Every listed area, ranked (gap_export.write_csv), or every region for a roll-up."""
    _allowed(request)
    query, errors, report = analyse(request)
    if report is None:
        return _refused(errors or [_("Category: choose a category.")])
    if query.by != "tract":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(("rank", "id", "name", "population", "areas", "score"))
        for r in report.regions:
            writer.writerow((r.rank, r.id, r.name, f"{r.population:g}", r.areas,
                             "" if r.score is None else repr(r.score)))  # fmt: skip
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
        return response
    # The command's writer, so a download and `commonweal gaps --csv` agree byte for byte;
    # the temporary file is unlinked at once and streamed from its open handle.
    fd, name = tempfile.mkstemp(suffix=".csv")
    try:
        os.close(fd)
        gap_export.write_csv(report.listed, Path(name))
        handle = open(name, "rb")  # noqa: SIM115 (FileResponse closes it)
    finally:
        os.unlink(name)
    return FileResponse(
        handle, as_attachment=True, filename=_filename(report, "csv"), content_type="text/csv"
    )


@login_required
def download_geojson(request: HttpRequest) -> HttpResponse:
    """The listed areas as Point features at their centres (gap_export.geojson)."""
    _allowed(request)
    _query, errors, report = analyse(request)
    if report is None:
        return _refused(errors or [_("Category: choose a category.")])
    body = json.dumps(gap_export.geojson(report.listed), ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "geojson")}"'
    return response
