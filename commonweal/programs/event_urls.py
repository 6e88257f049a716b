"""The public calendar and programme pages, mounted at /events/."""

from django.urls import path

from commonweal.programs import event_views, registration_views, route_urls

app_name = "events"

urlpatterns = [
    path("", event_views.calendar_page, name="calendar"),
    path(
        "programmes/<uuid:programme_id>/",
        event_views.programme_detail,
        name="programme_detail",
    ),
    path("feed.ics", event_views.partnership_feed, name="partnership_feed"),
    path(
        "organizations/<uuid:organization_id>/feed.ics",
        event_views.organization_feed,
        name="organization_feed",
    ),
    path(
        "programmes/<uuid:programme_id>/feed.ics",
        event_views.programme_feed,
        name="programme_feed",
    ),
    path(
        "sessions/<uuid:session_id>/<str:occurrence>.ics",
        event_views.session_ics,
        name="session_ics",
    ),
    path(
        "sessions/<uuid:session_id>/<str:occurrence>/register/",
        registration_views.register,
        name="register",
    ),
    path("registrations/<str:token>/", registration_views.registration, name="registration"),
    path(
        "registrations/<str:token>/cancel/",
        registration_views.registration_cancel,
        name="registration_cancel",
    ),
]

# Mobile services' routes and stops are public calendar pages too.
urlpatterns += route_urls.public_urlpatterns
