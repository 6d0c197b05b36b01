"""Section: schools engaged and their support tiers."""

from __future__ import annotations

from django.db.models import Count

from .base import ReportContext, Section, Table, count, count_table, label_of, pct, selector

TITLE = "Schools engaged and their support tiers"
TIER_LABELS = {"universal": "Universal offer", "specialist": "Specialist offer", "intensive": "Intensive offer"}


def _tiers(ctx: ReportContext) -> dict[str, int]:
    by_tier = selector("schools.selectors", "school_counts_by_support_tier")
    if by_tier is not None:
        return {str(k): count(v) for k, v in by_tier(on=ctx.end).items()}
    from schools.models import School

    rows = School.objects.open_on(ctx.end).values("support_tier").annotate(n=Count("id")).order_by()
    return {row["support_tier"]: row["n"] for row in rows}


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

    visits = selector("schools.selectors", "visit_counts_by_offer")
    if visits is not None:
        by_offer = {str(k): count(v) for k, v in visits(start=ctx.start, end=ctx.end).items()}
        engaged = by_offer.pop("schools_visited", None)
        if engaged is not None:
            section.add(
                Table(
                    caption="Schools visited in the period",
                    headers=["", "Schools", "Share of open schools"],
                    rows=[["Visited at least once", f"{engaged:,}", pct(engaged, total)]],
                )
            )
    return section
