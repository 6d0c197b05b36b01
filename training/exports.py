"""The training lists' CSV downloads (core.csv_export.ListExport): the sessions, the open schools with no Prevent
training on the dashboard's date, and the DSLs due a refresher. Registered in TrainingConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone

from accounts.permissions import Capability, has_capability
from core.csv_export import CsvColumn, ExportFiltersInvalid, ExportRows, ListExport, choice_label, iso
from schools.models import Contact, School

from . import selectors
from .forms.dashboard import dashboard_choice
from .models import Session

if TYPE_CHECKING:
    from django.http import QueryDict


def _better_understanding(responses: int, better: int) -> str:
    if not responses:
        return ""
    return f"{round(100 * better / responses)}% of {responses}"


SESSION_COLUMNS = [
    CsvColumn("Date", "held_on", iso),
    CsvColumn("Course", "course__name"),
    CsvColumn("Audience", "sector", choice_label(Session, "sector")),
    CsvColumn("Where", ("delivery", "venue"), lambda delivery, venue: "Online" if delivery == "online" else venue),
    CsvColumn("Schools and other bodies", "institutions"),
    CsvColumn("People", "people"),
    CsvColumn("Better understanding", ("responses", "better_understanding"), _better_understanding),
]


def _sessions(user: Any, params: QueryDict) -> ExportRows:
    if not has_capability(user, Capability.TRAINING_VIEW):
        raise Http404
    return ExportRows(selectors.session_list_for_page(user=user, params=params), SESSION_COLUMNS)


SESSIONS = ListExport(
    key="training.sessions", title="Training sessions", name="training-sessions",
    action="training.sessions_exported", list_url_name="training:session_list", rows_for=_sessions,
)  # fmt: skip


NO_TRAINING_COLUMNS = [
    CsvColumn("URN", "urn"),
    CsvColumn("School", "name"),
    CsvColumn("Phase", "phase", choice_label(School, "phase")),
    CsvColumn("Ward", "ward"),
]


def _no_training(user: Any, params: QueryDict) -> ExportRows:
    """The dashboard's open schools with no Prevent training on its date, phase and ward. Not for a DSL."""
    scope = selectors.dashboard_scope(user=user)  # a 404 without the dashboard
    if scope.school_ids is not None:
        raise Http404
    form, on, _start, phase, ward = dashboard_choice(params, scope=scope)
    if form.is_bound and not form.is_valid():
        raise ExportFiltersInvalid("Correct the date, phase or ward before downloading the list.")
    none_filter = selectors.schools_without_training_for_page(
        params=params, on=on, phase=phase or None, ward=ward or None
    )
    chosen = [name for name, value in (form.cleaned_data if form.is_bound else {}).items() if value]
    extra = [f"as at: {on.isoformat()}", f"choices: {', '.join(chosen) or 'none'}"]
    return ExportRows(none_filter, NO_TRAINING_COLUMNS, extra=extra)


NO_TRAINING = ListExport(
    key="training.no_training", title="Open schools with no Prevent training",
    name="schools-without-prevent-training", action="training.no_training_exported",
    list_url_name="training:dashboard", rows_for=_no_training,
)  # fmt: skip


REFRESHER_COLUMNS = [
    CsvColumn("Name", "full_name"),
    CsvColumn("Email", "email"),
    CsvColumn("Role", "role", choice_label(Contact, "role")),
    CsvColumn("School URN", "school__urn"),
    CsvColumn("School", "school__name"),
    CsvColumn("Last Prevent training", "last_prevent_training", lambda last: last or ""),
]


def _refreshers(user: Any, params: QueryDict) -> ExportRows:
    if not has_capability(user, Capability.TRAINING_VIEW):
        raise Http404
    selectors.require_council_wide_lists(user=user)
    filterset = selectors.refreshers_for_page(params=params, on=timezone.localdate())
    return ExportRows(filterset, REFRESHER_COLUMNS)


REFRESHERS = ListExport(
    key="training.refreshers", title="DSL Prevent training due", name="dsl-training-due",
    action="training.refreshers_exported", list_url_name="training:refreshers", rows_for=_refreshers,
)  # fmt: skip

LIST_EXPORTS = [SESSIONS, NO_TRAINING, REFRESHERS]
