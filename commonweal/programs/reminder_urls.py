"""URLs of personal reminders (appointments, medication, sessions) by text or email, with opt-out.

`manage_urlpatterns` join /programs/ (namespace "programs"): a navigator's pages on a
person. `public_urlpatterns` are mounted at /reminders/ (namespace "reminders"): a
resident's own sign-up, the private manage and stop links, and Twilio's inbound webhook.
"""

from __future__ import annotations

from django.urls import path

from commonweal.programs import reminder_views

manage_urlpatterns: list = [
    path(
        "reminders/people/<uuid:person_id>/",
        reminder_views.person_reminders,
        name="reminder_person",
    ),
    path(
        "reminders/people/<uuid:person_id>/<uuid:plan_id>/status/",
        reminder_views.person_reminder_status,
        name="reminder_person_status",
    ),
]
public_urlpatterns: list = [
    path("", reminder_views.reminder_new, name="new"),
    path("check-your-messages/", reminder_views.reminder_sent, name="sent"),
    path("sms/inbound", reminder_views.sms_inbound, name="sms_inbound"),
    path("m/<str:token>/", reminder_views.reminder_manage, name="manage"),
    path("m/<str:token>/stop/", reminder_views.reminder_stop, name="stop"),
]
