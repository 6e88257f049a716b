"""Early-warning pages (mounted at /insights/alerts/)."""

from django.urls import path

from commonweal.insights import alert_views

app_name = "alerts"

urlpatterns = [
    path("", alert_views.index, name="index"),
    path("<slug:signal>/<str:area>/", alert_views.detail, name="detail"),
]
