"""Reads of reports, scoped to the user.

Who sees what (PRODUCT.md "What each role may do"): General Release reports are read by coordinators, advisers,
CSC practitioners, panel chairs and scrutiny members. OFFICIAL-SENSITIVE reports are read by coordinators only:
PRODUCT.md lets a panel chair read "own panels' sections", but a report's figures are not split by panel, so
a chair cannot be given a part of one safely; chairs see General Release reports only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import Capability, has_capability, is_coordinator

from .filters import ReportFilter
from .models import Release, Report, ReportSchedule, ReportState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def can_read_official_sensitive(user: User | AnonymousUser) -> bool:
    return is_coordinator(user)


def report_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Report]:
    if not has_capability(user, Capability.REPORTS_VIEW):
        return Report.objects.none()
    qs = Report.objects.select_related("requested_by", "schedule")
    if not can_read_official_sensitive(user):
        # Readers who cannot request reports see the finished General Release ones only.
        qs = qs.general_release().filter(state=ReportState.DONE)
    return qs.order_by("-created_at", "-id")


def report_list_for_page(*, user: User | AnonymousUser, params: Mapping[str, Any]) -> ReportFilter:
    """The report list's filter set over the reports the user may see."""
    filters = {k: v for k, v in params.items() if k != "page"}
    may_request = has_capability(user, Capability.REPORTS_REQUEST)
    return ReportFilter(filters or None, queryset=report_list_visible_to(user=user), may_request=may_request)


def report_published_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Report]:
    """Finished reports the user may read: what scrutiny members and the home page list."""
    return report_list_visible_to(user=user).filter(state=ReportState.DONE)


def report_get_for_user(*, user: User | AnonymousUser, pk: int) -> Report:
    try:
        return report_list_visible_to(user=user).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def schedule_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[ReportSchedule]:
    if not has_capability(user, Capability.REPORTS_REQUEST):
        return ReportSchedule.objects.none()
    return ReportSchedule.objects.select_related("created_by").order_by("-is_active", "next_run_on", "title")


def schedule_get_for_user(*, user: User | AnonymousUser, pk: int) -> ReportSchedule:
    try:
        return schedule_list_visible_to(user=user).get(pk=pk)
    except ReportSchedule.DoesNotExist:
        raise Http404 from None


def release_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Release]:
    """The publication register: coordinators only (it is where revisions are released)."""
    if not has_capability(user, Capability.REPORTS_REQUEST):
        return Release.objects.none()
    return Release.objects.select_related("released_by", "report", "revision_of", "revision").order_by(
        "-period_end", "period_start", "-id"
    )


def release_get_for_user(*, user: User | AnonymousUser, pk: int) -> Release:
    try:
        return release_list_visible_to(user=user).get(pk=pk)
    except Release.DoesNotExist:
        raise Http404 from None
