"""The insights area's front page (/insights/); its parts have their own url modules."""

from django.urls import path

from commonweal.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
]
