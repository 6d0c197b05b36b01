from __future__ import annotations

from django.urls import path

from .views import attachments, attention, cases, meetings, transfers

app_name = "channel"

urlpatterns = [
    path("", meetings.panel_list, name="panel_list"),
    path("<int:pk>/", meetings.panel_detail, name="panel_detail"),
    path("<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_build, name="agenda_build"),
    path("meetings/<int:pk>/attendance/", meetings.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_notes, name="meeting_notes"),
    path("meetings/<int:pk>/items/<int:item_pk>/", meetings.agenda_item_record, name="agenda_item_record"),
    path("meetings/<int:pk>/sign-off/", meetings.meeting_sign_off, name="meeting_sign_off"),
    path("meetings/<int:pk>/papers.pdf", meetings.meeting_papers, name="meeting_papers"),
    path("meetings/<int:pk>/actions/new/", meetings.action_create, name="action_create"),
    path("actions/<int:pk>/", meetings.action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", meetings.action_done, name="action_done"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/export/", cases.case_export, name="case_export"),
    path("cases/attention/", attention.case_attention, name="case_attention"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/chronology/", cases.case_chronology_page, name="case_chronology"),
    path("cases/<int:pk>/attachments/new/", attachments.case_attachment_add, name="case_attachment_add"),
    path(
        "cases/<int:pk>/chronology/<int:entry_pk>/attachments/new/",
        attachments.entry_attachment_add,
        name="entry_attachment_add",
    ),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/",
        attachments.case_attachment_download,
        name="case_attachment_download",
    ),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/stage/", cases.case_stage, name="case_stage"),
    path("cases/<int:pk>/consent/", cases.consent_add, name="consent_add"),
    path("cases/<int:pk>/support/start/", cases.support_start, name="support_start"),
    path("cases/<int:pk>/assessments/new/", cases.assessment_add, name="assessment_add"),
    path("cases/<int:pk>/support/new/", cases.support_item_add, name="support_item_add"),
    path("cases/<int:pk>/support/<int:item_pk>/end/", cases.support_item_end, name="support_item_end"),
    path("cases/<int:pk>/support/<int:item_pk>/progress/", cases.progress_note_add, name="progress_note_add"),
    path("cases/<int:pk>/support/<int:item_pk>/contacts/new/", cases.support_contact_add, name="support_contact_add"),
    path("cases/<int:pk>/capacity/new/", cases.capacity_add, name="capacity_add"),
    path("cases/<int:pk>/notes/new/", cases.note_add, name="note_add"),
    path("cases/<int:pk>/exit/", cases.case_exit, name="case_exit"),
    path("cases/<int:pk>/legal-hold/", cases.legal_hold_page, name="legal_hold"),
    path("cases/<int:pk>/legal-hold/<int:hold_pk>/lift/", cases.legal_hold_lift, name="legal_hold_lift"),
    path("cases/<int:pk>/reviews/<int:review_pk>/", cases.review_record, name="review_record"),
    path("cases/<int:pk>/transfer/", transfers.transfer_out, name="transfer_out"),
    path("cases/<int:pk>/transfer-pack.pdf", transfers.transfer_pack, name="transfer_pack"),
    path("cases/transfer-in/", transfers.transfer_in, name="transfer_in"),
]
