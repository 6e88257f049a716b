"""Pages of the insights area: outcomes (mounted at /insights/outcomes/)."""

from django.urls import path  # noqa: F401

app_name = "outcomes"

urlpatterns: list = []
