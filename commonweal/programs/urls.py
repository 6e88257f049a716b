"""The programme manager, mounted at /programs/ (partner staff and coalition admins)."""

from django.urls import path

from commonweal.programs import (
    campaign_urls,
    registration_views,
    reminder_urls,
    route_urls,
    training_views,
    views,
    volunteer_urls,
)

app_name = "programs"

urlpatterns = [
    path("", views.manage_list, name="manage_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<uuid:programme_id>/", views.programme_manage, name="programme_manage"),
    path("<uuid:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("<uuid:programme_id>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<uuid:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:session_id>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path(
        "sessions/<uuid:session_id>/restore/", views.occurrence_restore, name="occurrence_restore"
    ),
    path(
        "sessions/<uuid:session_id>/<str:occurrence>/check-in/",
        registration_views.check_in,
        name="check_in",
    ),
    path("training/", training_views.training_list, name="training_list"),
    path("training/new/", training_views.training_create, name="training_create"),
    path("training/coverage/", training_views.training_coverage, name="training_coverage"),
]

urlpatterns += (
    route_urls.manage_urlpatterns
    + reminder_urls.manage_urlpatterns
    + volunteer_urls.manage_urlpatterns
    + campaign_urls.manage_urlpatterns
)
