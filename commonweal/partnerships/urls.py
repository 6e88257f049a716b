"""The partnership workspace's pages, mounted at /partnership/."""

from django.urls import path

from commonweal.partnerships import (
    goal_views,
    ledger_views,
    meeting_views,
    network_views,
    plan_views,
    views,
    voice_views,
)

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

urlpatterns += [
    path("needs/", goal_views.need_list, name="need_list"),
    path("needs/new/", goal_views.need_create, name="need_create"),
    path("needs/<uuid:need_id>/edit/", goal_views.need_edit, name="need_edit"),
    path(
        "needs/<uuid:need_id>/evidence/new/",
        goal_views.evidence_create,
        name="evidence_create",
    ),
    path("goals/", goal_views.goal_list, name="goal_list"),
    path("goals/new/", goal_views.goal_create, name="goal_create"),
    path("goals/<uuid:goal_id>/", goal_views.goal_detail, name="goal_detail"),
    path("goals/<uuid:goal_id>/edit/", goal_views.goal_edit, name="goal_edit"),
    path(
        "goals/<uuid:goal_id>/indicators/new/",
        goal_views.indicator_create,
        name="indicator_create",
    ),
    path("indicators/<uuid:indicator_id>/", goal_views.indicator_detail, name="indicator_detail"),
    path("indicators/<uuid:indicator_id>/edit/", goal_views.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<uuid:indicator_id>/values/new/",
        goal_views.value_create,
        name="value_create",
    ),
    path(
        "indicators/<uuid:indicator_id>/compute/",
        goal_views.value_compute,
        name="value_compute",
    ),
    path(
        "indicators/<uuid:indicator_id>/values/<uuid:value_id>/remove/",
        goal_views.value_remove,
        name="value_remove",
    ),
]

urlpatterns += [
    path("plan/", plan_views.plan_index, name="plan"),
    path("plan/strategies/new/", plan_views.strategy_create, name="strategy_create"),
    path(
        "plan/strategies/<uuid:strategy_id>/edit/",
        plan_views.strategy_edit,
        name="strategy_edit",
    ),
    path(
        "plan/strategies/<uuid:strategy_id>/tasks/new/",
        plan_views.task_create,
        name="task_create",
    ),
    path("plan/tasks/<uuid:task_id>/edit/", plan_views.task_edit, name="task_edit"),
    path("partners/<uuid:partner_id>/roles/", plan_views.partner_roles, name="partner_roles"),
]

urlpatterns += [
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/<uuid:meeting_id>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:meeting_id>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<uuid:meeting_id>/attendance/",
        meeting_views.attendance,
        name="meeting_attendance",
    ),
    path(
        "meetings/<uuid:meeting_id>/decisions/new/",
        meeting_views.decision_create,
        name="decision_create",
    ),
    path(
        "meetings/<uuid:meeting_id>/action-items/new/",
        meeting_views.action_item_create,
        name="action_item_create",
    ),
    path("meetings/<uuid:meeting_id>/invite/", meeting_views.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<uuid:meeting_id>/invitation.ics",
        meeting_views.meeting_ics,
        name="meeting_ics",
    ),
]

urlpatterns += [
    path("resources/", ledger_views.ledger_index, name="ledger"),
    path(
        "resources/contributions/new/",
        ledger_views.contribution_create,
        name="contribution_create",
    ),
    path(
        "resources/contributions/<uuid:contribution_id>/edit/",
        ledger_views.contribution_edit,
        name="contribution_edit",
    ),
    path("resources/funding/new/", ledger_views.funding_create, name="funding_create"),
    path(
        "resources/funding/<uuid:stream_id>/edit/",
        ledger_views.funding_edit,
        name="funding_edit",
    ),
]

urlpatterns += [path("network/", network_views.network_index, name="network")]

urlpatterns += [
    path("voice/", voice_views.feedback, name="feedback"),
    path("you-said-we-did/", voice_views.you_said_we_did, name="you_said_we_did"),
    path("voice/review/", voice_views.voice_review, name="voice_review"),
    path("voice/review/<uuid:feedback_id>/", voice_views.feedback_review, name="feedback_review"),
    path("voice/surveys/", voice_views.survey_list, name="survey_list"),
    path("voice/surveys/new/", voice_views.survey_create, name="survey_create"),
    path("surveys/<uuid:survey_id>/", voice_views.survey_answer, name="survey_answer"),
]
