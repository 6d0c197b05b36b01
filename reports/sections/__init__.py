"""The report's sections, in the order they appear. Each module has `build(ctx) -> Section`."""

from __future__ import annotations

from collections.abc import Callable

from . import delivery, panels, referrals, schools, training, visits
from .base import ReportContext, Section

BUILDERS: dict[str, Callable[[ReportContext], Section]] = {
    "schools": schools.build,
    "training": training.build,
    "visits": visits.build,
    "referrals": referrals.build,
    "panels": panels.build,
    "delivery": delivery.build,
}
ORDER = list(BUILDERS)


def build_section(key: str, ctx: ReportContext) -> Section:
    return BUILDERS[key](ctx)
