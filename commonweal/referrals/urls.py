from django.urls import path

from commonweal.referrals import consent_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:person_id>/consents/new/", consent_views.consent_create, name="consent_create"),
    path(
        "<uuid:person_id>/consents/<uuid:consent_id>/revoke/",
        consent_views.consent_revoke,
        name="consent_revoke",
    ),
]
