"""Section: visits and support by offer level, and actions overdue."""

from __future__ import annotations

from schools.selectors import actions_overdue_at_end_of, visit_counts_by_offer

from .base import ReportContext, Section, Table, count, count_table, label_of

TITLE = "Visits and support"
OFFER_LABELS = {"universal": "Universal offer", "specialist": "Specialist offer", "intensive": "Intensive offer"}


def build(ctx: ReportContext) -> Section:
    section = Section(key="visits", title=TITLE)
    by_offer = {str(k): count(v) for k, v in visit_counts_by_offer(start=ctx.start, end=ctx.end).items()}
    by_offer.pop("schools_visited", None)
    items = [(OFFER_LABELS.get(k, label_of(k)), by_offer.get(k, 0)) for k in OFFER_LABELS]
    items += [(label_of(k), v) for k, v in by_offer.items() if k not in OFFER_LABELS]
    total = sum(v for _, v in items)
    section.intro = [
        f"The schools resilience adviser recorded {total:,} visits and contacts with schools in the period, at "
        "the level of the school's offer: universal (network meetings, briefings), specialist (help with a "
        "policy, risk assessment or curriculum) or intensive (a planned programme with a school that needs it).",
    ]
    table, chart = count_table(
        ctx,
        caption=f"Visits and contacts by offer level, {ctx.period_text}",
        items=items,
        heading="Visits",
        people=False,
    )
    section.add(chart)
    section.add(table)

    n = actions_overdue_at_end_of(day=ctx.end)
    section.add(
        Table(
            caption=f"Actions agreed with schools and overdue at the end of {ctx.end:%-d %B %Y}",
            headers=["", "Actions"],
            rows=[["Overdue", f"{n:,}"]],
            footnotes=[
                "Actions agreed at a visit by the end of the period, due before its last day and not done by then, "
                "whether or not they have been done since."
            ],
        )
    )
    return section
