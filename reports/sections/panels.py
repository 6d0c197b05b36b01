"""Section: panel meetings held and case outcomes. Counts of people are protected in General Release."""

from __future__ import annotations

from typing import Any

from reports import disclosure

from .base import ReportContext, Section, Table, count, count_table, label_of, not_available, selector

TITLE = "Panels and outcomes"


def build(ctx: ReportContext) -> Section:
    statistics = selector("channel.selectors", "case_statistics")
    meetings = selector("channel.selectors", "meetings_held")
    if statistics is None and meetings is None:
        return not_available("panels", TITLE, "panel records")
    section = Section(key="panels", title=TITLE)
    held = meetings(start=ctx.start, end=ctx.end) if meetings is not None else None
    section.intro = [
        "The Channel panel (and, where the council has them, the Social Inclusion Panel for under 18s and the "
        "Safeguarding Adults Panel) meets about monthly to decide, with partners, whether a person referred "
        "needs support, and to review that support until the person leaves the programme. Consent is needed; "
        "from a parent for a child."
        + (f" {held:,} panel meetings were held in the period." if held is not None else "")
    ]
    if statistics is None:
        return section
    stats: dict[str, Any] = statistics(start=ctx.start, end=ctx.end)
    scalars = [(label_of(k), count(v)) for k, v in stats.items() if isinstance(v, int) and not isinstance(v, bool)]
    if scalars:
        values = dict(scalars)
        withheld = disclosure.suppress(values) if ctx.general_release else set()
        section.add(
            Table(
                caption=f"Cases, {ctx.period_text}",
                headers=["", "People"],
                rows=[[label, disclosure.show_count(v, withheld=label in withheld)] for label, v in scalars],
                footnotes=[disclosure.FOOTNOTE] if withheld else [],
            )
        )
    for key, value in stats.items():
        if isinstance(value, dict) and value:
            items = [(label_of(k), count(v)) for k, v in value.items() if not isinstance(v, dict)]
            if not items:
                continue
            table, chart = count_table(ctx, caption=f"Cases {label_of(key).lower()}", items=items, heading="People")
            section.add(chart)
            section.add(table)
    return section
