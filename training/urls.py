from __future__ import annotations

from django.urls import path

from .views import dashboard, imports, sessions

app_name = "training"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("schools-without-training.csv", dashboard.no_training_export, name="no_training_export"),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/export.csv", sessions.session_export, name="session_export"),
    path("sessions/add/", sessions.session_add, name="session_add"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/feedback/", sessions.session_feedback, name="session_feedback"),
    path("sessions/<int:pk>/delete/", sessions.session_delete, name="session_delete"),
    path("attendance/<int:pk>/", sessions.attendance_detail, name="attendance_detail"),
    path("attendance/<int:pk>/remove/", sessions.attendance_remove, name="attendance_remove"),
    path("attendees/<int:pk>/remove/", sessions.attendee_remove, name="attendee_remove"),
    path("courses/", sessions.course_list, name="course_list"),
    path("courses/add/", sessions.course_edit, name="course_add"),
    path("courses/<int:pk>/edit/", sessions.course_edit, name="course_edit"),
    path("record-e-learning/", sessions.record_elearning, name="record_elearning"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/preview/", imports.import_preview, name="import_preview"),
    path("refreshers/", dashboard.refreshers, name="refreshers"),
    path("refreshers/export.csv", dashboard.refreshers_export, name="refreshers_export"),
    path("my-training/", dashboard.my_training, name="my_training"),
]
