from django.urls import path

from commonweal.referrals import metrics_views, referral_views, status_views

app_name = "referral"

urlpatterns = [
    path("", referral_views.worklist_page, name="worklist"),
    path("inbox/", referral_views.inbox, name="inbox"),
    path("new/", referral_views.refer, name="new"),
    path("metrics/", metrics_views.metrics_page, name="metrics"),
    path("status/", status_views.status_lookup, name="status"),
    path("status/<str:code>/", status_views.status_link, name="status_page"),
    path("<uuid:referral_id>/", referral_views.detail, name="detail"),
    path("<uuid:referral_id>/move/", referral_views.move, name="move"),
    path("<uuid:referral_id>/appointment/", referral_views.appointment, name="appointment"),
]
