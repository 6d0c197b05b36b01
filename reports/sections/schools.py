"""Section: schools engaged and their support tiers."""

from __future__ import annotations

from schools.selectors import school_counts_by_support_tier, schools_visited_of_open

from .base import ReportContext, Section, Table, count, count_table, label_of, pct

TITLE = "Schools engaged and their support tiers"
TIER_LABELS = {"universal": "Universal offer", "specialist": "Specialist offer", "intensive": "Intensive offer"}


def _tiers(ctx: ReportContext) -> dict[str, int]:
    return {str(k): count(v) for k, v in school_counts_by_support_tier(on=ctx.end).items()}


def build(ctx: ReportContext) -> Section:
    section = Section(key="schools", title=TITLE)
    tiers = _tiers(ctx)
    total = sum(tiers.values())
    section.intro = [
        f"On {ctx.end:%-d %B %Y} there were {total:,} open schools. Every school receives the universal offer "
        "(training, the DSL network, resources); schools that need more are on the specialist or intensive "
        "offer of the schools resilience adviser, agreed with the school and reviewed each term.",
    ]
    ordered = [(TIER_LABELS.get(k, label_of(k)), tiers.get(k, 0)) for k in TIER_LABELS]
    ordered += [(label_of(k), v) for k, v in tiers.items() if k not in TIER_LABELS]
    table, chart = count_table(
        ctx, caption="Open schools by support tier", items=ordered, heading="Schools", people=False
    )
    section.add(chart)
    section.add(table)

    visited, open_in_period = schools_visited_of_open(start=ctx.start, end=ctx.end)
    section.add(
        Table(
            caption=f"Schools visited, of the schools open in the period, {ctx.period_text}",
            headers=["", "Schools", "Share"],
            rows=[
                ["Open at some time in the period", f"{open_in_period:,}", "100%" if open_in_period else "–"],
                ["Visited at least once", f"{visited:,}", pct(visited, open_in_period)],
            ],
            footnotes=[
                f"The share is of the {open_in_period:,} schools open at some time in the period (opened by its "
                "end and not closed before its start); a visit to a school that was not open is not counted."
            ],
        )
    )
    return section
