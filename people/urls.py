from __future__ import annotations

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("referrals/<int:pk>/matches/", views.matches, name="matches"),
    path("referrals/<int:pk>/links/new/", views.link_add, name="link_add"),
]
