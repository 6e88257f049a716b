"""URLs of this part (awareness campaigns and the health education library).

`manage_urlpatterns` join /programs/ (namespace "programs"); `public_urlpatterns` are mounted
by commonweal/urls.py at /learn/ (namespace "learn")."""

from __future__ import annotations

from django.urls import path

from commonweal.programs import campaign_views, education_views

manage_urlpatterns: list = [
    path("learn/", education_views.manage_list, name="learn_manage_list"),
    path("learn/new/", education_views.page_create, name="learn_create"),
    path("learn/<uuid:page_id>/", education_views.page_manage, name="learn_page_manage"),
    path("learn/<uuid:page_id>/settings/", education_views.page_settings, name="learn_settings"),
    path(
        "learn/<uuid:page_id>/text/<str:language>/",
        education_views.version_edit,
        name="learn_version",
    ),
    path("learn/<uuid:page_id>/status/", education_views.page_status, name="learn_status"),
    path(
        "<uuid:programme_id>/learn/",
        education_views.programme_pages,
        name="learn_programme_pages",
    ),
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<uuid:campaign_id>/", campaign_views.campaign_manage, name="campaign_manage"),
    path("campaigns/<uuid:campaign_id>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<uuid:campaign_id>/activities/new/",
        campaign_views.activity_create,
        name="campaign_activity_create",
    ),
    path(
        "campaigns/activities/<uuid:activity_id>/delete/",
        campaign_views.activity_delete,
        name="campaign_activity_delete",
    ),
]

public_urlpatterns: list = [
    path("", education_views.index, name="index"),
    path("campaigns/<slug:slug>/", campaign_views.campaign_public, name="campaign"),
    path("<slug:slug>/", education_views.page_detail, name="page"),
]
