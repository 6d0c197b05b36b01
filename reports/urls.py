from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("export.csv", views.report_export, name="export"),
    path("new/", views.report_request, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/status.json", views.report_status, name="status"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/again/", views.report_make_again, name="make_again"),
    path("<int:pk>/retry/", views.report_retry, name="retry"),
    path("register/", views.release_list, name="register"),
    path("register/<int:pk>/revise/", views.release_revise, name="release_revise"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/new/", views.schedule_new, name="schedule_new"),
    path("schedules/<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path("schedules/<int:pk>/stop/", views.schedule_stop, name="schedule_stop"),
]
