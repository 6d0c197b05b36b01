from __future__ import annotations

from django.urls import path

from .views import imports, institutions, schools, visits

app_name = "schools"

urlpatterns = [
    path("", schools.school_list, name="list"),
    path("export.csv", schools.school_export, name="export"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/preview/", imports.import_preview, name="import_preview"),
    path("<int:urn>/", schools.school_detail, name="detail"),
    path("<int:urn>/edit/", schools.school_edit, name="edit"),
    path("<int:urn>/contacts/new/", schools.contact_add, name="contact_add"),
    path("<int:urn>/contacts/<int:pk>/", schools.contact_edit, name="contact_edit"),
    path("<int:urn>/checklist/", schools.checklist_edit, name="checklist"),
    path("<int:urn>/visits/new/", visits.visit_add, name="visit_add"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visits.visit_edit, name="visit_edit"),
    path("actions/", visits.my_actions, name="my_actions"),
    path("actions/overdue/", visits.overdue_actions, name="overdue_actions"),
    path("actions/<int:pk>/edit/", visits.action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", visits.action_done, name="action_done"),
    path("institutions/", institutions.institution_list, name="institution_list"),
    path("institutions/export.csv", institutions.institution_export, name="institution_export"),
    path("institutions/new/", institutions.institution_add, name="institution_add"),
    path("institutions/<int:pk>/", institutions.institution_edit, name="institution_edit"),
    path("meetings/", visits.meeting_list, name="meeting_list"),
    path("meetings/export.csv", visits.meeting_export, name="meeting_export"),
    path("meetings/new/", visits.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/", visits.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", visits.meeting_edit, name="meeting_edit"),
]
