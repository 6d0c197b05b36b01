"""The report's sections, in the order they appear. Each module has `build(ctx) -> Section`."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import ReportContext, Section

ORDER = ["schools", "training", "visits", "referrals", "panels", "delivery"]


def build_section(key: str, ctx: ReportContext) -> Section:
    module = import_module(f"reports.sections.{key}")
    return module.build(ctx)
