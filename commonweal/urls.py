from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from commonweal.api import api_hsda, api_v1

urlpatterns = [
    path("", include("commonweal.web.urls")),
    path("", include("commonweal.directory.urls")),
    path("accounts/", include("commonweal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("api/hsda/", api_hsda.urls),
]

admin.site.site_header = f"{settings.SITE_NAME} administration"
