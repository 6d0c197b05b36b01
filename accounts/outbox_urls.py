"""The outbox page, at /outbox/ (core's rows; the system administrators' page)."""

from __future__ import annotations

from django.urls import path

from .views import outbox

app_name = "outbox"

urlpatterns = [
    path("", outbox.outbox_list, name="list"),
    path("<int:pk>/retry/", outbox.outbox_retry_view, name="retry"),
]
