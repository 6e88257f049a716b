from django.urls import path

from commonweal.directory import client_list_views, views

app_name = "directory"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("my-list/", client_list_views.my_list, name="my_list"),
    path("my-list/print/", client_list_views.print_list, name="my_list_print"),
    path("my-list/clear/", client_list_views.clear, name="my_list_clear"),
    path("my-list/send/text/", client_list_views.send_text, name="my_list_send_text"),
    path("my-list/send/email/", client_list_views.send_email, name="my_list_send_email"),
    path("my-list/add/<uuid:service_id>/", client_list_views.add, name="my_list_add"),
    path("my-list/remove/<uuid:service_id>/", client_list_views.remove, name="my_list_remove"),
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
        "services/<uuid:service_id>/edit/intake/",
        views.service_edit_intake,
        name="service_edit_intake",
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
