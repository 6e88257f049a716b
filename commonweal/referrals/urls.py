from django.urls import path

from commonweal.referrals import care_plan_views, consent_views, person_rights_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path(
        "<uuid:person_id>/data-requests/",
        person_rights_views.data_requests,
        name="person_data_requests",
    ),
    path("<uuid:person_id>/consents/new/", consent_views.consent_create, name="consent_create"),
    path(
        "<uuid:person_id>/consents/<uuid:consent_id>/revoke/",
        consent_views.consent_revoke,
        name="consent_revoke",
    ),
    path("<uuid:person_id>/care-plan/", care_plan_views.care_plan, name="care_plan"),
    path("<uuid:person_id>/care-plan/start/", care_plan_views.plan_start, name="care_plan_start"),
    path("<uuid:person_id>/care-plan/close/", care_plan_views.plan_close, name="care_plan_close"),
    path(
        "<uuid:person_id>/care-plan/goals/new/",
        care_plan_views.goal_create,
        name="care_plan_goal_create",
    ),
    path(
        "<uuid:person_id>/care-plan/goals/<uuid:goal_id>/edit/",
        care_plan_views.goal_edit,
        name="care_plan_goal_edit",
    ),
    path(
        "<uuid:person_id>/care-plan/goals/<uuid:goal_id>/links/",
        care_plan_views.goal_links,
        name="care_plan_goal_links",
    ),
    path(
        "<uuid:person_id>/care-plan/review/", care_plan_views.review_create, name="care_plan_review"
    ),
]
