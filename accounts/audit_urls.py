"""The audit trail's search and export, at /audit/ (the records are core's; who may read them is accounts')."""

from __future__ import annotations

from django.urls import path

from .views import audit

app_name = "audit"

urlpatterns = [
    path("", audit.audit_list, name="list"),
    path("export.csv", audit.audit_export, name="export"),
]
