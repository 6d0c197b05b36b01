from __future__ import annotations

from django.urls import path

from . import views, views_audit

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/export.csv", views_audit.audit_export, name="audit_export"),
]
