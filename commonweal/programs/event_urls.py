"""The public calendar and programme pages, mounted at /events/."""

from django.urls import path

from commonweal.programs import event_views

app_name = "events"

urlpatterns = [
    path("", event_views.calendar_page, name="calendar"),
    path(
        "programmes/<uuid:programme_id>/",
        event_views.programme_detail,
        name="programme_detail",
    ),
]
