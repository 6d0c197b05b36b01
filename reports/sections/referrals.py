"""Section: referrals, in the layout of the Home Office statistics "Individuals referred to and supported through
the Prevent Programme": the journey from referral to exit, then referrals by sector, type of concern, age band
and gender.

In General Release all these counts are counts of people, so the whole section is protected as one system:
the totals row of each breakdown is the same cell as the journey figure it adds up to, so a figure withheld in
one table cannot be read from another.
"""

from __future__ import annotations

from typing import Any

from reports import disclosure

from .base import Bar, Chart, ReportContext, Section, Table, count, label_of, not_available, selector

TITLE = "Referrals"

JOURNEY = [
    ("referrals", "Referrals"),
    ("no_further_action", "No further action"),
    ("signposted", "Signposted to other services"),
    ("csc_assessment", "Children's Social Care assessment"),
    ("police_led", "Police-led"),
    ("discussed_at_panel", "Discussed at panel"),
    ("awaiting_decision", "Decision not yet made"),
    ("adopted", "Adopted as a case"),
    ("supported", "Supported"),
    ("exited_concerns_reduced", "Left with concerns reduced"),
    ("withdrew", "Withdrew"),
    ("ongoing", "Still being supported"),
]
STAGE_LABELS = dict(JOURNEY)
# What a referral's screening can end in: together they add up to the referrals (checked in the data first).
REFERRAL_OUTCOMES = [
    "no_further_action",
    "signposted",
    "csc_assessment",
    "police_led",
    "discussed_at_panel",
    "awaiting_decision",
]
CASE_STAGES = ["adopted", "supported", "exited_concerns_reduced", "withdrew", "ongoing"]
PANEL_DECISIONS = {"channel_or_under_18_panel", "adult_safeguarding_panel", "panel_under_18", "panel_adult"}
SYNONYMS = {
    "total": "referrals",
    "referred": "referrals",
    "nfa": "no_further_action",
    "signposted_to_other_services": "signposted",
    "children's_social_care_assessment": "csc_assessment",
    "discussed": "discussed_at_panel",
    "discussed_at_channel": "discussed_at_panel",
    "adopted_as_case": "adopted",
    "adopted_as_a_case": "adopted",
    "exited": "exited_concerns_reduced",
    "exited_with_concerns_reduced": "exited_concerns_reduced",
    "left_with_concerns_reduced": "exited_concerns_reduced",
    "concerns_reduced": "exited_concerns_reduced",
    "withdrawn": "withdrew",
    "still_supported": "ongoing",
    "in_support": "ongoing",
}
# Stages that add up to another: the data is checked before a constraint is used.
PARTITIONS = [
    ("referrals", REFERRAL_OUTCOMES),
    ("adopted", ["exited_concerns_reduced", "withdrew", "ongoing"]),
]
BREAKDOWNS = [
    ("sector", ("by_sector", "sector", "sectors"), "Referrals by sector of the referrer"),
    (
        "concern",
        ("by_concern_type", "by_concern", "by_type_of_concern", "type_of_concern"),
        "Referrals by type of concern",
    ),
    ("age", ("by_age_band", "age_band", "age_bands", "by_age"), "Referrals by age band"),
    ("gender", ("by_gender", "gender", "genders"), "Referrals by gender"),
]
AGE_ORDER = ["10 or under", "11-15", "16-17", "18-20", "21-30", "31-40", "41+"]


def stage_key(key: Any) -> str:
    k = str(key).strip().lower().replace(" ", "_").replace("-", "_")
    return SYNONYMS.get(k, k)


def _journey(stats: dict[str, Any], cases: dict[str, Any] | None) -> dict[str, int]:
    """Referral outcomes from the referrals app, then what became of the cases from the panels app."""
    out: dict[str, int] = {"referrals": count(stats.get("total") or stats.get("referrals"))}
    source = stats.get("journey") or stats.get("by_outcome") or stats.get("outcomes") or {}
    panel = 0
    for label, value in source.items():
        if isinstance(value, dict):
            continue
        key = stage_key(label)
        if key in PANEL_DECISIONS:
            panel += count(value)
            continue
        if key == "ongoing":  # a referral not yet decided, not a case still in support
            key = "awaiting_decision"
        out[key] = out.get(key, 0) + count(value)
    if "discussed_at_panel" in stats or panel:
        out["discussed_at_panel"] = count(stats.get("discussed_at_panel", panel))
    for label, value in (cases or {}).items():
        key = stage_key(label)
        if key in CASE_STAGES and not isinstance(value, dict):
            out[key] = count(value)
    return out


def _breakdown(stats: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any] | None:
    for name in names:
        value = stats.get(name)
        if isinstance(value, dict):
            return value
        if isinstance(value, list):  # [{"label": ..., "count": ...}] or [{"label": ..., "referrals": ...}]
            out: dict[str, Any] = {}
            for row in value:
                label = row.get("label") or row.get("name") or row.get(name) or "Not recorded"
                rest = {k: v for k, v in row.items() if k not in ("label", "name", name)}
                out[str(label)] = rest.get("count", rest) if set(rest) <= {"count"} else rest
            return out
    return None


def _ordered(kind: str, labels: list[str]) -> list[str]:
    if kind == "age":
        known = [a for a in AGE_ORDER if a in labels]
        return known + [a for a in labels if a not in known]
    return labels


class Figures:
    """All the section's counts as one suppression system."""

    def __init__(self) -> None:
        self.values: dict[tuple[Any, ...], int] = {}
        self.constraints: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
        self.withheld: set[tuple[Any, ...]] = set()
        self.totals: dict[tuple[str, str], tuple[Any, ...]] = {}

    def add_partitions(self, prefix: tuple[Any, ...], stages: dict[str, int]) -> None:
        for total, parts in PARTITIONS:
            present = [p for p in parts if p in stages]
            if total in stages and present and stages[total] == sum(stages[p] for p in present):
                self.constraints.append(((*prefix, total), [(*prefix, p) for p in present]))

    def show(self, key: tuple[Any, ...]) -> str:
        return disclosure.show_count(self.values[key], withheld=key in self.withheld)


def build(ctx: ReportContext) -> Section:
    statistics = selector("referrals.selectors", "referral_statistics")
    if statistics is None:
        return not_available("referrals", TITLE, "referral records")
    stats = statistics(start=ctx.start, end=ctx.end)
    case_statistics = selector("channel.selectors", "case_statistics")
    cases = case_statistics(start=ctx.start, end=ctx.end) if case_statistics is not None else None
    section = Section(key="referrals", title=TITLE)
    figures = Figures()

    journey = _journey(stats, cases)
    stages = [k for k, _ in JOURNEY if k in journey]
    for stage in stages:
        figures.values[("journey", stage)] = journey[stage]
    figures.add_partitions(("journey",), journey)

    tables: list[tuple[str, str, list[str], list[str]]] = []
    for kind, names, caption in BREAKDOWNS:
        data = _breakdown(stats, names)
        if data is None:
            continue
        labels = _ordered(kind, [str(k) for k in data])
        cross = any(isinstance(v, dict) for v in data.values())
        if cross:
            rows = {label: {stage_key(k): count(v) for k, v in (data[label] or {}).items()} for label in labels}
            columns = [s for s, _ in JOURNEY if any(s in r for r in rows.values())]
        else:
            rows = {label: {"referrals": count(data[label])} for label in labels}
            columns = ["referrals"]
        for label, by_stage in rows.items():
            for stage in columns:
                figures.values[(kind, label, stage)] = by_stage.get(stage, 0)
            figures.add_partitions((kind, label), {s: by_stage.get(s, 0) for s in columns})
        for stage in columns:
            column_total = sum(rows[label].get(stage, 0) for label in labels)
            total_key: tuple[Any, ...] = ("journey", stage)
            if figures.values.get(total_key) != column_total:
                total_key = (kind, "Total", stage)  # not the journey figure (e.g. some not recorded): its own cell
                figures.values[total_key] = column_total
            figures.constraints.append((total_key, [(kind, label, stage) for label in labels]))
            figures.totals[(kind, stage)] = total_key
        tables.append((kind, caption, labels, columns))

    if ctx.general_release:
        figures.withheld = disclosure.suppress(figures.values, figures.constraints)

    total = journey.get("referrals", 0)
    section.intro = [
        f"Referrals of people about whom there was a concern that they may be drawn into terrorism, received "
        f'from {ctx.period_text}, laid out as in the Home Office statistics "Individuals referred to and '
        'supported through the Prevent Programme". A referral is screened; most need no further action or '
        "are signposted to other services. Those that may need Prevent support are discussed at a panel, which "
        "may adopt the person as a case; support is voluntary and a person may withdraw.",
    ]
    if ctx.general_release:
        section.intro.append(
            "This is a General Release report: counts of people from 1 to 4 are shown as *, as are other figures "
            "from which such a count could be worked out."
        )
    total_withheld = ("journey", "referrals") in figures.withheld
    journey_rows = []
    bars = []
    for stage in stages:
        key = ("journey", stage)
        hidden = key in figures.withheld
        share = (
            "100%"
            if stage == "referrals"
            else disclosure.show_percent(journey[stage], total, withheld=hidden or total_withheld)
        )
        journey_rows.append([STAGE_LABELS[stage], figures.show(key), share])
        bars.append(Bar(STAGE_LABELS[stage], None if hidden else journey[stage], figures.show(key)))
    footnotes = [disclosure.FOOTNOTE] if figures.withheld else []
    section.add(Chart(title=f"The Prevent journey of referrals received, {ctx.period_text}", bars=bars))
    section.add(
        Table(
            caption=f"The Prevent journey of referrals received, {ctx.period_text}",
            headers=["Stage", "People", "Share of referrals"],
            rows=journey_rows,
            footnotes=footnotes,
        )
    )

    for kind, caption, labels, columns in tables:
        rows_out = []
        bars = []
        for label in labels:
            cells = [figures.show((kind, label, stage)) for stage in columns]
            if columns == ["referrals"]:
                key = (kind, label, "referrals")
                hidden = key in figures.withheld
                tkey = figures.totals[(kind, "referrals")]
                cells.append(
                    disclosure.show_percent(
                        figures.values[key], figures.values[tkey], withheld=hidden or tkey in figures.withheld
                    )
                )
                bars.append(Bar(label, None if hidden else figures.values[key], figures.show(key)))
            rows_out.append([label, *cells])
        total_cells = [figures.show(figures.totals[(kind, stage)]) for stage in columns]
        headers = [caption.split(" by ")[-1].capitalize(), *[STAGE_LABELS.get(s, label_of(s)) for s in columns]]
        if columns == ["referrals"]:
            headers.append("Share")
            total_cells.append("100%")
            section.add(Chart(title=caption, bars=bars))
        section.add(
            Table(
                caption=f"{caption}, {ctx.period_text}",
                headers=headers,
                rows=rows_out,
                total_row=["Total", *total_cells],
                footnotes=footnotes,
            )
        )
    return section
