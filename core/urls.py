from __future__ import annotations

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("downloads/<int:pk>/", views.download_detail, name="download"),
    path("downloads/<int:pk>/file/", views.download_file, name="download_file"),
]
