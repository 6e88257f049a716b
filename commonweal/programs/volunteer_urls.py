"""URLs of this part (volunteer roles, sign-ups, matching, confirmation and hours).

`manage_urlpatterns` join /programs/ (namespace "programs"); `public_urlpatterns` are mounted
by commonweal/urls.py at /volunteer/ (namespace "volunteer")."""

from __future__ import annotations

from django.urls import path

from commonweal.programs import volunteer_views as views

manage_urlpatterns: list = [
    path("volunteers/", views.manage_list, name="volunteer_manage_list"),
    path("volunteers/new/", views.role_create, name="volunteer_role_create"),
    path("volunteers/<uuid:role_id>/", views.role_manage, name="volunteer_role_manage"),
    path("volunteers/<uuid:role_id>/edit/", views.role_edit, name="volunteer_role_edit"),
    path(
        "volunteers/signups/<uuid:signup_id>/decide/",
        views.signup_decide,
        name="volunteer_signup_decide",
    ),
    path(
        "volunteers/signups/<uuid:signup_id>/hours/",
        views.signup_hours,
        name="volunteer_signup_hours",
    ),
]
public_urlpatterns: list = [
    path("", views.role_list, name="roles"),
    path("roles/<uuid:role_id>/", views.role_detail, name="role"),
    path("offers/<str:token>/", views.signup, name="signup"),
    path("offers/<str:token>/withdraw/", views.signup_withdraw, name="signup_withdraw"),
]
