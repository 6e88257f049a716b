from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from commonweal import policy
from commonweal.api import api_hsda, api_v1
from commonweal.programs import campaign_urls, reminder_urls, volunteer_urls
from commonweal.web import health

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("commonweal.web.urls")),
    path("", include("commonweal.directory.urls")),
    path("people/", include("commonweal.referrals.urls")),
    path("referrals/", include("commonweal.referrals.referral_urls")),
    path("screening/", include("commonweal.screening.urls")),
    path("accounts/", include("commonweal.accounts.urls")),
    path("insights/", include("commonweal.insights.urls")),
    path("insights/gaps/", include("commonweal.insights.gap_urls")),
    path("insights/unmet/", include("commonweal.insights.unmet_urls")),
    path("insights/outcomes/", include("commonweal.insights.outcome_urls")),
    path("insights/alerts/", include("commonweal.insights.alert_urls")),
    path("insights/participation/", include("commonweal.insights.participation_urls")),
    path("partnership/", include("commonweal.partnerships.urls")),
    path("programs/", include("commonweal.programs.urls")),
    path("events/", include("commonweal.programs.event_urls")),
    path("reminders/", include((reminder_urls.public_urlpatterns, "reminders"))),
    path("volunteer/", include((volunteer_urls.public_urlpatterns, "volunteer"))),
    path("learn/", include((campaign_urls.public_urlpatterns, "learn"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("api/hsda/", api_hsda.urls),
]

admin.site.site_header = f"{settings.SITE_NAME} administration"
# The admin is for superusers only: is_staff alone must not open it (partner staff edit
# their listings on the normal pages, which check permissions and keep the change log).
admin.site.has_permission = lambda request: policy.can_use_admin(request.user)
