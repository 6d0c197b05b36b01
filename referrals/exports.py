"""The referral list's CSV download (core.csv_export.ListExport). Registered in ReferralsConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from accounts.permissions import Capability, has_capability
from core.csv_export import CsvColumn, ExportRows, ListExport, choice_label, iso

from .models import Referral, decision_outcome
from .selectors import referral_list_for_page

if TYPE_CHECKING:
    from django.http import QueryDict

# Every role's columns: what the list shows everyone (status and outcome).
STATUS_COLUMNS = [
    CsvColumn("Reference", "reference"),
    CsvColumn("Made", "submitted_on", iso),
    CsvColumn("Status", "status", choice_label(Referral, "status")),
    CsvColumn("Outcome", "decision", decision_outcome),
]
# And for those who triage, who may read the referral's content.
CONTENT_COLUMNS = [
    CsvColumn("Reference", "reference"),
    CsvColumn("Made", "submitted_on", iso),
    CsvColumn("First name", "first_name"),
    CsvColumn("Last name", "last_name"),
    CsvColumn("Age when referred", "age_at_referral"),
    CsvColumn("School", "school__name"),
    CsvColumn("Referrer", "referrer_name"),
    CsvColumn("Referrer's organisation", "referrer_organisation"),
    CsvColumn("Type of concern", "concern_type_label"),
    CsvColumn("Team", "assigned_team__name"),
    CsvColumn("Assigned to", "assigned_to__full_name"),
    CsvColumn("Status", "status", choice_label(Referral, "status")),
    CsvColumn("Outcome", "decision", decision_outcome),
]


def _referrals(user: Any, params: QueryDict) -> ExportRows:
    """The referrals the list shows with these filters (and tab): the content columns only for those who triage."""
    if not has_capability(user, Capability.REFERRAL_VIEW):
        raise Http404
    listing = referral_list_for_page(user=user, params=params)
    return ExportRows(
        listing.filter,
        CONTENT_COLUMNS if listing.triage else STATUS_COLUMNS,
        extra=[f"tab: {listing.tab}"] if listing.tab else [],
    )


REFERRALS = ListExport(
    key="referrals.referrals", title="Referrals", name="referrals", action="referrals.exported",
    list_url_name="referrals:list", rows_for=_referrals,
)  # fmt: skip

LIST_EXPORTS = [REFERRALS]
