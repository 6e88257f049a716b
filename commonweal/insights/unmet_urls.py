"""Pages of the insights area: unmet need (mounted at /insights/unmet/)."""

from __future__ import annotations

from django.urls import path

from commonweal.insights import unmet_views

app_name = "unmet"

urlpatterns = [
    path("", unmet_views.index, name="index"),
    path("<slug:name>.csv", unmet_views.table_csv, name="csv"),
]
