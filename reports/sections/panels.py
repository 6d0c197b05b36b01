"""Section: panel meetings held and what became of the cases. Counts of people come from sections/people.py,
protected there together with the referrals section's."""

from __future__ import annotations

from channel.selectors import meetings_held
from reports import disclosure

from .base import Bar, Chart, ReportContext, Section, Table
from .people import people_figures

TITLE = "Panels and outcomes"


def build(ctx: ReportContext) -> Section:
    f = people_figures(ctx)
    section = Section(key="panels", title=TITLE)
    held = meetings_held(start=ctx.start, end=ctx.end)
    section.intro = [
        "The Channel panel (and, where the council has them, the Social Inclusion Panel for under 18s and the "
        "Safeguarding Adults Panel) meets about monthly to decide, with partners, whether a person referred "
        "needs support, and to review that support until the person leaves the programme. Consent is needed; "
        "from a parent for a child."
    ]
    section.add(
        Table(
            caption=f"Panel meetings held, {ctx.period_text}",
            headers=["", "Meetings"],
            rows=[["Meetings held", f"{held:,}"]],
        )
    )
    footnotes = [disclosure.FOOTNOTE] if f.any_withheld else []
    if f.case_rows:
        section.add(
            Table(
                caption=f"Cases of people referred in the period, {ctx.period_text}",
                headers=["", "People"],
                rows=[[label, f.show(key)] for label, key in f.case_rows],
                footnotes=footnotes,
            )
        )
    if f.outcome_rows and f.outcome_total is not None:
        total = f.outcome_total
        bars = [Bar(label, None if f.is_withheld(key) else f.values[key], f.show(key)) for label, key in f.outcome_rows]
        section.add(Chart(title="How people left the programme", bars=bars))
        section.add(
            Table(
                caption=f"How people referred in the period left the programme, {ctx.period_text}",
                headers=["Outcome", "People", "Share"],
                rows=[[label, f.show(key), f.share(key, total)] for label, key in f.outcome_rows],
                total_row=["Total", f.show(total), "100%"],
                footnotes=footnotes,
            )
        )
    return section
