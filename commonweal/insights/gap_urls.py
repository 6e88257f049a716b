"""Pages of the insights area: gap analysis (mounted at /insights/gaps/)."""

from django.urls import path  # noqa: F401

app_name = "gaps"

urlpatterns: list = []
