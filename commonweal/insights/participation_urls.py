"""Pages of the insights area: participation (mounted at /insights/participation/)."""

from __future__ import annotations

from django.urls import path

from commonweal.insights import participation_views

app_name = "participation"

urlpatterns = [
    path("", participation_views.index, name="index"),
    path("<slug:name>.csv", participation_views.download, name="csv"),
]
