"""The reports part of the home page: coordinators see the latest reports and their states; other readers
(scrutiny members above all) the latest General Release reports."""

from __future__ import annotations

from typing import Any

from accounts.permissions import Capability, has_capability
from core.registry import HomeSection

from .selectors import report_list_visible_to, report_published_list_visible_to

LATEST = 5


def home_sections(*, user: Any) -> list[HomeSection]:
    if has_capability(user, Capability.REPORTS_REQUEST):
        reports = list(report_list_visible_to(user=user)[:LATEST])
        return [HomeSection("Committee reports", "reports/home_coordinator.html", {"reports": reports}, order=70)]
    if has_capability(user, Capability.REPORTS_VIEW):
        reports = list(report_published_list_visible_to(user=user)[:LATEST])
        return [HomeSection("Latest committee reports", "reports/home_published.html", {"reports": reports}, order=20)]
    return []
