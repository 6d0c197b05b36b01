"""Section: commissioned and community delivery (parenting programmes, pupil workshops, community projects)."""

from __future__ import annotations

from typing import Any

from training.selectors import commissioned_delivery_in_period

from .base import ReportContext, Section, Table, fmt, label_of

TITLE = "Commissioned and community delivery"


def build(ctx: ReportContext) -> Section:
    rows: list[dict[str, Any]] = list(commissioned_delivery_in_period(start=ctx.start, end=ctx.end))
    section = Section(key="delivery", title=TITLE)
    section.intro = [
        "Projects commissioned or run with community partners in the period: workshops for pupils, parenting "
        "programmes and community sessions, with the numbers who took part.",
    ]
    if not rows:
        section.add("No commissioned or community delivery was recorded in the period.")
        return section
    keys = [k for k in rows[0] if not k.endswith("_id") and k != "id"]
    section.add(
        Table(
            caption=f"Commissioned and community delivery, {ctx.period_text}",
            headers=[label_of(k) for k in keys],
            rows=[[fmt(row.get(k)) for k in keys] for row in rows],
        )
    )
    return section
