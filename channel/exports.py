"""The panel case list's CSV download (core.csv_export.ListExport). Registered in ChannelConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from accounts.permissions import Capability, has_capability
from core.csv_export import CsvColumn, ExportRows, ListExport, choice_label, iso

from .models.cases import Case
from .selectors import case_list_for_page

if TYPE_CHECKING:
    from django.http import QueryDict


def _case_reference(referral_reference: str, pk: int) -> str:
    """Case.reference from the values."""
    return str(referral_reference or f"C{pk}")


CASE_COLUMNS = [
    CsvColumn("Case", ("referral__reference", "pk"), _case_reference),
    CsvColumn("First name", "referral__first_name"),
    CsvColumn("Last name", "referral__last_name"),
    CsvColumn("Panel", "panel__name"),
    CsvColumn("Stage", "stage", choice_label(Case, "stage")),
    CsvColumn("Opened", "opened_on", iso),
    CsvColumn("Case officer", "case_officer__full_name"),
    CsvColumn("Next review due", "review_due_on", iso),
]


def _cases(user: Any, params: QueryDict) -> ExportRows:
    """The cases the list shows with these filters (everyone who may see the list may read them)."""
    if not has_capability(user, Capability.CASES_VIEW):
        raise Http404
    return ExportRows(case_list_for_page(user=user, params=params), CASE_COLUMNS)


CASES = ListExport(
    key="channel.cases", title="Panel cases", name="cases", action="channel.cases_exported",
    list_url_name="channel:case_list", rows_for=_cases,
)  # fmt: skip

LIST_EXPORTS = [CASES]
