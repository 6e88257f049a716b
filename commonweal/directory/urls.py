from django.urls import path

from commonweal.directory import views

app_name = "directory"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("categories/", views.category_index, name="category_index"),
    path("categories/<uuid:term_id>/", views.category_detail, name="category_detail"),
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("services/<uuid:service_id>/save/", views.service_save, name="service_save"),
    path("services/<uuid:service_id>/unsave/", views.service_unsave, name="service_unsave"),
    path("saved/", views.saved_services, name="saved_services"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path(
        "services/<uuid:service_id>/edit/phones/",
        views.service_edit_phones,
        name="service_edit_phones",
    ),
    path(
        "services/<uuid:service_id>/edit/hours/",
        views.service_edit_hours,
        name="service_edit_hours",
    ),
    path(
        "services/<uuid:service_id>/edit/languages/",
        views.service_edit_languages,
        name="service_edit_languages",
    ),
    path(
        "organizations/<uuid:organization_id>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<uuid:organization_id>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<uuid:organization_id>/services/new/",
        views.service_create,
        name="service_create",
    ),
    path("my-organization/", views.my_organizations, name="my_organizations"),
]
