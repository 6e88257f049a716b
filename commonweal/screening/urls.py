from django.urls import path

from commonweal.screening import views

app_name = "screening"

urlpatterns = [
    # Residents: self-screening (nothing stored unless they save it to their account).
    path("", views.instrument_list, name="instrument_list"),
    path("take/<slug:code>/", views.self_screen, name="self_screen"),
    path("take/<slug:code>/results/", views.self_results, name="self_results"),
    path("take/<slug:code>/save/", views.self_save, name="self_save"),
    path("mine/", views.own_list, name="own_list"),
    path("mine/<uuid:screening_id>/", views.own_detail, name="own_detail"),
    # Navigators: screening a person in their care, and the results.
    path(
        "people/<uuid:person_id>/<slug:code>/",
        views.person_screen,
        name="person_screen",
    ),
    path("records/<uuid:screening_id>/", views.screening_detail, name="screening_detail"),
    # The crisis safety protocol.
    path("safety/", views.follow_up_list, name="follow_up_list"),
    path("safety/contacts/", views.safety_contacts, name="safety_contacts"),
    path("safety/<uuid:follow_up_id>/", views.safety_checklist, name="safety_checklist"),
]
