from __future__ import annotations

from django.urls import path

from .views import attachments, lists, making, triage

app_name = "referrals"

urlpatterns = [
    path("", triage.referral_list, name="list"),
    path("export/", triage.referral_export, name="export"),
    path("new/", making.start, name="start"),
    path("<int:pk>/", triage.detail, name="detail"),
    path("<int:pk>/step/<slug:step>/", making.step_page, name="step"),
    path("<int:pk>/check/", making.check, name="check"),
    path("<int:pk>/sent/", making.confirmation, name="confirmation"),
    path("<int:pk>/assign/", triage.assign, name="assign"),
    path("<int:pk>/screening/", triage.screening, name="screening"),
    path("<int:pk>/notes/new/", triage.note_add, name="note_add"),
    path("<int:pk>/decision/", triage.decide, name="decide"),
    path("<int:pk>/attachments/new/", attachments.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachments.attachment_download, name="attachment_download"),
    path("<int:pk>/decision/confirm/", triage.decision_confirm, name="decision_confirm"),
    path("settings/", lists.settings_page, name="settings"),
    path("settings/<slug:kind>/new/", lists.list_item, name="list_item_add"),
    path("settings/<slug:kind>/<int:pk>/", lists.list_item, name="list_item_edit"),
]
