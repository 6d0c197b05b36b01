"""The report list's CSV download (core.csv_export.ListExport): titles and dates, never figures. Registered in
ReportsConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from accounts.permissions import Capability, has_capability
from core.csv_export import CsvColumn, ExportRows, ListExport, choice_label, iso

from .models import Report
from .selectors import report_list_for_page

if TYPE_CHECKING:
    from django.http import QueryDict

REPORT_COLUMNS = [
    CsvColumn("Report", "title"),
    CsvColumn("Committee", "committee"),
    CsvColumn("Period start", "period_start", iso),
    CsvColumn("Period end", "period_end", iso),
    CsvColumn("Classification", "classification", choice_label(Report, "classification")),
    CsvColumn("Made", "created_at", iso),
    CsvColumn("State", "state", choice_label(Report, "state")),
]
REQUESTED_BY = CsvColumn(
    "Asked for by", ("requested_by_id", "requested_by__full_name"), lambda by, name: name if by else "The portal"
)


def _reports(user: Any, params: QueryDict) -> ExportRows:
    """Who asked for each report only for those who may request reports, as on the page."""
    if not has_capability(user, Capability.REPORTS_VIEW):
        raise Http404
    may_request = has_capability(user, Capability.REPORTS_REQUEST)
    columns = REPORT_COLUMNS + ([REQUESTED_BY] if may_request else [])
    return ExportRows(report_list_for_page(user=user, params=params), columns)


REPORTS = ListExport(
    key="reports.reports", title="Committee reports", name="reports", action="reports.list_exported",
    list_url_name="reports:list", rows_for=_reports,
)  # fmt: skip

LIST_EXPORTS = [REPORTS]
