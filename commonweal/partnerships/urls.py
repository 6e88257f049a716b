"""The partnership workspace's pages, mounted at /partnership/."""

from django.urls import path

from commonweal.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.index, name="index"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<uuid:partner_id>/", views.partner_detail, name="partner_detail"),
    path("partners/<uuid:partner_id>/edit/", views.partner_edit, name="partner_edit"),
    path("partners/<uuid:partner_id>/contacts/new/", views.contact_create, name="contact_create"),
    path(
        "partners/<uuid:partner_id>/contacts/<uuid:contact_id>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
]
