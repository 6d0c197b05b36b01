"""The schools app's CSV downloads (core.csv_export.ListExport): schools, other institutions and network
meetings. Registered in SchoolsConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone

from accounts.permissions import Capability, has_capability
from core.csv_export import CsvColumn, ExportRows, ListExport, choice_label, iso

from .models import Institution, NetworkMeeting, School
from .selectors import institution_list_for_page, meeting_list_for_page, school_list_for_page

if TYPE_CHECKING:
    from django.http import QueryDict

_school_type_label = choice_label(School, "school_type")

SCHOOL_COLUMNS = [
    CsvColumn("URN", "urn"),
    CsvColumn("Name", "name"),
    CsvColumn("Phase", "phase", choice_label(School, "phase")),
    CsvColumn("Type", ("type_name", "school_type"), lambda name, kind: name or _school_type_label(kind)),
    CsvColumn("Status", "status", choice_label(School, "status")),
    CsvColumn("Ward", "ward"),
    CsvColumn("Postcode", "postcode"),
    CsvColumn("Pupils", "pupils"),
    CsvColumn("Support tier", "support_tier", choice_label(School, "support_tier")),
    CsvColumn("RRSA level", "rrsa_level", choice_label(School, "rrsa_level")),
    CsvColumn("Designated safeguarding lead", "dsl_name"),
]
LAST_VISIT = CsvColumn("Last visit", "last_visit_on", iso)


def _schools(user: Any, params: QueryDict) -> ExportRows:
    """The schools the list shows with these filters; the last visit only for roles that may see visits."""
    if not has_capability(user, Capability.SCHOOLS_VIEW):
        raise Http404
    filterset = school_list_for_page(user=user, filters=params, today=timezone.localdate())
    return ExportRows(filterset, SCHOOL_COLUMNS + ([LAST_VISIT] if filterset.show_visits else []))


SCHOOLS = ListExport(
    key="schools.schools", title="Schools", name="schools", action="schools.exported",
    list_url_name="schools:list", rows_for=_schools,
)  # fmt: skip

INSTITUTION_COLUMNS = [
    CsvColumn("Name", "name"),
    CsvColumn("Type", "kind", choice_label(Institution, "kind")),
    CsvColumn("Ward", "ward"),
    CsvColumn("Postcode", "postcode"),
]


def _institutions(user: Any, params: QueryDict) -> ExportRows:
    if not has_capability(user, Capability.SCHOOLS_VIEW):
        raise Http404
    return ExportRows(institution_list_for_page(user=user, params=params), INSTITUTION_COLUMNS)


INSTITUTIONS = ListExport(
    key="schools.institutions", title="Other institutions", name="institutions",
    action="schools.institutions_exported", list_url_name="schools:institution_list", rows_for=_institutions,
)  # fmt: skip

MEETING_COLUMNS = [
    CsvColumn("Date", "held_on", iso),
    CsvColumn("Meeting", "title"),
    CsvColumn("Type", "kind", choice_label(NetworkMeeting, "kind")),
    CsvColumn("Venue", "venue"),
    CsvColumn("Organiser", "organiser__full_name"),
    CsvColumn("DSLs who attended", "attendee_count"),
]


def _meetings(user: Any, params: QueryDict) -> ExportRows:
    if not has_capability(user, Capability.VISITS_EDIT):
        raise Http404
    return ExportRows(meeting_list_for_page(user=user, params=params), MEETING_COLUMNS)


MEETINGS = ListExport(
    key="schools.meetings", title="Network meetings and conferences", name="network-meetings",
    action="schools.meetings_exported", list_url_name="schools:meeting_list", rows_for=_meetings,
)  # fmt: skip

LIST_EXPORTS = [SCHOOLS, INSTITUTIONS, MEETINGS]
