from __future__ import annotations

from django.urls import path

from . import views

app_name = "sar"

urlpatterns = [
    path("", views.sar_index, name="list"),
    path("referrals/<int:pk>/new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/release/", views.release, name="release"),
]
