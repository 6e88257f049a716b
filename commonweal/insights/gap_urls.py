"""Pages of the insights area: gap analysis (mounted at /insights/gaps/)."""

from django.urls import path

from commonweal.insights import gap_views

app_name = "gaps"

urlpatterns = [
    path("", gap_views.index, name="index"),
    path("gaps.csv", gap_views.download_csv, name="csv"),
    path("gaps.geojson", gap_views.download_geojson, name="geojson"),
]
