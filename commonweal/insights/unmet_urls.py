"""Pages of the insights area: unmet need (mounted at /insights/unmet/)."""

from django.urls import path  # noqa: F401

app_name = "unmet"

urlpatterns: list = []
