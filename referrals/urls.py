from __future__ import annotations

from django.urls import path

from .views import lists, making, triage

app_name = "referrals"

urlpatterns = [
    path("", triage.ListView.as_view(), name="list"),
    path("new/", making.StartView.as_view(), name="start"),
    path("<int:pk>/", triage.DetailView.as_view(), name="detail"),
    path("<int:pk>/step/<slug:step>/", making.StepView.as_view(), name="step"),
    path("<int:pk>/check/", making.CheckView.as_view(), name="check"),
    path("<int:pk>/sent/", making.ConfirmationView.as_view(), name="confirmation"),
    path("<int:pk>/assign/", triage.AssignView.as_view(), name="assign"),
    path("<int:pk>/screening/", triage.ScreeningView.as_view(), name="screening"),
    path("<int:pk>/notes/new/", triage.NoteView.as_view(), name="note_add"),
    path("<int:pk>/decision/", triage.DecideView.as_view(), name="decide"),
    path("settings/", lists.SettingsView.as_view(), name="settings"),
    path("settings/<slug:kind>/new/", lists.ListItemView.as_view(), name="list_item_add"),
    path("settings/<slug:kind>/<int:pk>/", lists.ListItemView.as_view(), name="list_item_edit"),
]
