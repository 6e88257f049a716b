"""Mobile services' pages: the route manager (/programs/routes/, partner staff and coalition
admins) and the public pages (/events/mobile/: routes, "the next stop near me", feeds).

Who may manage is commonweal.policy's (`can_manage_route`); routes are public once
published, so a refusal to manage is a 403, and an unpublished route is a 404 to whoever
may not manage it. Views parse, call one function of routes.py, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonweal import policy
from commonweal.directory.search import places
from commonweal.directory.search.types import Place
from commonweal.programs import route_feeds, routes
from commonweal.programs.route_forms import NearForm, RouteForm, StopForm, VisitForm
from commonweal.programs.route_models import Route, RouteKind, Stop
from commonweal.programs.views import _apply_errors

MANAGE_VISITS = 10  # per stop on the manager page
NEAR_LIMIT = 10


def _managed(request: HttpRequest, route_id: Any) -> Route:
    route = get_object_or_404(Route.objects.with_organization(), pk=route_id)
    if not policy.can_manage_route(request.user, route.organization):
        raise PermissionDenied
    return route


def _managed_stop(request: HttpRequest, stop_id: Any) -> Stop:
    stop = get_object_or_404(Stop.objects.select_related("route__organization"), pk=stop_id)
    if not policy.can_manage_route(request.user, stop.route.organization):
        raise PermissionDenied
    return stop


def _manage_url(route: Route) -> str:
    return reverse("programs:route_manage", kwargs={"route_id": route.pk})


@login_required
def route_list(request: HttpRequest) -> HttpResponse:
    organizations = policy.route_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    found = Route.objects.of(organizations).with_organization()
    return render(request, "programs/route_manage_list.html", {"routes": found})


@login_required
def route_create(request: HttpRequest) -> HttpResponse:
    organizations = policy.route_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    form = RouteForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        try:
            route = routes.create_route(
                organization=form.cleaned_data["organization"], by=request.user, **fields
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is saved. Now add its stops.") % {"name": route})
            return redirect(_manage_url(route))
    return render(request, "programs/route_form.html", {"form": form})


@login_required
def route_manage(request: HttpRequest, route_id: Any) -> HttpResponse:
    route = _managed(request, route_id)
    now = timezone.now()
    stops = routes.stops_of(Route.objects.filter(pk=route.pk))
    rows = [(stop, stop.occurrences(window_start=now)[:MANAGE_VISITS]) for stop in stops]
    return render(request, "programs/route_manage.html", {"route": route, "rows": rows})


@login_required
def route_edit(request: HttpRequest, route_id: Any) -> HttpResponse:
    route = _managed(request, route_id)
    form = RouteForm(
        request.POST or None,
        instance=Route.objects.get(pk=route.pk),
        organizations=policy.route_organizations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            routes.update_route(route, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_manage_url(route))
    return render(request, "programs/route_form.html", {"form": form, "route": route})


@login_required
def route_delete(request: HttpRequest, route_id: Any) -> HttpResponse:
    """A confirmation page (GET), then the deletion (POST): the route, its stops and their
    cancelled visits go; unpublishing is offered as the gentler choice."""
    route = _managed(request, route_id)
    if request.method == "POST":
        routes.delete_route(route, by=request.user, request=request)
        messages.success(request, _("%(name)s is deleted.") % {"name": route.name})
        return redirect("programs:route_list")
    return render(
        request,
        "programs/route_delete.html",
        {"route": route, "stops": Stop.objects.filter(route=route).count()},
    )


@login_required
def stop_create(request: HttpRequest, route_id: Any) -> HttpResponse:
    route = _managed(request, route_id)
    form = StopForm(request.POST or None, instance=Stop(route=route), route=route)
    if request.method == "POST" and form.is_valid():
        try:
            routes.add_stop(route, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The stop is saved."))
            return redirect(_manage_url(route))
    return render(request, "programs/route_stop_form.html", {"form": form, "route": route})


@login_required
def stop_edit(request: HttpRequest, stop_id: Any) -> HttpResponse:
    stop = _managed_stop(request, stop_id)
    route = stop.route
    form = StopForm(request.POST or None, instance=Stop.objects.get(pk=stop.pk), route=route)
    if request.method == "POST" and form.is_valid():
        try:
            routes.update_stop(stop, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The stop is saved."))
            return redirect(_manage_url(route))
    return render(
        request, "programs/route_stop_form.html", {"form": form, "route": route, "stop": stop}
    )


@login_required
@require_POST
def stop_delete(request: HttpRequest, stop_id: Any) -> HttpResponse:
    stop = _managed_stop(request, stop_id)
    routes.remove_stop(stop, by=request.user, request=request)
    messages.success(request, _("The stop is removed."))
    return redirect(_manage_url(stop.route))


@login_required
@require_POST
def visit_cancel(request: HttpRequest, stop_id: Any) -> HttpResponse:
    stop = _managed_stop(request, stop_id)
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a visit to cancel."))
    else:
        try:
            routes.cancel_visit(
                stop,
                occurrence=form.cleaned_data["occurrence"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The visit is marked cancelled."))
    return redirect(_manage_url(stop.route))


@login_required
@require_POST
def visit_restore(request: HttpRequest, stop_id: Any) -> HttpResponse:
    stop = _managed_stop(request, stop_id)
    form = VisitForm(request.POST)
    if form.is_valid():
        routes.restore_visit(stop, occurrence=form.cleaned_data["occurrence"], by=request.user)
        messages.success(request, _("The visit is on again."))
    else:
        messages.error(request, _("Choose a visit to restore."))
    return redirect(_manage_url(stop.route))


# --- public pages ----------------------------------------------------------------------------


def public_route(request: HttpRequest, route_id: Any) -> Route:
    """A published route; an unpublished one only for those who manage it."""
    route = get_object_or_404(Route.objects.with_organization(), pk=route_id)
    if not route.published and not policy.can_manage_route(request.user, route.organization):
        raise Http404
    return route


def _near(request: HttpRequest) -> tuple[NearForm, Place | None]:
    """The near-me form and the place it names; a place not found is an error on the form."""
    form = NearForm(request.GET or None)
    if not request.GET or not form.is_valid():
        return form, None
    data = form.cleaned_data
    place, message = places.resolve(data["near"] or "", data["lat"], data["lon"])
    if place is None and message:
        form.add_error("near", message)
    return form, place


def mobile_list(request: HttpRequest) -> HttpResponse:
    """Every published route with its next visit, and the next stops near a place."""
    now = timezone.now()
    form, place = _near(request)
    published = Route.objects.published().with_organization()
    stops = list(routes.stops_of(published))
    nearby = (
        routes.nearest(
            stops,
            now=now,
            lat=place.lat,
            lon=place.lon,
            radius_km=places.default_radius_km(place),
            limit=NEAR_LIMIT,
        )
        if place
        else []
    )
    by_route: dict[Any, list[Stop]] = {}
    for stop in stops:
        by_route.setdefault(stop.route_id, []).append(stop)
    listed = [
        (route, next(iter(routes.next_visits(by_route.get(route.pk, []), now=now, limit=1)), None))
        for route in published
    ]
    return render(
        request,
        "programs/route_list.html",
        {
            "form": form,
            "place": place,
            "nearby": nearby,
            "radius_miles": round(places.default_radius_km(place) / routes.KM_PER_MILE)
            if place
            else None,
            "listed": listed,
            "kinds": RouteKind,
            "manages": policy.route_organizations(request.user).exists(),
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


def route_detail(request: HttpRequest, route_id: Any) -> HttpResponse:
    route = public_route(request, route_id)
    now = timezone.now()
    form, place = _near(request)
    stops = list(routes.stops_of(Route.objects.filter(pk=route.pk)))
    nearby = routes.nearest(stops, now=now, lat=place.lat, lon=place.lon, limit=3) if place else []
    return render(
        request,
        "programs/route_detail.html",
        {
            "route": route,
            "form": form,
            "place": place,
            "nearby": nearby,
            "visits": routes.upcoming(route, now=now),
            "stops": stops,
            "manages": policy.can_manage_route(request.user, route.organization),
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


def route_feed(request: HttpRequest, route_id: Any) -> HttpResponse:
    route = public_route(request, route_id)
    stops = routes.stops_of(Route.objects.filter(pk=route.pk))
    body = route_feeds.feed(route, stops, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="route.ics"'
    return response
