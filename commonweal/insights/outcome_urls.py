"""Pages of the insights area: outcomes (mounted at /insights/outcomes/)."""

from django.urls import path

from commonweal.insights import outcome_views

app_name = "outcomes"

urlpatterns = [
    path("", outcome_views.index, name="index"),
]
