"""The retention schedule page, at /retention/ (core's schedule; the system administrators' page)."""

from __future__ import annotations

from django.urls import path

from .views import retention

app_name = "retention"

urlpatterns = [
    path("", retention.retention_page, name="page"),
    path("start/", retention.retention_start_view, name="start"),
]
