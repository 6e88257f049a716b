"""URLs of mobile services (a route of stops, and "the next stop near me").

`manage_urlpatterns` join /programs/ (namespace "programs"); `public_urlpatterns` join
/events/ (namespace "events", see event_urls.py)."""

from __future__ import annotations

from django.urls import path

from commonweal.programs import route_views

manage_urlpatterns: list = [
    path("routes/", route_views.route_list, name="route_list"),
    path("routes/new/", route_views.route_create, name="route_create"),
    path("routes/<uuid:route_id>/", route_views.route_manage, name="route_manage"),
    path("routes/<uuid:route_id>/edit/", route_views.route_edit, name="route_edit"),
    path("routes/<uuid:route_id>/delete/", route_views.route_delete, name="route_delete"),
    path("routes/<uuid:route_id>/stops/new/", route_views.stop_create, name="stop_create"),
    path("routes/stops/<uuid:stop_id>/edit/", route_views.stop_edit, name="stop_edit"),
    path("routes/stops/<uuid:stop_id>/delete/", route_views.stop_delete, name="stop_delete"),
    path("routes/stops/<uuid:stop_id>/cancel/", route_views.visit_cancel, name="visit_cancel"),
    path("routes/stops/<uuid:stop_id>/restore/", route_views.visit_restore, name="visit_restore"),
]
public_urlpatterns: list = [
    path("mobile/", route_views.mobile_list, name="mobile_list"),
    path("mobile/<uuid:route_id>/", route_views.route_detail, name="route_detail"),
    path("mobile/<uuid:route_id>/feed.ics", route_views.route_feed, name="route_feed"),
]
