"""Section: training uptake as at the period end (WRAP, PVE, any Prevent training, by phase), reach in the
period, feedback and quality."""

from __future__ import annotations

from typing import Any

from training.selectors import feedback_in_period, reach_in_period, uptake_overall_and_by_phase

from .base import Bar, Chart, ReportContext, Section, Table, count, fmt, label_of, pct

TITLE = "Training uptake and quality"
REACH_LABELS = {
    "staff": "Staff trained",
    "pupils": "Pupils reached",
    "parents": "Parents reached",
    "sessions": "Sessions delivered",
    "institutions": "Schools and other institutions reached",
    "schools": "Schools reached",
}
FEEDBACK_LABELS = {
    "sessions": "Sessions held",
    "responses": "Feedback responses",
    "better_understanding": "Reported a better understanding",
    "better_understanding_pct": "Share reporting a better understanding",
    "mean_rating": "Average rating of sessions (out of 5)",
    "sessions_observed": "Sessions observed for quality",
}


def _share(row: dict[str, Any], kind: str) -> str:
    schools = count(row.get(f"{kind}_schools"))
    return f"{schools:,} ({pct(schools, count(row.get('open_schools')))})"


def _phase_label(row: dict[str, Any]) -> str:
    for key in ("phase_label", "label", "phase_name", "phase"):
        if row.get(key):
            return label_of(row[key]) if key == "phase" else str(row[key])
    return "Not recorded"


def build(ctx: ReportContext) -> Section:
    section = Section(key="training", title=TITLE)
    overall, by_phase = uptake_overall_and_by_phase(on=ctx.end)  # one pass over the attendances, not two
    open_schools = count(overall.get("open_schools"))
    wrap, pve, any_ = (count(overall.get(f"{k}_schools")) for k in ("wrap", "pve", "any"))
    section.intro = [
        f"As at {ctx.end:%-d %B %Y}, of {open_schools:,} open schools, {wrap:,} ({pct(wrap, open_schools)}) had "
        f"accessed Workshop to Raise Awareness of Prevent (WRAP) training, {pve:,} ({pct(pve, open_schools)}) "
        f"Preventing Violent Extremism (PVE) training for designated safeguarding leads, and {any_:,} "
        f"({pct(any_, open_schools)}) some Prevent training. A school counts once it has sent staff to a course "
        "on or before the date; shares are of the schools open on that date.",
    ]
    section.add(
        Chart(
            title="Share of open schools that have accessed training",
            bars=[
                Bar("WRAP", 100 * wrap / open_schools if open_schools else 0, pct(wrap, open_schools)),
                Bar("PVE", 100 * pve / open_schools if open_schools else 0, pct(pve, open_schools)),
                Bar("Any Prevent training", 100 * any_ / open_schools if open_schools else 0, pct(any_, open_schools)),
            ],
            maximum=100,
            unit="%",
        )
    )
    rows = []
    for row in by_phase:
        rows.append(
            [_phase_label(row), fmt(count(row.get("open_schools")))] + [_share(row, k) for k in ("wrap", "pve", "any")]
        )
    section.add(
        Table(
            caption=f"Schools that have accessed training as at {ctx.end:%-d %B %Y}, by phase",
            headers=["Phase", "Open schools", "WRAP", "PVE", "Any Prevent training"],
            rows=rows,
            total_row=["All phases", fmt(open_schools)] + [_share(overall, k) for k in ("wrap", "pve", "any")],
        )
    )

    figures = reach_in_period(start=ctx.start, end=ctx.end)
    items = [(REACH_LABELS.get(k, label_of(k)), v) for k, v in figures.items() if isinstance(v, int | float)]
    section.add(
        Table(
            caption=f"Reached by training and workshops, {ctx.period_text}",
            headers=["", "Number"],
            rows=[[label, fmt(value)] for label, value in items],
        )
    )
    by_sector = figures.get("by_sector")
    if isinstance(by_sector, dict) and by_sector:
        section.add(
            Table(
                caption=f"Sessions and people reached by audience, {ctx.period_text}",
                headers=["Audience", "Sessions", "People reached"],
                rows=[
                    [str(label), fmt(count(row.get("sessions"))), fmt(count(row.get("people")))]
                    for label, row in by_sector.items()
                    if isinstance(row, dict)
                ],
            )
        )

    figures = feedback_in_period(start=ctx.start, end=ctx.end)
    rows = [
        [FEEDBACK_LABELS.get(k, label_of(k)), _feedback_value(k, v)]
        for k, v in figures.items()
        if not isinstance(v, dict | list)
    ]
    if rows:
        section.add(
            "Those who attend a session are asked whether they now understand the Prevent duty better and to "
            "rate it; the Prevent coordinator observes some sessions to check their quality."
        )
        section.add(Table(caption=f"Feedback and quality, {ctx.period_text}", headers=["", "Figure"], rows=rows))
    return section


def _feedback_value(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if ("pct" in key or "share" in key or "percent" in key) and isinstance(value, int | float):
        return f"{value:.0f}%"
    return fmt(value)
