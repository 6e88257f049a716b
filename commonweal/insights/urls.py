"""The insights area's front page (/insights/); its parts have their own url modules."""

from django.urls import path

from commonweal.insights import report_views, views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", report_views.report_page, name="report"),
    path("report/pdf/", report_views.report_download, name="report_pdf"),
    path("report/stories/", report_views.story_add, name="story_add"),
    path("report/stories/<int:story_id>/delete/", report_views.story_delete, name="story_delete"),
]
