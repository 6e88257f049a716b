from django.urls import path

from commonweal.directory import views

app_name = "directory"

urlpatterns = [
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("organizations/<uuid:organization_id>/", views.organization_detail, name="organization_detail"),
]
